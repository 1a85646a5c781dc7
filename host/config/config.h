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

// Where a plugin's code runs: mapped into cdsd (fastest), or in its own cdsd-plugin-runner
// process, so a crash, abort, exit or hang fails only that plugin's calls.
enum class Isolation { kInProcess, kProcess };
const char* IsolationName(Isolation isolation);  // "in_process" or "process", as in the file

struct PluginConfig {
  // The service id EHRs use. Unique in the file.
  std::string id;
  // Absolute (relative paths are resolved against the config file's folder).
  std::filesystem::path path;
  bool enabled = true;
  std::chrono::milliseconds timeout{500};
  // Lower-case hex SHA-256 the file must have (`cdsctl plugin-hash FILE`); empty: not pinned.
  std::string sha256;
  // Calls of this service that may run at once (its bulkhead permits); 0 = half the workers.
  int max_concurrent_calls = 0;
  // An answer larger than this is refused (ERROR for this service only).
  size_t max_output_bytes = 1 << 20;
  // The operator's settings for this plugin, as JSON, before shared settings are merged in.
  nlohmann::json settings = nlohmann::json::object();
  Isolation isolation = Isolation::kInProcess;
  // Where the entry starts, for messages ("cdsd.yaml:14:5").
  std::string location;
};

struct TlsConfig {
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;
  // When set, clients must present a certificate signed by this CA.
  std::filesystem::path client_ca;
  // How often the three files are re-read; a renewed certificate applies to new connections.
  int reload_interval_seconds = 60;
};

// Caller authentication on the EHR port (the `auth:` section); see docs/security.md.
struct AuthIssuer {
  std::string iss;
  std::filesystem::path jwks_file;
};

struct AuthConfig {
  // Unset in the file: on by default, except that a loopback-only daemon without an auth
  // section runs without it (see Config::auth).
  bool required = true;
  // This service's URL; a token's aud must name it.
  std::string audience;
  std::vector<AuthIssuer> issuers;
  int64_t clock_skew_seconds = 60;
  // CDS Hooks tokens live about five minutes; a longer one is refused.
  int64_t max_token_lifetime_seconds = 300;
  size_t jti_cache_size = 100000;
};

// gRPC connection limits on the EHR port (the `connections:` section), so idle or abusive
// clients cannot hold file descriptors or streams without bound.
struct ConnectionConfig {
  int64_t max_connection_idle_ms = 5 * 60 * 1000;  // a connection with no call for this long is closed
  int64_t max_connection_age_ms = 0;               // 0: no age limit
  int64_t max_connection_age_grace_ms = 30 * 1000;
  int max_concurrent_streams = 1000;               // per connection
  int64_t keepalive_time_ms = 2 * 60 * 60 * 1000;  // server pings an idle connection this often
  int64_t keepalive_timeout_ms = 20 * 1000;
  int64_t min_client_ping_interval_ms = 5 * 60 * 1000;  // clients pinging more often are dropped
  bool operator==(const ConnectionConfig&) const = default;
};

// Bounds on what one request may hold (the `limits:` section), so no request can make cdsd
// allocate without bound. A request beyond them is INVALID_ARGUMENT naming the field.
struct InputLimits {
  int64_t max_request_bytes = 4 * 1024 * 1024;  // gRPC receive limit on the EHR port
  int64_t max_list_items = 1000;                // any repeated field, at any depth
  int64_t max_string_bytes = 16 * 1024;         // any string field, at any depth
  bool operator==(const InputLimits&) const = default;
};

// How plugin runners (isolation: process) are supervised (the `plugin_runners:` section).
struct PluginRunnerConfig {
  // The cdsd-plugin-runner executable; empty: the one next to the cdsd binary.
  std::filesystem::path runner_path;
  int64_t restart_backoff_ms = 100;       // first restart delay; doubles per crash, up to max
  int64_t max_restart_backoff_ms = 10000;
  int max_crashes = 3;                    // crashes within crash_window_s that open the breaker
  int64_t crash_window_s = 60;
  int64_t breaker_cooldown_s = 30;        // how long an open breaker fails calls fast
  int poison_crashes = 2;                 // a request in flight at this many crashes is refused
  int64_t start_timeout_ms = 5000;        // spawn, load and create of one runner
  int64_t memory_limit_mb = 0;            // address-space limit of each runner; 0: none
  bool operator==(const PluginRunnerConfig&) const = default;
};

// The CDS Hooks 2.0 REST door (the `cds_hooks:` section; absent: off). TLS and caller
// authentication are the gRPC port's (`tls:`, `auth:`); see docs/cds-hooks-rest.md.
struct CdsHooksConfig {
  std::string listen_address;  // host:port (an IP address); required
  int threads = 2;             // I/O threads of the HTTP server
  int max_connections = 256;   // open connections; more are answered 503 and closed
  int64_t header_timeout_ms = 10000;      // a whole request must arrive within this
  int64_t keep_alive_timeout_ms = 15000;  // an idle keep-alive connection is closed after this
  int64_t request_timeout_ms = 5000;      // the deadline of one hook call, FHIR fetches included
  // Origins allowed to call from a browser (Access-Control-Allow-Origin); "*" allows any.
  std::vector<std::string> cors_allowed_origins = {"*"};
  // fhirServer base URLs (prefixes) cdsd may fetch absent prefetch from; empty: none, so an
  // absent required key is 412 even with fhirServer.
  std::vector<std::string> fhir_servers;
  int fhir_fetch_threads = 4;
  std::string location;  // "cdsd.yaml:30:3", for messages
  bool operator==(const CdsHooksConfig&) const = default;
};

struct Config {
  std::filesystem::path source_path;
  std::string listen_address = "127.0.0.1:50051";
  std::optional<TlsConfig> tls;
  // Absent: no `auth:` section in the file.
  std::optional<AuthConfig> auth;
  // Plaintext gRPC on an address other than loopback or a unix socket is refused without it.
  bool allow_insecure = false;
  ConnectionConfig connections;
  InputLimits limits;
  std::optional<CdsHooksConfig> cds_hooks;
  // Unix domain socket for cds.admin.v1.Admin; empty disables the admin API.
  std::filesystem::path admin_socket;
  // host:port for the Prometheus endpoint; empty disables it.
  std::string metrics_address;
  // Where the audit trail lives: "sqlite" (audit_path, one file per instance) or "postgresql"
  // (audit_postgresql_dsn, one database shared by every replica).
  std::string audit_backend = "sqlite";
  std::filesystem::path audit_path;
  // libpq connection string (https://www.postgresql.org/docs/15/libpq-connect.html); keep the
  // password out of it (use PGPASSFILE / ~/.pgpass): the config file is world-readable.
  std::string audit_postgresql_dsn;
  // Full requests and responses, sealed with AES-256-GCM; off keeps only the compact record.
  bool audit_store_requests = false;
  // sync: an answer leaves only after its record is committed. async: see docs/operations.md.
  bool audit_sync = true;
  long long audit_max_queue_bytes = 64LL << 20;
  std::filesystem::path audit_pseudonym_key_file;   // empty: <audit_path>.pseudonym.key
  std::filesystem::path audit_encryption_key_file;  // empty: <audit_path>.encryption.key
  int audit_retention_days = 0;                     // 0 keeps every record
  std::string log_format = "text";
  std::string log_level = "info";
  bool watch_config = false;
  // Threads that run plugin calls; 0 = chosen from the number of cores.
  int worker_threads = 0;
  // A service with this many calls stuck past their timeout is skipped until they return.
  int max_stuck_calls = 4;
  // Settings given once for every plugin that declares them (for example label_edition).
  nlohmann::json shared_settings = nlohmann::json::object();
  PluginRunnerConfig plugin_runners;
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
