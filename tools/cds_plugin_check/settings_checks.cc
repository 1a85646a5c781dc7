// The checks of an instance's life cycle: creation with good settings, refusal of bad ones.
#include "conformance_checks.h"
#include "settings_probes.h"

namespace cds_plugin_check {

CheckResult CheckCreateAndDestroy(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "create/destroy";
  const std::string settings = plugin.settings().dump();
  // Two instances alive at once (operators configure one plugin several times), then a third
  // after both are gone (a reload).
  activity.Note("create with " + settings);
  auto first = plugin.NewInstance();
  if (!first.ok()) return CheckResult::Fail(kName, "refused " + settings, {std::string(first.status().message())});
  activity.Note("create a second instance while the first is alive");
  auto second = plugin.NewInstance();
  if (!second.ok()) {
    return CheckResult::Fail(kName, "a second instance was refused",
                             {std::string(second.status().message())});
  }
  activity.Note("destroy both instances");
  first->reset();
  second->reset();
  activity.Note("create again after destroying");
  auto third = plugin.NewInstance();
  if (!third.ok()) {
    return CheckResult::Fail(kName, "refused after earlier instances were destroyed",
                             {std::string(third.status().message())});
  }
  activity.Note("destroy the last instance");
  third->reset();
  return CheckResult::Pass(kName, "3 instances created with " + settings +
                                      " and destroyed, 2 alive at once");
}

CheckResult CheckInvalidSettings(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "invalid settings";
  const cds_plugin_api& api = plugin.api();
  const std::vector<SettingsProbe> probes =
      InvalidSettingsProbes(plugin.library().info().settings_schema(), plugin.settings());
  std::vector<std::string> problems;
  size_t total = 0;
  for (const SettingsProbe& probe : probes) {
    activity.Note("create with " + probe.description);
    cds_plugin_instance* instance = nullptr;
    cds_bytes error{nullptr, 0};
    const cds_status status =
        api.create(probe.settings_json.data(), probe.settings_json.size(), &instance, &error);
    const bool has_message = error.data != nullptr && error.size > 0;
    const std::string message = cdsd::TakeError(api, &error);
    if (status == CDS_STATUS_OK) {
      NoteProblem(problems, total, "accepted " + probe.description);
      if (instance != nullptr) api.destroy(instance);
    } else if (status != CDS_STATUS_INVALID_SETTINGS) {
      NoteProblem(problems, total, probe.description + ": refused with " +
                                       cdsd::StatusName(status) + " instead of INVALID_SETTINGS");
    } else if (instance != nullptr) {
      NoteProblem(problems, total, probe.description + ": refused, but set an instance anyway");
    } else if (!has_message) {
      NoteProblem(problems, total, probe.description + ": refused without a message");
    } else if (!probe.setting.empty() && message.find(probe.setting) == std::string::npos) {
      NoteProblem(problems, total, probe.description + ": the message does not name " +
                                       probe.setting + ": \"" + message + "\"");
    }
  }
  NoteOmitted(problems, total);
  const std::string tried = std::to_string(probes.size()) + " invalid settings objects";
  if (total > 0) {
    return CheckResult::Fail(kName, std::to_string(total) + " of " + tried + " not refused properly",
                             std::move(problems));
  }
  return CheckResult::Pass(kName, tried + " refused with INVALID_SETTINGS, naming the setting");
}

}  // namespace cds_plugin_check
