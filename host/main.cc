// cdsd: the clinical decision support host. Parses the command line, loads the config, starts the
// servers, then waits for signals: SIGHUP reloads, SIGTERM/SIGINT drain and exit 0.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "config/config.h"
#include "observability/logging.h"
#include "plugin/plugin_snapshot.h"
#include "server/cds_server.h"

namespace {

using cdsd::LogEvent;
using cdsd::LogLevel;

// --check-config: validate the file and every enabled plugin (loadable, ABI compatible,
// settings accepted) without serving.
int CheckConfig(const std::string& path) {
  cdsd::ConfigLoadResult loaded = cdsd::LoadConfigFile(path);
  if (!loaded.config) {
    std::cout << cdsd::FormatProblems(loaded.problems);
    std::cout << loaded.problems.size() << " problem(s) in " << path << "\n";
    return 1;
  }
  cdsd::SnapshotBuild build = cdsd::BuildSnapshot(*loaded.config, 1, nullptr);
  for (const auto& p : build.snapshot->plugins()) {
    std::cout << (p.state == cdsd::PluginState::kFailed ? "FAIL " : "ok   ") << p.config.id << "  "
              << cdsd::PluginStateName(p.state);
    if (p.service) {
      const auto& info = p.service->library().info();
      std::cout << "  " << info.id() << " " << info.version() << " (knowledge " << info.knowledge_version() << ")";
    }
    std::cout << "\n";
  }
  for (const std::string& f : build.failures) std::cout << f << "\n";
  std::cout << (build.failures.empty() ? "config OK: " : "config has problems: ") << path << "\n";
  return build.failures.empty() ? 0 : 1;
}

std::filesystem::file_time_type ModifiedTime(const std::filesystem::path& path) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  return ec ? std::filesystem::file_time_type::min() : t;
}

void ReloadNow(cdsd::CdsServer& server) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
  sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%lld", static_cast<long long>(now.count()));
  (void)server.Reload();  // outcome is logged; a refused reload keeps the old set serving
  sd_notify(0, "READY=1");
}

// Each client connection is a file descriptor: take the hard limit (LimitNOFILE in the unit)
// rather than the 1024 soft default, so a crowd of idle clients cannot exhaust them.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cdsd: clinical decision support host (cds.v1 gRPC API, C ABI plugins)"};
  std::string config_path;
  std::string check_path;
  std::string listen;
  std::string admin_socket;
  std::string ready_file;
  int grace_ms = 10000;
  app.add_option("--config,-c", config_path, "YAML config file");
  app.add_option("--check-config", check_path, "Validate this config and its plugins, then exit");
  app.add_option("--listen", listen, "Override the config's listen address (127.0.0.1:0 picks a free port)");
  app.add_option("--admin-socket", admin_socket, "Override the config's admin socket path");
  app.add_option("--ready-file", ready_file, "Write the bound listen address to this file once serving");
  app.add_option("--shutdown-grace-ms", grace_ms, "How long SIGTERM waits for in-flight calls")->check(CLI::Range(0, 600000));
  app.set_version_flag("--version", std::string("cdsd ") + CDSD_VERSION);
  CLI11_PARSE(app, argc, argv);

  RaiseOpenFileLimit();
  umask(077);  // the audit trail and the admin socket hold clinical data and control: owner only
  if (!check_path.empty()) {
    cdsd::ConfigureLogging("text", "warn");
    return CheckConfig(check_path);
  }
  if (config_path.empty()) {
    std::cerr << "cdsd: --config FILE is required (or --check-config FILE)\n";
    return 2;
  }
  cdsd::ConfigLoadResult loaded = cdsd::LoadConfigFile(config_path);
  if (!loaded.config) {
    std::cerr << cdsd::FormatProblems(loaded.problems);
    std::cerr << "cdsd: " << loaded.problems.size() << " problem(s) in " << config_path << "; not starting\n";
    return 2;
  }
  cdsd::ConfigureLogging(loaded.config->log_format, loaded.config->log_level);
  const bool watch = loaded.config->watch_config;

  // Signals are taken synchronously by this thread: block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = cdsd::CdsServer::Start(*std::move(loaded.config), {listen, admin_socket});
  if (!server.ok()) {
    LogEvent(LogLevel::kError, "startup_failed", {{"reason", std::string(server.status().message())}});
    return 1;
  }
  if (!ready_file.empty()) {
    std::ofstream(ready_file) << (*server)->listen_address() << "\n";
  }
  sd_notify(0, "READY=1");

  auto last_modified = ModifiedTime(config_path);
  while (true) {
    int signal = 0;
    if (watch) {
      timespec tick{1, 0};
      signal = sigtimedwait(&signals, nullptr, &tick);
      if (signal < 0) {
        const auto modified = ModifiedTime(config_path);
        if (modified != last_modified) {
          last_modified = modified;
          LogEvent(LogLevel::kInfo, "config_changed", {{"path", config_path}});
          ReloadNow(**server);
        }
        continue;
      }
    } else if (sigwait(&signals, &signal) != 0) {
      continue;
    }
    if (signal == SIGHUP) {
      ReloadNow(**server);
      last_modified = ModifiedTime(config_path);
      continue;
    }
    sd_notify(0, "STOPPING=1");
    (*server)->Shutdown(std::chrono::milliseconds(grace_ms));
    if (const int inside = (*server)->threads_inside_plugins(); inside > 0) {
      // A thread inside a hung plugin cannot be stopped or joined: everything else is shut
      // down and flushed, so exit around it.
      LogEvent(LogLevel::kWarn, "exit_with_hung_plugin_calls", {{"threads", inside}});
      std::fflush(nullptr);
      std::_Exit(0);
    }
    return 0;
  }
}
