// Reload: the new plugin set is built and checked completely before it replaces the old one;
// a broken change leaves the old set serving; in-flight requests never fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::MinimalRequest;
using testing::PluginEntry;
using testing::TestPlugin;
using testing::TestServer;

PluginEntry Echo(const std::string& greeting = "hello") {
  return {"echo", TestPlugin("libcds_test_echo.so"), 1000, "{greeting: " + greeting + "}"};
}

class ReloadTest : public ::testing::Test {
 protected:
  TestServer server_{{Echo(), {"second", TestPlugin("libcds_test_echo.so"), 1000, "{}", false}}};

  std::vector<std::string> ServiceIds() {
    cds::v1::ListServicesResponse response;
    auto context = testing::ContextWithDeadline();
    EXPECT_TRUE(server_.stub().ListServices(context.get(), {}, &response).ok());
    std::vector<std::string> ids;
    for (const auto& s : response.services()) ids.push_back(s.id());
    return ids;
  }

  cds::v1::EvaluateResponse Evaluate() {
    cds::v1::EvaluateResponse response;
    auto context = testing::ContextWithDeadline();
    grpc::Status status = server_.stub().Evaluate(context.get(), MinimalRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  absl::StatusOr<std::vector<std::string>> Reload(const std::vector<PluginEntry>& plugins) {
    server_.WriteConfig(plugins);
    return server_.server().Reload();
  }
};

TEST_F(ReloadTest, EnablingAPluginAddsItsServiceImmediately) {
  EXPECT_THAT(ServiceIds(), ::testing::ElementsAre("echo"));
  auto changes = Reload({Echo(), {"second", TestPlugin("libcds_test_echo.so")}});
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::ElementsAre(::testing::HasSubstr("enabled second")));
  EXPECT_THAT(ServiceIds(), ::testing::ElementsAre("echo", "second"));
  EXPECT_EQ(Evaluate().cards_size(), 2);
}

TEST_F(ReloadTest, DisablingAPluginRemovesItFromDiscoveryAndEvaluate) {
  auto changes = Reload({{"echo", TestPlugin("libcds_test_echo.so"), 1000, "{}", false}});
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(ServiceIds(), ::testing::IsEmpty());
  // With no enabled service left for the hook, Evaluate says so (NOT_FOUND) rather than
  // answering an empty OK that reads as "nothing to say".
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline();
  const grpc::Status status = server_.stub().Evaluate(context.get(), MinimalRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

TEST_F(ReloadTest, ChangedSettingsApplyToNewRequests) {
  EXPECT_EQ(Evaluate().cards(0).summary(), "hello patient-view");
  auto changes = Reload({Echo("bonjour")});
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::Contains(::testing::HasSubstr("reconfigured echo")));
  EXPECT_EQ(Evaluate().cards(0).summary(), "bonjour patient-view");
}

TEST_F(ReloadTest, NewVersionFromItsOwnPathReplacesTheOld) {
  auto changes = Reload({{"echo", TestPlugin("libcds_test_echo_v2.so"), 1000, "{}"}});
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::Contains(::testing::HasSubstr("replaced echo 1.0.0 -> 2.0.0")));
  EXPECT_EQ(Evaluate().cards(0).plugin_version(), "2.0.0");
}

TEST_F(ReloadTest, UnchangedPluginKeepsItsInstance) {
  const auto before = server_.server().snapshots().Get()->Find("echo")->service;
  ASSERT_TRUE(Reload({Echo(), {"second", TestPlugin("libcds_test_echo.so"), 1000, "{}", false}}).ok());
  EXPECT_EQ(server_.server().snapshots().Get()->Find("echo")->service, before);
}

TEST_F(ReloadTest, BrokenConfigLeavesTheOldSetServing) {
  std::ofstream(server_.config_path()) << "plugins: [\n";
  auto result = server_.server().Reload();
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("not valid YAML"));
  EXPECT_EQ(server_.server().snapshots().Get()->generation(), 1u);
  EXPECT_EQ(Evaluate().cards_size(), 1);
  EXPECT_EQ(server_.server().reload_stats().failed.load(), 1u);
}

TEST_F(ReloadTest, PluginThatFailsToLoadLeavesTheOldSetServing) {
  auto result = Reload({Echo("changed"), {"bad", TestPlugin("libcds_test_raw_2_0.so")}});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("major versions differ"));
  const auto response = Evaluate();
  ASSERT_EQ(response.cards_size(), 1);
  EXPECT_EQ(response.cards(0).summary(), "hello patient-view") << "the old settings still serve";
}

TEST_F(ReloadTest, PluginRefusingNewSettingsLeavesTheOldSetServing) {
  auto result = Reload({{"echo", TestPlugin("libcds_test_echo.so"), 1000, "{cards: 99}"}});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("cards: must be at most 10"));
  EXPECT_EQ(Evaluate().cards_size(), 1);
}

TEST_F(ReloadTest, AdminReloadReportsChangesAndRefusals) {
  server_.WriteConfig({Echo("hej")});
  cds::admin::v1::ReloadResponse response;
  {
    auto context = testing::ContextWithDeadline();
    ASSERT_TRUE(server_.admin().Reload(context.get(), {}, &response).ok());
  }
  EXPECT_EQ(response.config_generation(), 2u);
  server_.WriteConfig({{"echo", TestPlugin("libdoes_not_exist.so")}});
  auto context = testing::ContextWithDeadline();
  grpc::Status refused = server_.admin().Reload(context.get(), {}, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("not found"));
}

// Issue requirement: 20 reloads while a client sends requests continuously, zero failures.
TEST_F(ReloadTest, TwentyReloadsUnderContinuousLoadFailNoRequest) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> sent{0}, failed{0}, wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto stub = cds::v1::DecisionSupport::NewStub(server_.channel());
      const auto request = MinimalRequest();
      while (!stop.load()) {
        cds::v1::EvaluateResponse response;
        auto context = testing::ContextWithDeadline();
        grpc::Status status = stub->Evaluate(context.get(), request, &response);
        sent.fetch_add(1);
        if (!status.ok()) failed.fetch_add(1);
        else if (response.cards_size() < 1 || response.service_results(0).status() != cds::v1::SERVICE_STATUS_OK) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  int reloads = 0;
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    // Alternate settings and versions so every reload really swaps the instance.
    const bool odd = i % 2 == 1;
    auto changes = Reload({{"echo", TestPlugin(odd ? "libcds_test_echo_v2.so" : "libcds_test_echo.so"), 1000,
                            "{greeting: g" + std::to_string(i) + "}"}});
    EXPECT_TRUE(changes.ok()) << changes.status();
    reloads += changes.ok() ? 1 : 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25));
  stop = true;
  for (auto& t : clients) t.join();
  std::cout << "reload under load: requests sent " << sent << ", failed " << failed << ", wrong answers "
            << wrong << ", reloads " << reloads << "\n";
  EXPECT_EQ(reloads, 20);
  EXPECT_GT(sent.load(), 20);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace cdsd

namespace cdsd {
namespace {

TEST(ReloadQuarantine, ReplacingAHungPluginClearsItsQuarantine) {
  TestServer server({{"svc", TestPlugin("libcds_test_sleeps.so"), 50, "{sleep_ms: 800}"}}, "max_stuck_calls: 1\n");
  auto request = MinimalRequest();
  request.add_service_ids("svc");
  auto evaluate = [&] {
    cds::v1::EvaluateResponse response;
    auto context = testing::ContextWithDeadline();
    EXPECT_TRUE(server.stub().Evaluate(context.get(), request, &response).ok());
    return response.service_results(0).status();
  };
  EXPECT_EQ(evaluate(), cds::v1::SERVICE_STATUS_TIMEOUT);
  EXPECT_EQ(evaluate(), cds::v1::SERVICE_STATUS_SKIPPED) << "one stuck call quarantines it";
  server.WriteConfig({{"svc", TestPlugin("libcds_test_echo.so")}}, "max_stuck_calls: 1\n");
  ASSERT_TRUE(server.server().Reload().ok());
  EXPECT_EQ(evaluate(), cds::v1::SERVICE_STATUS_OK) << "the replacement instance is not quarantined";
}

}  // namespace
}  // namespace cdsd

namespace cdsd {
namespace {

// Every key either applies on reload or is refused with its name: never silently ignored.
TEST(ReloadKeys, AKeyThatCannotApplyIsRefusedByName) {
  TestServer server({Echo()});
  std::string yaml = testing::ConfigYaml({Echo()});
  yaml.replace(yaml.find("audit: {path: audit.sqlite}"), std::string("audit: {path: audit.sqlite}").size(),
               "audit: {path: audit.sqlite, store_requests: true}");
  std::ofstream(server.config_path()) << yaml;
  auto result = server.server().Reload();
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("audit.store_requests cannot change"));
}

TEST(ReloadKeys, MaxStuckCallsAndLogLevelApply) {
  TestServer server({Echo()});
  server.WriteConfig({Echo()}, "max_stuck_calls: 2\nlogging: {level: warn}\n");
  auto result = server.server().Reload();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(*result, ::testing::Contains("max_stuck_calls 4 -> 2"));
  EXPECT_THAT(*result, ::testing::Contains("logging.level info -> warn"));
  EXPECT_EQ(server.server().snapshots().Get()->config().max_stuck_calls, 2);
}

TEST(ReloadKeys, CommandLineOverridesDoNotBlockReloads) {
  testing::TempDir dir;
  const auto config_path = dir.path() / "cdsd.yaml";
  std::string yaml = testing::ConfigYaml({Echo()});
  yaml.replace(yaml.find("listen: 127.0.0.1:0"), std::string("listen: 127.0.0.1:0").size(), "listen: 127.0.0.1:1");
  std::ofstream(config_path) << yaml;
  ConfigLoadResult loaded = LoadConfigFile(config_path);
  ASSERT_TRUE(loaded.config);
  auto server = CdsServer::Start(*loaded.config, {"127.0.0.1:0", (dir.path() / "override.sock").string()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto result = (*server)->Reload();
  EXPECT_TRUE(result.ok()) << "--listen and --admin-socket are part of the effective config: " << result.status();
  (*server)->Shutdown(std::chrono::milliseconds(1000));
}

TEST(AdminSocket, AFileThatIsNotOurSocketIsNeverRemoved) {
  testing::TempDir dir;
  const auto config_path = dir.path() / "cdsd.yaml";
  std::ofstream(config_path) << testing::ConfigYaml({Echo()});
  std::ofstream(dir.path() / "admin.sock") << "not a socket";
  ConfigLoadResult loaded = LoadConfigFile(config_path);
  ASSERT_TRUE(loaded.config);
  auto server = CdsServer::Start(*loaded.config, {});
  EXPECT_FALSE(server.ok()) << "a file at the admin socket path must stop startup";
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "admin.sock")) << "cdsd removed a file it does not own";
}

}  // namespace
}  // namespace cdsd
