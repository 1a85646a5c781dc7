// The cdsd configuration file: where to listen, which plugins to run with which settings, and
// the operational knobs. Loading never throws and never stops at the first problem: it returns
// every problem found with its file:line:column, so `cdsd --check-config` can print them all.
#ifndef CDSD_HOST_CONFIG_CONFIG_H_
#define CDSD_HOST_CONFIG_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cdsd {

struct PluginConfig {
  // The service id EHRs use. Unique in the file.
  std::string id;
  // Absolute (relative paths are resolved against the config file's folder).
  std::filesystem::path path;
  bool enabled = true;
  std::chrono::milliseconds timeout{500};
  // The operator's settings for this plugin, as JSON, before shared settings are merged in.
  nlohmann::json settings = nlohmann::json::object();
  // Where the entry starts, for messages ("cdsd.yaml:14:5").
  std::string location;
};

struct TlsConfig {
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;
  // When set, clients must present a certificate signed by this CA.
  std::filesystem::path client_ca;
};

struct Config {
  std::filesystem::path source_path;
  std::string listen_address = "127.0.0.1:50051";
  std::optional<TlsConfig> tls;
  // Unix domain socket for cds.admin.v1.Admin; empty disables the admin API.
  std::filesystem::path admin_socket;
  // host:port for the Prometheus endpoint; empty disables it.
  std::string metrics_address;
  std::filesystem::path audit_path;
  bool audit_store_requests = true;
  std::string log_format = "text";
  std::string log_level = "info";
  bool watch_config = false;
  // Threads that run plugin calls; 0 = chosen from the number of cores.
  int worker_threads = 0;
  // A service with this many calls stuck past their timeout is skipped until they return.
  int max_stuck_calls = 4;
  // Settings given once for every plugin that declares them (for example label_edition).
  nlohmann::json shared_settings = nlohmann::json::object();
  std::vector<PluginConfig> plugins;
};

struct ConfigProblem {
  // "file:line:column", or just the file name when the problem is the whole file.
  std::string location;
  std::string message;
};

struct ConfigLoadResult {
  std::optional<Config> config;  // set only when problems is empty
  std::vector<ConfigProblem> problems;
};

ConfigLoadResult LoadConfigFile(const std::filesystem::path& path);
ConfigLoadResult ParseConfig(const std::string& yaml_text, const std::filesystem::path& source_path);

std::string FormatProblems(const std::vector<ConfigProblem>& problems);

}  // namespace cdsd

#endif  // CDSD_HOST_CONFIG_CONFIG_H_
