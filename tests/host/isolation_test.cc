// isolation: process end to end: a real CdsServer on a loopback port, real gRPC clients, the
// real cdsd-plugin-runner and fixture plugins that crash, abort, exit or hang. The host stays up,
// other plugins keep answering, the crashing one recovers after its breaker cools down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <atomic>
#include <thread>

#include "observability/metrics.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using ::testing::HasSubstr;
using testing::MinimalRequest;
using testing::PluginEntry;
using testing::PluginRunnersYaml;
using testing::TestPlugin;
using testing::TestServer;

PluginEntry Isolated(const std::string& id, const std::string& file, int timeout_ms = 1000) {
  PluginEntry e{id, TestPlugin(file), timeout_ms, "{}"};
  e.isolation = "process";
  return e;
}

PluginEntry Echo() { return {"echo", TestPlugin("libcds_test_echo.so"), 1000, "{}"}; }

const cds::v1::ServiceResult* ResultOf(const cds::v1::EvaluateResponse& r, const std::string& id) {
  for (const auto& s : r.service_results()) {
    if (s.service_id() == id) return &s;
  }
  return nullptr;
}

cds::v1::EvaluateResponse Evaluate(TestServer& server, const cds::v1::EvaluateRequest& request = MinimalRequest()) {
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline();
  const grpc::Status status = server.stub().Evaluate(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

cds::v1::EvaluateRequest CrashMe() {
  auto request = MinimalRequest();
  request.set_hook_instance("00000000-0000-4000-8000-00000000dead");
  return request;
}

bool WaitForRunnerState(TestServer& server, const std::string& id, RunnerState state,
                        std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    const auto* entry = server.server().snapshots().Get()->Find(id);
    if (entry && entry->service && entry->service->runner() && entry->service->runner()->status().state == state) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

struct Case {
  const char* name;
  const char* fixture;
  const char* expected;  // in the service_results message
};
// Test names (and ctest's, which show the parameter) read as the fixture's behaviour.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class CrashingPlugin : public ::testing::TestWithParam<Case> {};

TEST_P(CrashingPlugin, FailsOnlyItsOwnResultAndTheHostKeepsAnswering) {
  TestServer server({Echo(), Isolated("crasher", GetParam().fixture, 300)}, PluginRunnersYaml());
  for (int round = 0; round < 2; ++round) {
    const auto response = Evaluate(server);
    const auto* echo = ResultOf(response, "echo");
    const auto* crasher = ResultOf(response, "crasher");
    ASSERT_TRUE(echo && crasher);
    EXPECT_EQ(echo->status(), cds::v1::SERVICE_STATUS_OK) << "the in-process plugin is untouched";
    EXPECT_EQ(response.cards_size(), 1);
    const bool hang = std::string(GetParam().fixture) == "libcds_test_hangs.so";
    EXPECT_EQ(crasher->status(), hang ? cds::v1::SERVICE_STATUS_TIMEOUT : cds::v1::SERVICE_STATUS_ERROR);
    EXPECT_THAT(crasher->message(), HasSubstr(GetParam().expected));
    ASSERT_TRUE(WaitForRunnerState(server, "crasher", RunnerState::kRunning)) << "restarted";
  }
}

INSTANTIATE_TEST_SUITE_P(Isolation, CrashingPlugin,
                         ::testing::Values(Case{"Segfaults", "libcds_test_segfaults.so", "killed by signal 11 (SIGSEGV)"},
                                           Case{"Aborts", "libcds_test_aborts.so", "killed by signal 6 (SIGABRT)"},
                                           Case{"Exits", "libcds_test_exits.so", "exited with code 3"},
                                           Case{"Hangs", "libcds_test_hangs.so", "no answer within its 300 ms timeout"}),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(Isolation, IsolatedPluginAnswersLikeInProcess) {
  PluginEntry isolated = Isolated("echo", "libcds_test_echo.so");
  isolated.settings_yaml = "{greeting: bonjour}";
  TestServer server({isolated}, PluginRunnersYaml());
  const auto response = Evaluate(server);
  ASSERT_EQ(response.cards_size(), 1);
  EXPECT_EQ(response.cards(0).summary(), "bonjour patient-view") << "created with the same settings";
  cds::v1::ListServicesResponse services;
  auto context = testing::ContextWithDeadline();
  ASSERT_TRUE(server.stub().ListServices(context.get(), {}, &services).ok());
  ASSERT_EQ(services.services_size(), 1);
  EXPECT_EQ(services.services(0).title(), "Echo") << "discovery from the runner's handshake";
}

TEST(Isolation, BreakerOpensFailsFastAndTheServiceRecoversAfterTheCooldown) {
  TestServer server({Echo(), Isolated("breaker-crasher", "libcds_test_crashes_on_input.so")},
                    PluginRunnersYaml("restart_backoff_ms: 10, max_crashes: 2, breaker_cooldown_s: 1, poison_crashes: 100"));
  EXPECT_THAT(ResultOf(Evaluate(server, CrashMe()), "breaker-crasher")->message(), HasSubstr("SIGSEGV"));
  ASSERT_TRUE(WaitForRunnerState(server, "breaker-crasher", RunnerState::kRunning));
  EXPECT_THAT(ResultOf(Evaluate(server, CrashMe()), "breaker-crasher")->message(), HasSubstr("SIGSEGV"));
  const auto open = Evaluate(server);
  EXPECT_EQ(ResultOf(open, "breaker-crasher")->status(), cds::v1::SERVICE_STATUS_ERROR);
  EXPECT_THAT(ResultOf(open, "breaker-crasher")->message(), HasSubstr("circuit open until"));
  EXPECT_EQ(ResultOf(open, "echo")->status(), cds::v1::SERVICE_STATUS_OK);

  cds::admin::v1::ListPluginsResponse listing;
  {
    auto context = testing::ContextWithDeadline();
    ASSERT_TRUE(server.admin().ListPlugins(context.get(), {}, &listing).ok());
  }
  const auto& status = listing.plugins(1);
  EXPECT_EQ(status.isolation(), cds::admin::v1::ISOLATION_PROCESS);
  EXPECT_EQ(status.runner_state(), cds::admin::v1::RUNNER_STATE_CIRCUIT_OPEN);
  EXPECT_EQ(status.runner_crashes(), 2u);
  EXPECT_EQ(status.breaker_state(), "open");
  EXPECT_THAT(status.runner_last_crash(), HasSubstr("SIGSEGV"));
  EXPECT_EQ(listing.plugins(0).isolation(), cds::admin::v1::ISOLATION_IN_PROCESS);

  bool breaker_open_metric = false;
  for (const auto& family : MetricsCollector(server.server()).Collect()) {
    for (const auto& m : family.metric) {
      if (family.name == "cdsd_plugin_runner_crashes_total") EXPECT_EQ(m.counter.value, 2);
      if (family.name == "cdsd_plugin_runner_breaker_open") breaker_open_metric = m.gauge.value == 1;
    }
  }
  EXPECT_TRUE(breaker_open_metric);

  ASSERT_TRUE(WaitForRunnerState(server, "breaker-crasher", RunnerState::kRunning, std::chrono::milliseconds(3000)))
      << "started again once the 1 s cooldown is over";
  EXPECT_EQ(ResultOf(Evaluate(server), "breaker-crasher")->status(), cds::v1::SERVICE_STATUS_OK);
}

TEST(Isolation, RequestThatCrashedTheRunnerTwiceFailsFastAndOthersStillRun) {
  TestServer server({Isolated("poison-crasher", "libcds_test_crashes_on_input.so")},
                    PluginRunnersYaml("restart_backoff_ms: 10, max_crashes: 10"));
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(ResultOf(Evaluate(server, CrashMe()), "poison-crasher")->message(), HasSubstr("SIGSEGV"));
    ASSERT_TRUE(WaitForRunnerState(server, "poison-crasher", RunnerState::kRunning));
  }
  const auto refused = Evaluate(server, CrashMe());
  EXPECT_THAT(ResultOf(refused, "poison-crasher")->message(), HasSubstr("poison-request protection"));
  EXPECT_EQ(ResultOf(Evaluate(server), "poison-crasher")->status(), cds::v1::SERVICE_STATUS_OK);
  EXPECT_EQ(StatsFor("poison-crasher")->runner_crashes.load(), 2u) << "the refused request never reached the runner";
}

TEST(Isolation, ReloadSwitchesAPluginBetweenModes) {
  TestServer server({Echo()}, PluginRunnersYaml());
  EXPECT_EQ(server.server().snapshots().Get()->Find("echo")->service->isolation(), Isolation::kInProcess);
  PluginEntry isolated = Isolated("echo", "libcds_test_echo.so");
  server.WriteConfig({isolated}, PluginRunnersYaml());
  auto changes = server.server().Reload();
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::Contains(HasSubstr("isolation of echo: in_process -> process")));
  EXPECT_EQ(server.server().snapshots().Get()->Find("echo")->service->isolation(), Isolation::kProcess);
  EXPECT_EQ(Evaluate(server).cards_size(), 1);
  server.WriteConfig({Echo()}, PluginRunnersYaml());
  changes = server.server().Reload();
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::Contains(HasSubstr("isolation of echo: process -> in_process")));
  EXPECT_EQ(Evaluate(server).cards_size(), 1);
}

TEST(Isolation, ReloadClosesAnOpenBreaker) {
  const std::string runners = PluginRunnersYaml("max_crashes: 1, breaker_cooldown_s: 3600, poison_crashes: 100");
  TestServer server({Isolated("reload-crasher", "libcds_test_crashes_on_input.so")}, runners);
  Evaluate(server, CrashMe());
  ASSERT_THAT(ResultOf(Evaluate(server), "reload-crasher")->message(), HasSubstr("circuit open until"));
  server.WriteConfig({Isolated("reload-crasher", "libcds_test_crashes_on_input.so")}, runners);
  auto changes = server.server().Reload();
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(*changes, ::testing::Contains(HasSubstr("restarted the runner of reload-crasher")));
  EXPECT_EQ(ResultOf(Evaluate(server), "reload-crasher")->status(), cds::v1::SERVICE_STATUS_OK);
}

TEST(Isolation, PluginThatFailsToStartInItsRunnerIsAFailedEntryWithTheReason) {
  PluginEntry refuses = Isolated("refuses", "libcds_test_refuses.so");
  TestServer server({Echo(), refuses}, PluginRunnersYaml());
  const auto* entry = server.server().snapshots().Get()->Find("refuses");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, PluginState::kFailed);
  EXPECT_THAT(entry->error, HasSubstr("refuses every setting"));
  EXPECT_EQ(Evaluate(server).cards_size(), 1);
}

// ~2 s of continuous load over real channels. One isolated plugin crashes on every 50th request;
// every crash costs it the calls in flight at that moment (calls arriving while it restarts wait
// for it). The other isolated plugin and the in-process one must lose nothing.
TEST(Isolation, UnderLoadOnlyTheCrashingPluginLosesCalls) {
  TestServer server({Echo(), Isolated("isolated-echo", "libcds_test_echo.so"),
                     Isolated("load-crasher", "libcds_test_crashes_on_input.so")},
                    PluginRunnersYaml("restart_backoff_ms: 20, max_restart_backoff_ms: 20, max_crashes: 1000"));
  std::atomic<int> sent{0}, rpc_failed{0}, echo_lost{0}, isolated_lost{0}, crasher_ok{0}, crasher_lost{0},
      crash_requests{0};
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto stub = cds::v1::DecisionSupport::NewStub(
          grpc::CreateChannel(server.server().listen_address(), grpc::InsecureChannelCredentials()));
      for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
        auto request = MinimalRequest();
        // A distinct evaluation time per request, so no crash request is held back as poison.
        request.mutable_evaluation_time()->set_seconds(1795000000 + t * 1000000 + i);
        if (i % 50 == 49) {
          request.set_hook_instance("00000000-0000-4000-8000-00000000dead");
          ++crash_requests;
        }
        cds::v1::EvaluateResponse response;
        auto context = testing::ContextWithDeadline(5000);
        ++sent;
        if (!stub->Evaluate(context.get(), request, &response).ok()) {
          ++rpc_failed;
          continue;
        }
        if (ResultOf(response, "echo")->status() != cds::v1::SERVICE_STATUS_OK) ++echo_lost;
        if (ResultOf(response, "isolated-echo")->status() != cds::v1::SERVICE_STATUS_OK) ++isolated_lost;
        if (ResultOf(response, "load-crasher")->status() == cds::v1::SERVICE_STATUS_OK) ++crasher_ok;
        else ++crasher_lost;
      }
    });
  }
  for (auto& c : clients) c.join();
  const uint64_t crashes = StatsFor("load-crasher")->runner_crashes.load();
  std::printf("load: %d requests in 2 s; %d crash requests, %llu runner crashes; crasher answered %d, lost %d "
              "(%d of them innocent); echo lost %d, isolated-echo lost %d, RPC failures %d\n",
              sent.load(), crash_requests.load(), static_cast<unsigned long long>(crashes), crasher_ok.load(),
              crasher_lost.load(), crasher_lost.load() - crash_requests.load(), echo_lost.load(), isolated_lost.load(),
              rpc_failed.load());
  EXPECT_EQ(rpc_failed.load(), 0) << "the host never went down";
  EXPECT_EQ(echo_lost.load(), 0);
  EXPECT_EQ(isolated_lost.load(), 0) << "another plugin's runner crashing costs this one nothing";
  EXPECT_GT(crashes, 0u);
  EXPECT_GE(crasher_lost.load(), crash_requests.load()) << "every crash request failed";
  EXPECT_GT(crasher_ok.load(), 0) << "the crasher answers between crashes";
  // How many innocent calls a crash costs depends on how fast this (shared) machine restarts a
  // runner, so the test asserts recovery, not a ratio.
  ASSERT_TRUE(WaitForRunnerState(server, "load-crasher", RunnerState::kRunning));
  EXPECT_EQ(ResultOf(Evaluate(server), "load-crasher")->status(), cds::v1::SERVICE_STATUS_OK) << "recovered after the load";
}

}  // namespace
}  // namespace cdsd
