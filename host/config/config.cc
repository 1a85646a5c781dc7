// YAML (yaml-cpp) to Config, collecting every problem with its location instead of throwing.
#include "config/config.h"

#include <yaml-cpp/yaml.h>

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
  r.RejectUnknownKeys(node, {"id", "path", "enabled", "timeout_ms", "settings"}, "a plugin entry");
  PluginConfig plugin;
  plugin.location = r.Where(node);
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
  if (const YAML::Node settings = node["settings"]) {
    if (settings.IsMap()) {
      plugin.settings = r.ToJson(settings);
    } else if (!settings.IsNull()) {
      r.Problem(settings, "settings of '" + plugin.id + "' must be a map");
    }
  }
  config.plugins.push_back(std::move(plugin));
}

void ReadConfig(Reader& r, const YAML::Node& root, Config& config) {
  r.RejectUnknownKeys(root,
                      {"listen", "tls", "admin_socket", "metrics_listen", "audit", "logging",
                       "workers", "max_stuck_calls", "watch_config", "shared_settings", "plugins"},
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
      r.RejectUnknownKeys(tls, {"certificate_chain", "private_key", "client_ca"}, "tls");
      TlsConfig t;
      if (auto v = r.String(tls, "certificate_chain")) t.certificate_chain = r.Resolve(*v);
      else r.Problem(tls, "tls needs certificate_chain");
      if (auto v = r.String(tls, "private_key")) t.private_key = r.Resolve(*v);
      else r.Problem(tls, "tls needs private_key");
      if (auto v = r.String(tls, "client_ca")) t.client_ca = r.Resolve(*v);
      config.tls = t;
    }
  }
  if (auto socket = r.String(root, "admin_socket")) {
    config.admin_socket = socket->empty() ? std::filesystem::path() : r.Resolve(*socket);
  }
  if (auto metrics = r.String(root, "metrics_listen")) config.metrics_address = *metrics;
  if (const YAML::Node audit = root["audit"]) {
    if (!audit.IsMap()) {
      r.Problem(audit, "audit must be a map with path and store_requests");
    } else {
      r.RejectUnknownKeys(audit, {"path", "store_requests"}, "audit");
      if (auto path = r.String(audit, "path")) config.audit_path = r.Resolve(*path);
      if (auto store = r.Bool(audit, "store_requests")) config.audit_store_requests = *store;
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

std::string FormatProblems(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& p : problems) out += p.location + ": " + p.message + "\n";
  return out;
}

}  // namespace cdsd
