// Settings a plugin must refuse, derived from its own settings JSON Schema: malformed JSON,
// values that are not an object, an unknown key, and for each declared setting a value of the
// wrong type, below its minimum, above its maximum or outside its allowed values. Each probe
// starts from the settings the checker was given, so a refusal can only come from the probe.
#ifndef CDS_PLUGIN_CHECK_SETTINGS_PROBES_H_
#define CDS_PLUGIN_CHECK_SETTINGS_PROBES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cds_plugin_check {

struct SettingsProbe {
  // What is wrong with it, for the report: "cards: -1 (below its minimum 0)".
  std::string description;
  // The settings text passed to create.
  std::string settings_json;
  // The setting the plugin's message must name; empty when the whole object is wrong.
  std::string setting;
};

// An invented key that no plugin declares.
inline constexpr char kUnknownSetting[] = "cds_plugin_check_unknown_setting";

std::vector<SettingsProbe> InvalidSettingsProbes(const std::string& settings_schema,
                                                 const nlohmann::json& valid_settings);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_SETTINGS_PROBES_H_
