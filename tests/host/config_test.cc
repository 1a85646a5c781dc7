// Config loading: defaults, every problem reported with its location, nothing half-applied.
#include "config/config.h"

#include <gtest/gtest.h>

namespace cdsd {
namespace {

ConfigLoadResult Parse(const std::string& yaml) { return ParseConfig(yaml, "/etc/cdsd/cdsd.yaml"); }

std::string AllProblems(const ConfigLoadResult& r) { return FormatProblems(r.problems); }

TEST(Config, ReadsAFullConfig) {
  auto r = Parse(R"(
listen: 0.0.0.0:6000
admin_socket: /run/cdsd/admin.sock
metrics_listen: 127.0.0.1:9464
audit: {path: audit.sqlite, store_requests: false}
logging: {format: json, level: warn}
workers: 8
shared_settings: {label_edition: eu}
plugins:
  - id: ketamine-eligibility
    path: plugins/libketamine_eligibility.so
    timeout_ms: 250
    settings:
      adequate_trial_weeks: 4
      note: "042"
  - id: off
    path: /opt/x.so
    enabled: false
)");
  ASSERT_TRUE(r.config) << AllProblems(r);
  const Config& c = *r.config;
  EXPECT_EQ(c.listen_address, "0.0.0.0:6000");
  EXPECT_EQ(c.audit_path, "/etc/cdsd/audit.sqlite") << "relative paths resolve against the config folder";
  EXPECT_FALSE(c.audit_store_requests);
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.worker_threads, 8);
  EXPECT_EQ(c.shared_settings["label_edition"], "eu");
  ASSERT_EQ(c.plugins.size(), 2u);
  EXPECT_EQ(c.plugins[0].path, "/etc/cdsd/plugins/libketamine_eligibility.so");
  EXPECT_EQ(c.plugins[0].timeout.count(), 250);
  EXPECT_EQ(c.plugins[0].settings["adequate_trial_weeks"], 4) << "plain scalars become numbers";
  EXPECT_EQ(c.plugins[0].settings["note"], "042") << "quoted scalars stay strings";
  EXPECT_FALSE(c.plugins[1].enabled);
  EXPECT_EQ(c.plugins[1].timeout.count(), 500) << "default timeout";
}

TEST(Config, ReadsTheAuditSettingsAndDefaultsToSyncWithoutFullRequests) {
  auto defaults = Parse("plugins: []\n");
  ASSERT_TRUE(defaults.config) << AllProblems(defaults);
  EXPECT_TRUE(defaults.config->audit_sync);
  EXPECT_FALSE(defaults.config->audit_store_requests);
  auto r = Parse(R"(audit: {path: a.sqlite, durability: async, max_queue_bytes: 1048576, retention_days: 30,
        pseudonym_key_file: keys/p.key, encryption_key_file: /k/e.key, store_requests: true}
plugins: []
)");
  ASSERT_TRUE(r.config) << AllProblems(r);
  EXPECT_FALSE(r.config->audit_sync);
  EXPECT_EQ(r.config->audit_max_queue_bytes, 1048576);
  EXPECT_EQ(r.config->audit_retention_days, 30);
  EXPECT_EQ(r.config->audit_pseudonym_key_file, "/etc/cdsd/keys/p.key");
  EXPECT_EQ(r.config->audit_encryption_key_file, "/k/e.key");
}

TEST(Config, RejectsAnUnknownAuditDurabilityAndATinyQueue) {
  auto r = Parse("audit: {durability: sometimes, max_queue_bytes: 10}\nplugins: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(AllProblems(r).find("audit.durability must be sync or async"), std::string::npos) << AllProblems(r);
  EXPECT_NE(AllProblems(r).find("max_queue_bytes"), std::string::npos) << AllProblems(r);
}

TEST(Config, ReadsInputLimitsAndDefaultsThemWhenAbsent) {
  auto defaults = Parse("plugins: []\n");
  ASSERT_TRUE(defaults.config) << AllProblems(defaults);
  EXPECT_EQ(defaults.config->limits.max_request_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(defaults.config->limits.max_list_items, 1000);
  EXPECT_EQ(defaults.config->limits.max_string_bytes, 16384);
  auto r = Parse("limits: {max_request_bytes: 65536, max_list_items: 50, max_string_bytes: 512}\nplugins: []\n");
  ASSERT_TRUE(r.config) << AllProblems(r);
  EXPECT_EQ(r.config->limits.max_request_bytes, 65536);
  EXPECT_EQ(r.config->limits.max_list_items, 50);
  EXPECT_EQ(r.config->limits.max_string_bytes, 512);
}

TEST(Config, RejectsInputLimitsOutOfRangeAndUnknownLimitKeys) {
  auto r = Parse("limits: {max_list_items: 0, max_string_bytes: 10, max_depth: 3}\nplugins: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(AllProblems(r).find("max_list_items"), std::string::npos) << AllProblems(r);
  EXPECT_NE(AllProblems(r).find("max_string_bytes"), std::string::npos) << AllProblems(r);
  EXPECT_NE(AllProblems(r).find("max_depth"), std::string::npos) << AllProblems(r);
}

TEST(Config, ReportsEveryProblemWithItsLineAndColumn) {
  auto r = Parse(R"(listen: 127.0.0.1:50051
plugins:
  - id: Bad_Id
    path: a.so
    timeout_ms: 0
  - id: twice
    path: b.so
    timout_ms: 20
  - id: twice
    path: c.so
)");
  EXPECT_FALSE(r.config);
  const std::string all = AllProblems(r);
  EXPECT_NE(all.find("cdsd.yaml:3:9: id 'Bad_Id' must be lower-case"), std::string::npos) << all;
  EXPECT_NE(all.find("cdsd.yaml:5:17: timeout_ms must be between 1 and 60000"), std::string::npos) << all;
  EXPECT_NE(all.find("cdsd.yaml:8:5: unknown key 'timout_ms'"), std::string::npos) << all;
  EXPECT_NE(all.find("cdsd.yaml:9:9: id 'twice' is used by another plugin entry"), std::string::npos) << all;
  EXPECT_EQ(r.problems.size(), 4u) << all;
}

TEST(Config, RejectsInvalidYamlWithItsLocation) {
  auto r = Parse("listen: [unclosed\nplugins: []\n");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].message.find("not valid YAML"), std::string::npos);
  EXPECT_EQ(r.problems[0].location.rfind("cdsd.yaml:", 0), 0u) << r.problems[0].location;
}

TEST(Config, RejectsUnknownTopLevelKeysAndWrongTypes) {
  auto r = Parse("listen: 127.0.0.1:1\nworkerz: 3\nlogging: {format: xml}\nplugins: {a: b}\n");
  const std::string all = AllProblems(r);
  EXPECT_NE(all.find("unknown key 'workerz'"), std::string::npos) << all;
  EXPECT_NE(all.find("logging.format must be text or json"), std::string::npos) << all;
  EXPECT_NE(all.find("plugins must be a list"), std::string::npos) << all;
}

TEST(Config, RequiresAPluginsListAndPluginPaths) {
  EXPECT_NE(AllProblems(Parse("listen: 127.0.0.1:1\n")).find("no plugins list"), std::string::npos);
  EXPECT_NE(AllProblems(Parse("plugins:\n  - id: x\n")).find("has no path"), std::string::npos);
}

TEST(Config, RejectsMalformedListenAddress) {
  EXPECT_NE(AllProblems(Parse("listen: localhost\nplugins: []\n")).find("listen must be host:port"),
            std::string::npos);
}

TEST(Config, MissingFileIsAProblemNotACrash) {
  auto r = LoadConfigFile("/nonexistent/cdsd.yaml");
  ASSERT_FALSE(r.config);
  EXPECT_NE(r.problems[0].message.find("cannot read"), std::string::npos);
}

TEST(Config, IsolationDefaultsToInProcessAndReadsProcess) {
  auto r = Parse(R"(
plugins:
  - {id: a, path: /opt/a.so}
  - {id: b, path: /opt/b.so, isolation: process}
  - {id: c, path: /opt/c.so, isolation: in_process}
)");
  ASSERT_TRUE(r.config) << AllProblems(r);
  EXPECT_EQ(r.config->plugins[0].isolation, Isolation::kInProcess);
  EXPECT_EQ(r.config->plugins[1].isolation, Isolation::kProcess);
  EXPECT_EQ(r.config->plugins[2].isolation, Isolation::kInProcess);
}

TEST(Config, RejectsAnUnknownIsolationWithItsLocation) {
  auto r = Parse("plugins:\n  - id: a\n    path: /opt/a.so\n    isolation: sandbox\n");
  ASSERT_FALSE(r.config);
  EXPECT_EQ(AllProblems(r), "cdsd.yaml:4:16: isolation must be in_process or process (got 'sandbox')\n");
}

TEST(Config, ReadsPluginRunnersAndDefaultsThem) {
  auto defaults = Parse("plugins: []\n");
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->plugin_runners, PluginRunnerConfig{});
  auto r = Parse(R"(
plugin_runners: {runner_path: bin/runner, restart_backoff_ms: 50, max_crashes: 5, crash_window_s: 10,
                 breaker_cooldown_s: 20, poison_crashes: 3, memory_limit_mb: 256}
plugins: []
)");
  ASSERT_TRUE(r.config) << AllProblems(r);
  const PluginRunnerConfig& p = r.config->plugin_runners;
  EXPECT_EQ(p.runner_path, "/etc/cdsd/bin/runner");
  EXPECT_EQ(p.restart_backoff_ms, 50);
  EXPECT_EQ(p.max_crashes, 5);
  EXPECT_EQ(p.crash_window_s, 10);
  EXPECT_EQ(p.breaker_cooldown_s, 20);
  EXPECT_EQ(p.poison_crashes, 3);
  EXPECT_EQ(p.memory_limit_mb, 256);
}

TEST(Config, RejectsPluginRunnerValuesOutOfRangeAndUnknownKeys) {
  auto r = Parse("plugin_runners: {max_crashes: 0, breaker_cooldown_s: -1, memory_limit_mb: 10, retries: 3}\nplugins: []\n");
  ASSERT_FALSE(r.config);
  const std::string problems = AllProblems(r);
  EXPECT_NE(problems.find("unknown key 'retries' in plugin_runners"), std::string::npos) << problems;
  EXPECT_NE(problems.find("max_crashes must be between 1 and 1000 (got 0)"), std::string::npos) << problems;
  EXPECT_NE(problems.find("breaker_cooldown_s must be between 1 and 86400"), std::string::npos) << problems;
  EXPECT_NE(problems.find("memory_limit_mb must be 0 (none) or at least 64"), std::string::npos) << problems;
  EXPECT_NE(problems.find("cdsd.yaml:1:"), std::string::npos) << "problems carry their location";
}

}  // namespace
}  // namespace cdsd
