// cds/sdk/settings.h: declare a plugin's settings once, as data, and get both the JSON Schema the
// host shows operators (PluginInfo.settings_schema) and strict parsing of the operator's values
// (unknown keys, wrong types and out-of-range values are refused with the setting's name).
#ifndef CDS_SDK_SETTINGS_H_
#define CDS_SDK_SETTINGS_H_

#include <cds/sdk/plugin.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cds::sdk {

struct SettingSpec {
  enum class Type { kNumber, kInteger, kString, kBoolean };

  std::string name;
  Type type = Type::kNumber;
  nlohmann::json default_value;
  std::string description;
  // Where the default comes from, e.g. "S17 (esketamine phase 3 programme)".
  std::string source;
  std::optional<double> minimum;
  std::optional<double> maximum;
  // For strings: the accepted values (empty = any).
  std::vector<std::string> allowed;
};

// Settings after validation, with every default filled in.
class Settings {
 public:
  explicit Settings(nlohmann::json values) : values_(std::move(values)) {}
  double Number(const std::string& name) const { return values_.at(name).get<double>(); }
  long long Integer(const std::string& name) const { return values_.at(name).get<long long>(); }
  std::string String(const std::string& name) const { return values_.at(name).get<std::string>(); }
  bool Boolean(const std::string& name) const { return values_.at(name).get<bool>(); }
  const nlohmann::json& values() const { return values_; }

 private:
  nlohmann::json values_;
};

class SettingsSchema {
 public:
  explicit SettingsSchema(std::vector<SettingSpec> specs) : specs_(std::move(specs)) {}

  const std::vector<SettingSpec>& specs() const { return specs_; }

  // JSON Schema (draft 2020-12) describing the settings object.
  std::string ToJsonSchema() const {
    nlohmann::json properties = nlohmann::json::object();
    for (const SettingSpec& s : specs_) {
      nlohmann::json p;
      p["type"] = TypeName(s.type);
      p["default"] = s.default_value;
      std::string description = s.description;
      if (!s.source.empty()) description += " (default from " + s.source + ")";
      p["description"] = description;
      if (s.minimum) p["minimum"] = *s.minimum;
      if (s.maximum) p["maximum"] = *s.maximum;
      if (!s.allowed.empty()) p["enum"] = s.allowed;
      properties[s.name] = p;
    }
    nlohmann::json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                             {"type", "object"},
                             {"additionalProperties", false},
                             {"properties", properties}};
    return schema.dump();
  }

  // Validates `given` and fills defaults. Throws SettingsError listing every problem.
  Settings Parse(const nlohmann::json& given) const {
    std::vector<std::string> problems;
    if (!given.is_object()) throw SettingsError("settings must be a JSON object");
    nlohmann::json values = nlohmann::json::object();
    for (const SettingSpec& s : specs_) {
      auto it = given.find(s.name);
      if (it == given.end() || it->is_null()) {
        values[s.name] = s.default_value;
        continue;
      }
      std::string problem = Check(s, *it);
      if (!problem.empty()) {
        problems.push_back(s.name + ": " + problem);
        continue;
      }
      values[s.name] = *it;
    }
    for (auto it = given.begin(); it != given.end(); ++it) {
      bool known = false;
      for (const SettingSpec& s : specs_) known = known || s.name == it.key();
      if (!known) problems.push_back(it.key() + ": unknown setting");
    }
    if (!problems.empty()) {
      std::string message = "invalid settings: ";
      for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
      throw SettingsError(message);
    }
    return Settings(std::move(values));
  }

 private:
  static const char* TypeName(SettingSpec::Type type) {
    switch (type) {
      case SettingSpec::Type::kNumber: return "number";
      case SettingSpec::Type::kInteger: return "integer";
      case SettingSpec::Type::kString: return "string";
      case SettingSpec::Type::kBoolean: return "boolean";
    }
    return "null";
  }

  static std::string Check(const SettingSpec& s, const nlohmann::json& v) {
    switch (s.type) {
      case SettingSpec::Type::kBoolean:
        return v.is_boolean() ? "" : "must be true or false";
      case SettingSpec::Type::kString:
        if (!v.is_string()) return "must be a string";
        if (!s.allowed.empty()) {
          for (const std::string& a : s.allowed) {
            if (v.get<std::string>() == a) return "";
          }
          std::string list;
          for (const std::string& a : s.allowed) list += (list.empty() ? "" : ", ") + a;
          return "must be one of " + list;
        }
        return "";
      case SettingSpec::Type::kInteger:
        if (!v.is_number_integer()) return "must be a whole number";
        break;
      case SettingSpec::Type::kNumber:
        if (!v.is_number()) return "must be a number";
        break;
    }
    const double d = v.get<double>();
    if (s.minimum && d < *s.minimum) return "must be at least " + nlohmann::json(*s.minimum).dump();
    if (s.maximum && d > *s.maximum) return "must be at most " + nlohmann::json(*s.maximum).dump();
    return "";
  }

  std::vector<SettingSpec> specs_;
};

}  // namespace cds::sdk

#endif  // CDS_SDK_SETTINGS_H_
