// cds-plugin-check: checks that a plugin library conforms to the cdsd plugin ABI and contract,
// without a running host: exports, ABI version, metadata, settings, answers, determinism,
// concurrency, robustness against hostile input, and time per call. Prints one line per check
// and "N passed, M failed"; exits 0 only when every check passed.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "check_result.h"
#include "conformance_checks.h"
#include "exported_symbols.h"
#include "isolated_check.h"
#include "sample_requests.h"

namespace cds_plugin_check {
namespace {

// Exit code for a command line or an input file the checker cannot use (failures exit 1).
constexpr int kUsageError = 2;

struct CommandLine {
  std::filesystem::path plugin;
  std::filesystem::path settings_file;
  std::vector<std::filesystem::path> request_paths;
  std::string service_id;
  StressOptions stress;
  int check_timeout_seconds = 120;
};

// The checks that need a loaded plugin, in report order.
struct LoadedCheck {
  const char* name;
  std::function<CheckResult(const PluginUnderTest&, const StressOptions&, const Activity&)> run;
};
const std::vector<LoadedCheck>& LoadedChecks() {
  static const std::vector<LoadedCheck> checks = {
      {"metadata", [](auto& p, auto&, auto& a) { return CheckMetadata(p, a); }},
      {"create/destroy", [](auto& p, auto&, auto& a) { return CheckCreateAndDestroy(p, a); }},
      {"invalid settings", [](auto& p, auto&, auto& a) { return CheckInvalidSettings(p, a); }},
      {"evaluate", [](auto& p, auto&, auto& a) { return CheckEvaluate(p, a); }},
      {"cards", [](auto& p, auto&, auto& a) { return CheckCards(p, a); }},
      {"determinism", [](auto& p, auto&, auto& a) { return CheckDeterminism(p, a); }},
      {"concurrency", [](auto& p, auto& o, auto& a) { return CheckConcurrency(p, o, a); }},
      {"robustness", [](auto& p, auto& o, auto& a) { return CheckRobustness(p, o, a); }},
      {"time per call", [](auto& p, auto& o, auto& a) { return CheckTimePerCall(p, o, a); }},
  };
  return checks;
}

absl::StatusOr<nlohmann::json> ReadSettings(const std::filesystem::path& file) {
  if (file.empty()) return nlohmann::json::object();
  std::ifstream in(file);
  if (!in.is_open()) return absl::NotFoundError(file.string() + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json settings = nlohmann::json::parse(text.str(), nullptr, false);
  if (settings.is_discarded() || !settings.is_object()) {
    return absl::InvalidArgumentError(file.string() + ": not a JSON object of settings");
  }
  return settings;
}

absl::StatusOr<std::vector<SampleRequest>> ChooseSamples(const CommandLine& command,
                                                         const cds::plugin::v1::PluginInfo& info) {
  const std::string service_id = command.service_id.empty() ? info.id() : command.service_id;
  if (command.request_paths.empty()) {
    std::cout << "samples: an empty and a rich patient for each declared hook ("
              << 2 * info.hooks_size() << " requests)\n";
    return SynthesisedRequests(info, service_id);
  }
  absl::StatusOr<RequestFiles> files = ReadRequestFiles(command.request_paths, info, service_id);
  if (!files.ok()) return files.status();
  std::cout << "samples: " << files->requests.size() << " request files";
  if (!files->skipped.empty()) {
    std::cout << " (" << files->skipped.size() << " more skipped: hooks the plugin does not declare)";
  }
  std::cout << "\n";
  if (files->requests.empty()) {
    return absl::InvalidArgumentError("none of the request files is for a hook the plugin declares");
  }
  return std::move(files->requests);
}

int Run(const CommandLine& command) {
  absl::StatusOr<nlohmann::json> settings = ReadSettings(command.settings_file);
  if (!settings.ok()) {
    std::cerr << "cds-plugin-check: " << settings.status().message() << "\n";
    return kUsageError;
  }
  std::cout << "cds-plugin-check: " << command.plugin.string() << "\n"
            << "settings: " << settings->dump() << "\n";

  Report report(std::cout);
  report.Add(CheckExportedSymbols(command.plugin));
  auto library = cdsd::PluginLibrary::Load(std::filesystem::absolute(command.plugin));
  if (!library.ok()) {
    report.Add(CheckResult::Fail("load", "cdsd's loader refused the plugin",
                                 {std::string(library.status().message())}));
    report.Add(CheckResult::Skip("abi version", "the plugin did not load"));
    for (const LoadedCheck& check : LoadedChecks()) {
      report.Add(CheckResult::Skip(check.name, "the plugin did not load"));
    }
    report.Finish();
    return 1;
  }
  report.Add(CheckResult::Pass("load", "accepted by cdsd's loader (entry point, ABI, table, "
                                       "required metadata)"));

  absl::StatusOr<std::vector<SampleRequest>> samples = ChooseSamples(command, (*library)->info());
  if (!samples.ok()) {
    std::cerr << "cds-plugin-check: " << samples.status().message() << "\n";
    return kUsageError;
  }
  const PluginUnderTest plugin(*library, *settings, std::move(*samples));
  report.Add(CheckAbiVersion(plugin));
  const std::chrono::seconds timeout(command.check_timeout_seconds);
  for (const LoadedCheck& check : LoadedChecks()) {
    report.Add(RunIsolated(check.name, timeout, [&](const Activity& activity) {
      return check.run(plugin, command.stress, activity);
    }));
  }
  return report.Finish() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cds_plugin_check

int main(int argc, char** argv) {
  using cds_plugin_check::CommandLine;
  CommandLine command;
  CLI::App app{"Checks that a cdsd plugin library conforms to the plugin ABI and contract, "
               "without a running host. Exits 0 when every check passes, 1 when one fails."};
  app.add_option("plugin", command.plugin, "The plugin shared library (.so)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--settings", command.settings_file,
                 "JSON object of settings to create instances with (default: {})")
      ->check(CLI::ExistingFile);
  app.add_option("--requests", command.request_paths,
                 "cds.v1.EvaluateRequest JSON files, or folders of them (*.expect.json skipped); "
                 "default: an empty and a rich patient for each declared hook")
      ->check(CLI::ExistingPath);
  app.add_option("--service-id", command.service_id,
                 "Service id put in each request (default: the plugin's id)");
  app.add_option("--threads", command.stress.threads, "Threads in the concurrency check")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--calls-per-thread", command.stress.calls_per_thread,
                 "Calls each thread makes in the concurrency check")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--iterations", command.stress.robustness_inputs,
                 "Hostile inputs in the robustness check")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  app.add_option("--seed", command.stress.seed, "Seed of the hostile inputs")->capture_default_str();
  int budget_ms = static_cast<int>(command.stress.call_budget.count());
  app.add_option("--max-call-ms", budget_ms, "Budget for the 99th percentile time per call")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  app.add_option("--check-timeout", command.check_timeout_seconds,
                 "Seconds one check may run before it fails as hung")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cds_plugin_check::kUsageError;
  }
  command.stress.call_budget = std::chrono::milliseconds(budget_ms);
  return cds_plugin_check::Run(command);
}
