// YAML (yaml-cpp) to Config, collecting every problem with its location instead of throwing.
#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace cdsd {
namespace {

class Reader {
 public:
  explicit Reader(std::filesystem::path source) : source_(std::move(source)) {}

  std::string Where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return source_.filename().string();
    return source_.filename().string() + ":" + std::to_string(mark.line + 1) + ":" +
           std::to_string(mark.column + 1);
  }

  void Problem(const YAML::Node& node, std::string message) {
    problems_.push_back({Where(node), std::move(message)});
  }

  void RejectUnknownKeys(const YAML::Node& map, const std::set<std::string>& known,
                         const std::string& context) {
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>("");
      if (!known.count(key)) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        Problem(kv.first, "unknown key '" + key + "' in " + context + " (expected one of: " + list + ")");
      }
    }
  }

  std::optional<std::string> String(const YAML::Node& map, const char* key) {
    const YAML::Node node = map[key];
    if (!node) return std::nullopt;
    if (!node.IsScalar()) {
      Problem(node, std::string(key) + " must be a string");
      return std::nullopt;
    }
    return node.as<std::string>();
  }

  std::optional<bool> Bool(const YAML::Node& map, const char* key) {
    const YAML::Node node = map[key];
    if (!node) return std::nullopt;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Problem(node, std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return value;
  }

  std::optional<long long> Integer(const YAML::Node& map, const char* key, long long min,
                                   long long max) {
    const YAML::Node node = map[key];
    if (!node) return std::nullopt;
    long long value = 0;
    if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value)) {
      Problem(node, std::string(key) + " must be a whole number");
      return std::nullopt;
    }
    if (value < min || value > max) {
      Problem(node, std::string(key) + " must be between " + std::to_string(min) + " and " +
                        std::to_string(max) + " (got " + std::to_string(value) + ")");
      return std::nullopt;
    }
    return value;
  }

  // YAML to JSON for plugin settings. Plain scalars become the JSON type they read as
  // (true/false, integers, decimals, null); quoted scalars stay strings.
  nlohmann::json ToJson(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : node) array.push_back(ToJson(item));
        return array;
      }
      case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& kv : node) object[kv.first.as<std::string>("")] = ToJson(kv.second);
        return object;
      }
      case YAML::NodeType::Scalar:
        break;
    }
    const std::string text = node.Scalar();
    if (node.Tag() == "!") return text;  // quoted
    long long integer = 0;
    double number = 0;
    bool boolean = false;
    if (YAML::convert<long long>::decode(node, integer)) return integer;
    if (YAML::convert<double>::decode(node, number)) return number;
    if (YAML::convert<bool>::decode(node, boolean)) return boolean;
    if (text == "~" || text == "null") return nullptr;
    return text;
  }

  std::filesystem::path Resolve(const std::string& text) const {
    std::filesystem::path path(text);
    if (path.is_relative()) path = source_.parent_path() / path;
    return path.lexically_normal();
  }

  std::vector<ConfigProblem> TakeProblems() { return std::move(problems_); }
  bool HasProblems() const { return !problems_.empty(); }

 private:
  std::filesystem::path source_;
  std::vector<ConfigProblem> problems_;
};

const std::regex& ServiceIdPattern() {
  static const std::regex pattern("^[a-z0-9][a-z0-9-]{0,62}$");
  return pattern;
}

void ReadPlugin(Reader& r, const YAML::Node& node, Config& config, std::set<std::string>& ids) {
  if (!node.IsMap()) {
    r.Problem(node, "each entry of plugins must be a map with id, path, enabled, timeout_ms, settings");
    return;
  }
  r.RejectUnknownKeys(node, {"id", "path", "enabled", "timeout_ms", "sha256", "max_concurrent_calls", "max_output_bytes",
                             "settings", "isolation"},
                      "a plugin entry");
  PluginConfig plugin;
  plugin.location = r.Where(node);
  if (auto pin = r.String(node, "sha256")) {
    std::string hex = *pin;
    for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
      r.Problem(node["sha256"], "sha256 must be 64 hex digits (cdsctl plugin-hash FILE prints it)");
    } else {
      plugin.sha256 = hex;
    }
  }
  if (auto id = r.String(node, "id")) {
    plugin.id = *id;
    if (!std::regex_match(plugin.id, ServiceIdPattern())) {
      r.Problem(node["id"], "id '" + plugin.id +
                                "' must be lower-case letters, digits and '-', at most 63 characters");
    } else if (!ids.insert(plugin.id).second) {
      r.Problem(node["id"], "id '" + plugin.id + "' is used by another plugin entry");
    }
  } else {
    r.Problem(node, "plugin entry has no id");
  }
  if (auto path = r.String(node, "path")) {
    if (path->empty()) r.Problem(node["path"], "path is empty");
    plugin.path = r.Resolve(*path);
  } else {
    r.Problem(node, "plugin entry '" + plugin.id + "' has no path");
  }
  if (auto enabled = r.Bool(node, "enabled")) plugin.enabled = *enabled;
  if (auto timeout = r.Integer(node, "timeout_ms", 1, 60000)) {
    plugin.timeout = std::chrono::milliseconds(*timeout);
  }
  if (auto permits = r.Integer(node, "max_concurrent_calls", 1, 256)) {
    plugin.max_concurrent_calls = static_cast<int>(*permits);
  }
  if (auto bytes = r.Integer(node, "max_output_bytes", 1024, 64LL << 20)) {
    plugin.max_output_bytes = static_cast<size_t>(*bytes);
  }
  if (auto isolation = r.String(node, "isolation")) {
    if (*isolation == "in_process") plugin.isolation = Isolation::kInProcess;
    else if (*isolation == "process") plugin.isolation = Isolation::kProcess;
    else r.Problem(node["isolation"], "isolation must be in_process or process (got '" + *isolation + "')");
  }
  if (const YAML::Node settings = node["settings"]) {
    if (settings.IsMap()) {
      plugin.settings = r.ToJson(settings);
    } else if (!settings.IsNull()) {
      r.Problem(settings, "settings of '" + plugin.id + "' must be a map");
    }
  }
  config.plugins.push_back(std::move(plugin));
}

// The `auth:` section. An enabled section must name the audience and at least one issuer.
void ReadAuth(Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsMap()) {
    r.Problem(node, "auth must be a map with required, audience, issuers, clock_skew_seconds, jti_cache_size");
    return;
  }
  r.RejectUnknownKeys(node, {"required", "audience", "issuers", "clock_skew_seconds", "jti_cache_size",
                             "max_token_lifetime_seconds"}, "auth");
  AuthConfig auth;
  if (auto required = r.Bool(node, "required")) auth.required = *required;
  if (auto audience = r.String(node, "audience")) auth.audience = *audience;
  if (auto skew = r.Integer(node, "clock_skew_seconds", 0, 600)) auth.clock_skew_seconds = *skew;
  if (auto lifetime = r.Integer(node, "max_token_lifetime_seconds", 1, 86400)) auth.max_token_lifetime_seconds = *lifetime;
  if (auto size = r.Integer(node, "jti_cache_size", 1, 10000000)) auth.jti_cache_size = static_cast<size_t>(*size);
  if (const YAML::Node issuers = node["issuers"]) {
    if (!issuers.IsSequence()) {
      r.Problem(issuers, "auth.issuers must be a list of {iss, jwks_file}");
    } else {
      for (const auto& entry : issuers) {
        if (!entry.IsMap()) {
          r.Problem(entry, "each auth.issuers entry must be a map with iss and jwks_file");
          continue;
        }
        r.RejectUnknownKeys(entry, {"iss", "jwks_file"}, "an auth.issuers entry");
        AuthIssuer issuer;
        if (auto iss = r.String(entry, "iss")) issuer.iss = *iss;
        if (auto file = r.String(entry, "jwks_file")) issuer.jwks_file = r.Resolve(*file);
        if (issuer.iss.empty() || issuer.jwks_file.empty()) {
          r.Problem(entry, "an auth.issuers entry needs iss and jwks_file");
          continue;
        }
        auth.issuers.push_back(std::move(issuer));
      }
    }
  }
  if (auth.required && auth.audience.empty()) r.Problem(node, "auth.audience (this service's URL) is required");
  if (auth.required && auth.issuers.empty()) r.Problem(node, "auth.issuers needs at least one trusted issuer");
  config.auth = std::move(auth);
}

void ReadConnections(Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsMap()) {
    r.Problem(node, "connections must be a map (max_connection_idle_ms, max_concurrent_streams, ...)");
    return;
  }
  r.RejectUnknownKeys(node, {"max_connection_idle_ms", "max_connection_age_ms", "max_connection_age_grace_ms",
                             "max_concurrent_streams", "keepalive_time_ms", "keepalive_timeout_ms",
                             "min_client_ping_interval_ms"}, "connections");
  ConnectionConfig& c = config.connections;
  constexpr long long kDay = 24LL * 60 * 60 * 1000;
  if (auto v = r.Integer(node, "max_connection_idle_ms", 1000, kDay)) c.max_connection_idle_ms = *v;
  if (auto v = r.Integer(node, "max_connection_age_ms", 0, 30 * kDay)) c.max_connection_age_ms = *v;
  if (auto v = r.Integer(node, "max_connection_age_grace_ms", 0, kDay)) c.max_connection_age_grace_ms = *v;
  if (auto v = r.Integer(node, "max_concurrent_streams", 1, 100000)) c.max_concurrent_streams = static_cast<int>(*v);
  if (auto v = r.Integer(node, "keepalive_time_ms", 1000, kDay)) c.keepalive_time_ms = *v;
  if (auto v = r.Integer(node, "keepalive_timeout_ms", 1000, kDay)) c.keepalive_timeout_ms = *v;
  if (auto v = r.Integer(node, "min_client_ping_interval_ms", 1000, kDay)) c.min_client_ping_interval_ms = *v;
}

void ReadLimits(Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsMap()) {
    r.Problem(node, "limits must be a map (max_request_bytes, max_list_items, max_string_bytes)");
    return;
  }
  r.RejectUnknownKeys(node, {"max_request_bytes", "max_list_items", "max_string_bytes"}, "limits");
  InputLimits& l = config.limits;
  if (auto v = r.Integer(node, "max_request_bytes", 4096, 64LL * 1024 * 1024)) l.max_request_bytes = *v;
  if (auto v = r.Integer(node, "max_list_items", 1, 100000)) l.max_list_items = *v;
  if (auto v = r.Integer(node, "max_string_bytes", 64, 1024 * 1024)) l.max_string_bytes = *v;
}

void ReadPluginRunners(Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsMap()) {
    r.Problem(node, "plugin_runners must be a map (restart_backoff_ms, max_crashes, crash_window_s, breaker_cooldown_s, ...)");
    return;
  }
  r.RejectUnknownKeys(node, {"runner_path", "restart_backoff_ms", "max_restart_backoff_ms", "max_crashes", "crash_window_s",
                             "breaker_cooldown_s", "poison_crashes", "start_timeout_ms", "memory_limit_mb"},
                      "plugin_runners");
  PluginRunnerConfig& p = config.plugin_runners;
  if (auto v = r.String(node, "runner_path")) {
    if (v->empty()) r.Problem(node["runner_path"], "plugin_runners.runner_path is empty");
    else p.runner_path = r.Resolve(*v);
  }
  if (auto v = r.Integer(node, "restart_backoff_ms", 1, 60000)) p.restart_backoff_ms = *v;
  if (auto v = r.Integer(node, "max_restart_backoff_ms", 1, 600000)) p.max_restart_backoff_ms = *v;
  if (auto v = r.Integer(node, "max_crashes", 1, 1000)) p.max_crashes = static_cast<int>(*v);
  if (auto v = r.Integer(node, "crash_window_s", 1, 86400)) p.crash_window_s = *v;
  if (auto v = r.Integer(node, "breaker_cooldown_s", 1, 86400)) p.breaker_cooldown_s = *v;
  if (auto v = r.Integer(node, "poison_crashes", 1, 100)) p.poison_crashes = static_cast<int>(*v);
  if (auto v = r.Integer(node, "start_timeout_ms", 100, 120000)) p.start_timeout_ms = *v;
  if (auto v = r.Integer(node, "memory_limit_mb", 0, 1 << 20)) {
    if (*v != 0 && *v < 64) r.Problem(node["memory_limit_mb"], "plugin_runners.memory_limit_mb must be 0 (none) or at least 64");
    else p.memory_limit_mb = *v;
  }
  if (p.max_restart_backoff_ms < p.restart_backoff_ms) {
    r.Problem(node, "plugin_runners.max_restart_backoff_ms must be at least restart_backoff_ms");
  }
}

std::vector<std::string> StringList(Reader& r, const YAML::Node& node, const std::string& name) {
  std::vector<std::string> out;
  if (!node.IsSequence()) {
    r.Problem(node, name + " must be a list of strings");
    return out;
  }
  for (const auto& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      r.Problem(item, "each entry of " + name + " must be a non-empty string");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

void ReadCdsHooks(Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsMap()) {
    r.Problem(node, "cds_hooks must be a map with listen (and optional limits, cors_allowed_origins, fhir_servers)");
    return;
  }
  r.RejectUnknownKeys(node, {"listen", "threads", "max_connections", "header_timeout_ms", "keep_alive_timeout_ms",
                             "request_timeout_ms", "cors_allowed_origins", "fhir_servers", "fhir_fetch_threads"},
                      "cds_hooks");
  CdsHooksConfig c;
  c.location = r.Where(node);
  if (auto listen = r.String(node, "listen")) {
    static const std::regex address(R"(^(\[[0-9a-fA-F:]+\]|[0-9.]+):\d{1,5}$)");
    if (!std::regex_match(*listen, address)) {
      r.Problem(node["listen"], "cds_hooks.listen must be IPv4:port or [IPv6]:port (got '" + *listen + "')");
    }
    c.listen_address = *listen;
  } else {
    r.Problem(node, "cds_hooks needs listen (for example 127.0.0.1:8080)");
  }
  if (auto v = r.Integer(node, "threads", 1, 64)) c.threads = static_cast<int>(*v);
  if (auto v = r.Integer(node, "max_connections", 1, 100000)) c.max_connections = static_cast<int>(*v);
  if (auto v = r.Integer(node, "header_timeout_ms", 100, 600000)) c.header_timeout_ms = *v;
  if (auto v = r.Integer(node, "keep_alive_timeout_ms", 100, 3600000)) c.keep_alive_timeout_ms = *v;
  if (auto v = r.Integer(node, "request_timeout_ms", 10, 60000)) c.request_timeout_ms = *v;
  if (auto v = r.Integer(node, "fhir_fetch_threads", 1, 64)) c.fhir_fetch_threads = static_cast<int>(*v);
  if (const YAML::Node origins = node["cors_allowed_origins"]) {
    c.cors_allowed_origins = StringList(r, origins, "cds_hooks.cors_allowed_origins");
  }
  if (const YAML::Node servers = node["fhir_servers"]) {
    c.fhir_servers = StringList(r, servers, "cds_hooks.fhir_servers");
    for (size_t i = 0; i < c.fhir_servers.size(); ++i) {
      const std::string& url = c.fhir_servers[i];
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
        r.Problem(servers[i], "each cds_hooks.fhir_servers entry must be an http:// or https:// URL");
      }
    }
  }
  config.cds_hooks = std::move(c);
}

void ReadConfig(Reader& r, const YAML::Node& root, Config& config) {
  r.RejectUnknownKeys(root,
                      {"listen", "tls", "auth", "allow_insecure", "admin_socket", "metrics_listen", "audit", "logging",
                       "connections", "limits", "cds_hooks", "workers", "max_stuck_calls", "watch_config", "shared_settings", "plugins",
                       "plugin_runners"},
                      "the top level");
  if (auto listen = r.String(root, "listen")) {
    static const std::regex address(R"(^(unix:.+|\[[0-9a-fA-F:]+\]:\d{1,5}|[A-Za-z0-9.\-]+:\d{1,5})$)");
    if (!std::regex_match(*listen, address)) {
      r.Problem(root["listen"], "listen must be host:port, [ipv6]:port or unix:PATH (got '" + *listen + "')");
    }
    config.listen_address = *listen;
  }
  if (const YAML::Node tls = root["tls"]) {
    if (!tls.IsMap()) {
      r.Problem(tls, "tls must be a map with certificate_chain, private_key and optional client_ca");
    } else {
      r.RejectUnknownKeys(tls, {"certificate_chain", "private_key", "client_ca", "reload_interval_seconds"}, "tls");
      TlsConfig t;
      if (auto v = r.String(tls, "certificate_chain")) t.certificate_chain = r.Resolve(*v);
      else r.Problem(tls, "tls needs certificate_chain");
      if (auto v = r.String(tls, "private_key")) t.private_key = r.Resolve(*v);
      else r.Problem(tls, "tls needs private_key");
      if (auto v = r.String(tls, "client_ca")) t.client_ca = r.Resolve(*v);
      if (auto v = r.Integer(tls, "reload_interval_seconds", 1, 86400)) t.reload_interval_seconds = static_cast<int>(*v);
      config.tls = t;
    }
  }
  if (const YAML::Node auth = root["auth"]) ReadAuth(r, auth, config);
  if (const YAML::Node connections = root["connections"]) ReadConnections(r, connections, config);
  if (const YAML::Node limits = root["limits"]) ReadLimits(r, limits, config);
  if (const YAML::Node runners = root["plugin_runners"]) ReadPluginRunners(r, runners, config);
  if (const YAML::Node hooks = root["cds_hooks"]) ReadCdsHooks(r, hooks, config);
  if (auto insecure = r.Bool(root, "allow_insecure")) config.allow_insecure = *insecure;
  if (auto socket = r.String(root, "admin_socket")) {
    config.admin_socket = socket->empty() ? std::filesystem::path() : r.Resolve(*socket);
  }
  if (auto metrics = r.String(root, "metrics_listen")) config.metrics_address = *metrics;
  if (const YAML::Node audit = root["audit"]) {
    if (!audit.IsMap()) {
      r.Problem(audit, "audit must be a map (path, durability, store_requests, ...)");
    } else {
      r.RejectUnknownKeys(audit, {"backend", "path", "postgresql", "store_requests", "durability", "max_queue_bytes",
                                  "pseudonym_key_file", "encryption_key_file", "retention_days"}, "audit");
      if (auto backend = r.String(audit, "backend")) {
        if (*backend == "sqlite" || *backend == "postgresql") config.audit_backend = *backend;
        else r.Problem(audit["backend"], "audit.backend must be sqlite or postgresql (got '" + *backend + "')");
      }
      if (auto path = r.String(audit, "path")) config.audit_path = r.Resolve(*path);
      if (const YAML::Node pg = audit["postgresql"]) {
        if (!pg.IsMap()) {
          r.Problem(pg, "audit.postgresql must be a map with dsn");
        } else {
          r.RejectUnknownKeys(pg, {"dsn"}, "audit.postgresql");
          if (auto dsn = r.String(pg, "dsn")) config.audit_postgresql_dsn = *dsn;
        }
      }
      if (auto store = r.Bool(audit, "store_requests")) config.audit_store_requests = *store;
      if (auto durability = r.String(audit, "durability")) {
        if (*durability == "sync" || *durability == "async") config.audit_sync = *durability == "sync";
        else r.Problem(audit["durability"], "audit.durability must be sync or async");
      }
      if (auto bytes = r.Integer(audit, "max_queue_bytes", 64 << 10, 16LL << 30)) config.audit_max_queue_bytes = *bytes;
      if (auto key = r.String(audit, "pseudonym_key_file")) config.audit_pseudonym_key_file = r.Resolve(*key);
      if (auto key = r.String(audit, "encryption_key_file")) config.audit_encryption_key_file = r.Resolve(*key);
      if (auto days = r.Integer(audit, "retention_days", 0, 36500)) config.audit_retention_days = static_cast<int>(*days);
      if (config.audit_backend == "postgresql") {
        // Replicas share one database, so they must share the keys too: a per-instance default
        // key would give one patient a different pseudonym on every replica.
        if (config.audit_postgresql_dsn.empty()) {
          r.Problem(audit, "audit.backend postgresql needs audit.postgresql.dsn");
        }
        if (config.audit_pseudonym_key_file.empty()) {
          r.Problem(audit, "audit.backend postgresql needs audit.pseudonym_key_file (the same key file on every replica)");
        }
        if (config.audit_store_requests && config.audit_encryption_key_file.empty()) {
          r.Problem(audit, "audit.store_requests with audit.backend postgresql needs audit.encryption_key_file");
        }
        if (!config.audit_path.empty()) r.Problem(audit["path"], "audit.path is for audit.backend sqlite");
      } else if (!config.audit_postgresql_dsn.empty()) {
        r.Problem(audit["postgresql"], "audit.postgresql is for audit.backend postgresql (audit.backend is sqlite)");
      }
    }
  }
  if (const YAML::Node logging = root["logging"]) {
    if (!logging.IsMap()) {
      r.Problem(logging, "logging must be a map with format and level");
    } else {
      r.RejectUnknownKeys(logging, {"format", "level"}, "logging");
      if (auto format = r.String(logging, "format")) {
        if (*format != "text" && *format != "json") {
          r.Problem(logging["format"], "logging.format must be text or json");
        }
        config.log_format = *format;
      }
      if (auto level = r.String(logging, "level")) {
        static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error"};
        if (!levels.count(*level)) {
          r.Problem(logging["level"], "logging.level must be trace, debug, info, warn or error");
        }
        config.log_level = *level;
      }
    }
  }
  if (auto workers = r.Integer(root, "workers", 0, 256)) config.worker_threads = static_cast<int>(*workers);
  if (auto stuck = r.Integer(root, "max_stuck_calls", 1, 1000)) config.max_stuck_calls = static_cast<int>(*stuck);
  if (auto watch = r.Bool(root, "watch_config")) config.watch_config = *watch;
  if (const YAML::Node shared = root["shared_settings"]) {
    if (shared.IsMap()) config.shared_settings = r.ToJson(shared);
    else if (!shared.IsNull()) r.Problem(shared, "shared_settings must be a map");
  }
  const YAML::Node plugins = root["plugins"];
  if (!plugins) {
    r.Problem(root, "no plugins list");
  } else if (!plugins.IsSequence()) {
    r.Problem(plugins, "plugins must be a list");
  } else {
    std::set<std::string> ids;
    for (const auto& node : plugins) ReadPlugin(r, node, config, ids);
  }
}

}  // namespace

ConfigLoadResult ParseConfig(const std::string& yaml_text, const std::filesystem::path& source_path) {
  ConfigLoadResult result;
  Reader reader(source_path);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    const std::string where = source_path.filename().string() + ":" + std::to_string(e.mark.line + 1) +
                              ":" + std::to_string(e.mark.column + 1);
    result.problems.push_back({where, "not valid YAML: " + e.msg});
    return result;
  }
  if (!root.IsMap()) {
    result.problems.push_back({source_path.filename().string(), "the file must be a YAML map"});
    return result;
  }
  Config config;
  config.source_path = source_path;
  try {
    ReadConfig(reader, root, config);
  } catch (const YAML::Exception& e) {
    reader.Problem(root, std::string("unreadable value: ") + e.what());
  }
  result.problems = reader.TakeProblems();
  if (result.problems.empty()) result.config = std::move(config);
  return result;
}

ConfigLoadResult LoadConfigFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    ConfigLoadResult result;
    result.problems.push_back({path.string(), "cannot read the config file"});
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ParseConfig(text.str(), ec ? path : absolute);
}

const char* IsolationName(Isolation isolation) {
  return isolation == Isolation::kProcess ? "process" : "in_process";
}

std::string FormatProblems(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& p : problems) out += p.location + ": " + p.message + "\n";
  return out;
}

}  // namespace cdsd
