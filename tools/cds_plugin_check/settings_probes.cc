// Derives invalid settings from the JSON Schema keywords cds::sdk::SettingsSchema emits (type,
// minimum, maximum, enum); a hand-written schema using other keywords gets the generic probes.
#include "settings_probes.h"

namespace cds_plugin_check {
namespace {

SettingsProbe WithValue(const nlohmann::json& valid, const std::string& name,
                        const nlohmann::json& value, const std::string& why) {
  nlohmann::json settings = valid;
  settings[name] = value;
  return {name + ": " + value.dump() + " (" + why + ")", settings.dump(), name};
}

// Probes for one declared setting, from the JSON Schema keywords SettingsSchema emits.
void AddSettingProbes(const std::string& name, const nlohmann::json& property,
                      const nlohmann::json& valid, std::vector<SettingsProbe>& probes) {
  const std::string type = property.value("type", "");
  if (type == "number" || type == "integer") {
    probes.push_back(WithValue(valid, name, "not a number", "a string where a number belongs"));
  } else if (type == "string") {
    probes.push_back(WithValue(valid, name, 12345, "a number where a string belongs"));
  } else if (type == "boolean") {
    probes.push_back(WithValue(valid, name, "yes", "a string where true or false belongs"));
  }
  if (type == "integer") {
    probes.push_back(WithValue(valid, name, 0.5, "not a whole number"));
  }
  if (auto minimum = property.find("minimum"); minimum != property.end() && minimum->is_number()) {
    probes.push_back(WithValue(valid, name, minimum->get<double>() - 1,
                               "below its minimum " + minimum->dump()));
  }
  if (auto maximum = property.find("maximum"); maximum != property.end() && maximum->is_number()) {
    probes.push_back(WithValue(valid, name, maximum->get<double>() + 1,
                               "above its maximum " + maximum->dump()));
  }
  if (auto allowed = property.find("enum"); allowed != property.end() && allowed->is_array()) {
    probes.push_back(WithValue(valid, name, "cds-plugin-check-not-an-allowed-value",
                               "not one of its allowed values"));
  }
}

}  // namespace

std::vector<SettingsProbe> InvalidSettingsProbes(const std::string& settings_schema,
                                                 const nlohmann::json& valid_settings) {
  std::vector<SettingsProbe> probes = {
      {"malformed JSON", "{\"", ""},
      {"a JSON array instead of an object", "[]", ""},
      {"a JSON string instead of an object", "\"settings\"", ""},
  };
  nlohmann::json unknown = valid_settings;
  unknown[kUnknownSetting] = true;
  probes.push_back({std::string(kUnknownSetting) + ": an undeclared setting", unknown.dump(),
                    kUnknownSetting});

  const nlohmann::json schema = nlohmann::json::parse(settings_schema, nullptr, false);
  if (schema.is_object()) {
    if (auto properties = schema.find("properties");
        properties != schema.end() && properties->is_object()) {
      for (auto it = properties->begin(); it != properties->end(); ++it) {
        if (it->is_object()) AddSettingProbes(it.key(), *it, valid_settings, probes);
      }
    }
  }
  return probes;
}

}  // namespace cds_plugin_check
