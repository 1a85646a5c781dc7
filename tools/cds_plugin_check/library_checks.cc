// The checks about the library itself rather than its answers: ABI version and metadata.
#include <regex>
#include <set>

#include "conformance_checks.h"
#include "plugin/abi_compatibility.h"

namespace cds_plugin_check {
namespace {

std::string Version(cdsd::AbiVersion version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor);
}

// The raw PluginInfo bytes of one get_info call; empty with `problem` set when the call fails.
std::string InfoBytes(const cds_plugin_api& api, std::string& problem) {
  const uint8_t* info = nullptr;
  size_t size = 0;
  cds_bytes error{nullptr, 0};
  const cds_status status = api.get_info(&info, &size, &error);
  if (status != CDS_STATUS_OK) {
    problem = std::string("get_info failed: ") + cdsd::StatusName(status) + ": " +
              cdsd::TakeError(api, &error);
    return "";
  }
  if (info == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(info), size);
}

}  // namespace

CheckResult CheckAbiVersion(const PluginUnderTest& plugin) {
  constexpr char kName[] = "abi version";
  const cdsd::AbiVersion host = cdsd::HostAbiVersion();
  const cdsd::AbiVersion built = plugin.library().abi_version();
  const uint64_t size = plugin.api().struct_size;
  const std::string summary = "plugin built for ABI " + Version(built) + ", host implements " +
                              Version(host) + ", table " + std::to_string(size) + " bytes";
  // A plugin of the host's own minor version has exactly the host's table; anything else means
  // it was compiled against a header that is not the one its version number names.
  if (built.minor == host.minor && size != sizeof(cds_plugin_api)) {
    return CheckResult::Fail(kName, summary,
                             {"ABI " + Version(host) + " defines a " +
                              std::to_string(sizeof(cds_plugin_api)) +
                              "-byte table: rebuild against the matching cds/plugin_api.h"});
  }
  if (built.minor < host.minor) {
    return CheckResult::Pass(kName, summary + " (an older minor: runs here, and on older hosts)");
  }
  return CheckResult::Pass(kName, summary);
}

CheckResult CheckMetadata(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "metadata";
  activity.Note("get_info");
  std::string call_problem;
  const std::string first = InfoBytes(plugin.api(), call_problem);
  std::vector<std::string> problems;
  for (int call = 0; call < 3 && call_problem.empty(); ++call) {
    if (InfoBytes(plugin.api(), call_problem) != first) {
      problems.push_back("get_info returned different bytes on a later call");
      break;
    }
  }
  if (!call_problem.empty()) problems.push_back(call_problem);

  cds::plugin::v1::PluginInfo info;
  if (!info.ParseFromString(first)) {
    problems.push_back("get_info bytes are not a cds.plugin.v1.PluginInfo");
    return CheckResult::Fail(kName, "PluginInfo unreadable", std::move(problems));
  }
  auto require = [&](bool ok, std::string problem) {
    if (!ok) problems.push_back(std::move(problem));
  };
  // Semantic Versioning 2.0.0, which cdsd's version rules for plugins assume.
  static const std::regex semver(
      R"(^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$)");
  static const std::regex kebab("^[a-z0-9]+(-[a-z0-9]+)*$");
  require(std::regex_match(info.version(), semver),
          "version \"" + info.version() + "\" is not a semantic version (MAJOR.MINOR.PATCH)");
  require(!info.title().empty(), "title is empty (discovery shows it to EHR integrators)");
  require(!info.description().empty(), "description is empty");
  std::set<std::string> hooks;
  for (const std::string& hook : info.hooks()) {
    require(std::regex_match(hook, kebab), "hook \"" + hook + "\" is not a CDS Hooks hook name");
    require(hooks.insert(hook).second, "hook " + hook + " is listed twice");
  }
  size_t setting_count = 0;
  const nlohmann::json schema = nlohmann::json::parse(info.settings_schema(), nullptr, false);
  if (info.settings_schema().empty()) {
    problems.push_back("settings_schema is empty: publish {\"type\": \"object\", \"properties\": "
                       "{}} even without settings");
  } else if (!schema.is_object() || schema.value("type", "") != "object" ||
             !schema.contains("properties") || !schema["properties"].is_object()) {
    problems.push_back("settings_schema is not a JSON Schema of an object with \"properties\"");
  } else {
    setting_count = schema["properties"].size();
  }
  for (const cds::v1::InputRequirement& input : info.inputs()) {
    require(!input.path().empty() && !input.description().empty(),
            "an input requirement lacks a path or a description");
  }

  std::string hook_list;
  for (const std::string& hook : info.hooks()) hook_list += (hook_list.empty() ? "" : ", ") + hook;
  const std::string summary = info.id() + " " + info.version() + " by " + info.vendor() +
                              "; hooks " + hook_list + "; knowledge " + info.knowledge_version() +
                              "; settings " + std::to_string(setting_count) + ", inputs " +
                              std::to_string(info.inputs_size());
  if (!problems.empty()) return CheckResult::Fail(kName, summary, std::move(problems));
  return CheckResult::Pass(kName, summary);
}

}  // namespace cds_plugin_check
