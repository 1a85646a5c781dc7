#include "eligibility_value_sets.h"

#include <cds/sdk/settings.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cds::eligibility {

namespace {

using nlohmann::json;

[[noreturn]] void Refuse(const std::string& path, const std::string& problem) {
  throw cds::sdk::SettingsError("invalid settings: value_set_files: " + path + ": " + problem);
}

std::vector<std::string> SplitPaths(std::string_view text) {
  std::vector<std::string> paths;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) paths.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return paths;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) Refuse(path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception&) {
    Refuse(path, "is not valid JSON");
  }
}

std::string StringField(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The code lists named by the ValueSet's useContext codings of kCodeListContextSystem.
std::vector<std::string> BoundLists(const json& value_set) {
  std::vector<std::string> lists;
  auto contexts = value_set.find("useContext");
  if (contexts == value_set.end() || !contexts->is_array()) return lists;
  for (const json& context : *contexts) {
    if (!context.is_object() || !context.contains("valueCodeableConcept")) continue;
    const json& concept_json = context["valueCodeableConcept"];
    if (!concept_json.is_object() || !concept_json.contains("coding")) continue;
    for (const json& coding : concept_json["coding"]) {
      if (StringField(coding, "system") == kCodeListContextSystem) {
        lists.push_back(StringField(coding, "code"));
      }
    }
  }
  return lists;
}

}  // namespace

std::map<std::string, std::vector<CodeEntry>> LoadSiteValueSets(
    std::string_view comma_separated_paths, const Knowledge& knowledge) {
  std::map<std::string, std::vector<CodeEntry>> added;
  for (const std::string& path : SplitPaths(comma_separated_paths)) {
    const json value_set = ReadJson(path);
    if (StringField(value_set, "resourceType") != "ValueSet") Refuse(path, "is not a ValueSet");
    const std::string url = StringField(value_set, "url");
    if (url.empty()) Refuse(path, "has no url");
    const std::vector<std::string> lists = BoundLists(value_set);
    if (lists.empty()) {
      Refuse(path, "no useContext coding of " + std::string(kCodeListContextSystem) +
                       " names the code list it extends");
    }
    const auto& known = knowledge.code_list_ids();
    for (const std::string& list : lists) {
      if (std::find(known.begin(), known.end(), list) == known.end()) {
        Refuse(path, "useContext names an unknown code list \"" + list + "\"");
      }
    }
    const json* contains = nullptr;
    if (value_set.contains("expansion") && value_set["expansion"].is_object() &&
        value_set["expansion"].contains("contains")) {
      contains = &value_set["expansion"]["contains"];
    }
    if (contains == nullptr || !contains->is_array() || contains->empty()) {
      Refuse(path, "has no expansion.contains entries");
    }
    std::vector<CodeEntry> entries;
    for (const json& item : *contains) {
      CodeEntry entry{StringField(item, "system"), StringField(item, "code"),
                      StringField(item, "display")};
      if (entry.system_uri.empty() || entry.code.empty()) {
        Refuse(path, "every expansion.contains entry needs system and code");
      }
      // A site code matches exactly: a trailing '*' would widen the list beyond the expansion.
      if (entry.code.back() == '*') Refuse(path, "code " + entry.code + " ends in '*'");
      entry.site_value_set = url;
      entries.push_back(std::move(entry));
    }
    for (const std::string& list : lists) {
      added[list].insert(added[list].end(), entries.begin(), entries.end());
    }
  }
  return added;
}

}  // namespace cds::eligibility
