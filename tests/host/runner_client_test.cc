// The host's side of a plugin runner, against the real cdsd-plugin-runner and fixture plugins:
// concurrent calls, every way a runner can die, restarts, the breaker and poison requests.
#include "plugin/runner_client.h"

#include <cds/plugin/v1/plugin.pb.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "support/test_server.h"

namespace cdsd {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

RunnerOptions Options(const std::string& fixture) {
  RunnerOptions o;
  o.service_id = "test";
  o.runner_path = CDS_BINARY_DIR "/host/cdsd-plugin-runner";
  o.plugin_path = testing::TestPlugin(fixture);
  o.threads = 4;
  o.breaker.restart_backoff = std::chrono::milliseconds(10);
  o.breaker.max_restart_backoff = std::chrono::milliseconds(50);
  o.breaker.max_crashes = 100;
  o.breaker.cooldown = std::chrono::seconds(1);
  return o;
}

std::unique_ptr<RunnerClient> Started(RunnerOptions o, const std::string& settings = "{}") {
  auto client = RunnerClient::Launch(std::move(o));
  EXPECT_TRUE(client.ok()) << client.status();
  if (!client.ok()) return nullptr;
  absl::Status configured = (*client)->Configure(settings);
  EXPECT_TRUE(configured.ok()) << configured;
  return *std::move(client);
}

std::string Request(const std::string& hook_instance = "h1") {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook("patient-view");
  input.set_hook_instance(hook_instance);
  input.set_service_id("test");
  return input.SerializeAsString();
}

RunnerAnswer Call(RunnerClient& client, const std::string& request, int ms = 3000) {
  return client.Evaluate(request, Clock::now() + std::chrono::milliseconds(ms), RequestFingerprint(request), "eval");
}

// Waits (bounded) until the runner is running again.
bool WaitRunning(RunnerClient& client, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (client.status().state == RunnerState::kRunning) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(RunnerClient, HandshakeCarriesThePluginInfo) {
  auto client = RunnerClient::Launch(Options("libcds_test_echo.so"));
  ASSERT_TRUE(client.ok()) << client.status();
  cds::plugin::v1::PluginInfo info;
  ASSERT_TRUE(info.ParseFromString((*client)->info_bytes()));
  EXPECT_EQ(info.id(), "test-echo");
  EXPECT_EQ((*client)->abi_version().major, 1u);
}

TEST(RunnerClient, RefusedSettingsAreAConfigureError) {
  auto client = RunnerClient::Launch(Options("libcds_test_echo.so"));
  ASSERT_TRUE(client.ok());
  absl::Status s = (*client)->Configure(R"({"cards": 99})");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("cards"));
}

TEST(RunnerClient, MissingRunnerIsAClearLaunchError) {
  RunnerOptions o = Options("libcds_test_echo.so");
  o.runner_path = "/nonexistent/cdsd-plugin-runner";
  auto client = RunnerClient::Launch(o);
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("runner_path"));
}

TEST(RunnerClient, RunnerThatWritesGarbageInTheHandshakeIsRefused) {
  testing::TempDir dir;
  const auto script = dir.path() / "fake-runner";
  std::ofstream(script) << "#!/bin/sh\nprintf 'not a frame at all, definitely garbage' >&3\nsleep 5\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  RunnerOptions o = Options("libcds_test_echo.so");
  o.runner_path = script;
  auto client = RunnerClient::Launch(o);
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("garbage"));
}

TEST(RunnerClient, ConcurrentCallsAreMatchedToTheirAnswersByRequestId) {
  auto client = Started(Options("libcds_test_echo.so"));
  ASSERT_TRUE(client);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string instance = "h-" + std::to_string(t) + "-" + std::to_string(i);
        RunnerAnswer a = Call(*client, Request(instance));
        cds::plugin::v1::EvaluateOutput out;
        if (a.status == 0 && out.ParseFromString(a.response) && out.cards_size() == 1 &&
            out.cards(0).criteria(0).inputs(0).value() == instance) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400) << "every answer belongs to its own request";
}

TEST(RunnerClient, SegfaultFailsTheCallNamingTheSignalAndTheRunnerRestarts) {
  auto client = Started(Options("libcds_test_segfaults.so"));
  ASSERT_TRUE(client);
  RunnerAnswer a = Call(*client, Request());
  EXPECT_TRUE(a.runner_failure);
  EXPECT_THAT(a.error, HasSubstr("killed by signal 11 (SIGSEGV)"));
  ASSERT_TRUE(WaitRunning(*client));
  EXPECT_EQ(client->status().restarts, 1u);
  EXPECT_EQ(client->status().crashes, 1u);
}

TEST(RunnerClient, AbortAndExitAreNamed) {
  auto aborts = Started(Options("libcds_test_aborts.so"));
  auto exits = Started(Options("libcds_test_exits.so"));
  ASSERT_TRUE(aborts && exits);
  EXPECT_THAT(Call(*aborts, Request()).error, HasSubstr("SIGABRT"));
  EXPECT_THAT(Call(*exits, Request()).error, HasSubstr("exited with code 3"));
}

TEST(RunnerClient, HungCallEndsAtItsDeadlineAndTheRunnerIsReplaced) {
  auto client = Started(Options("libcds_test_hangs.so"));
  ASSERT_TRUE(client);
  const pid_t before = client->status().pid;
  const auto start = Clock::now();
  RunnerAnswer a = Call(*client, Request(), 200);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2000)) << "the call is bounded by its deadline";
  EXPECT_TRUE(a.deadline_passed);
  ASSERT_TRUE(WaitRunning(*client));
  EXPECT_NE(client->status().pid, before);
  EXPECT_THAT(client->status().last_crash, HasSubstr("hung"));
}

TEST(RunnerClient, GarbageOnTheSocketAfterTheHandshakeIsACrash) {
  auto client = Started(Options("libcds_test_scribbles.so"));
  ASSERT_TRUE(client);
  RunnerAnswer a = Call(*client, Request());
  EXPECT_TRUE(a.runner_failure);
  EXPECT_THAT(a.error, HasSubstr("invalid frame"));
}

TEST(RunnerClient, OversizedAnswerIsACrash) {
  RunnerOptions o = Options("libcds_test_huge.so");
  o.max_payload = 64 << 10;
  auto client = Started(o);
  ASSERT_TRUE(client);
  RunnerAnswer a = Call(*client, Request());
  EXPECT_TRUE(a.runner_failure);
  EXPECT_THAT(a.error, HasSubstr("exceeds the bound"));
}

TEST(RunnerClient, BreakerOpensAfterMaxCrashesFailsFastAndRecoversAfterTheCooldown) {
  RunnerOptions o = Options("libcds_test_crashes_on_input.so");
  o.breaker.max_crashes = 2;
  o.poison_crashes = 100;
  auto client = Started(o);
  ASSERT_TRUE(client);
  EXPECT_TRUE(Call(*client, Request("00000000-0000-4000-8000-00000000dead")).runner_failure);
  ASSERT_TRUE(WaitRunning(*client));
  EXPECT_TRUE(Call(*client, Request("00000000-0000-4000-8000-00000000dead")).runner_failure);
  EXPECT_EQ(client->status().state, RunnerState::kCircuitOpen);
  const auto start = Clock::now();
  RunnerAnswer fast = Call(*client, Request("fine"));
  // Fails fast: it neither waits out the call's 3 s deadline nor the 1 s cooldown (a loose bound,
  // so a loaded machine does not make it flaky; the error text below is the real check).
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(900)) << "open circuit fails fast";
  EXPECT_THAT(fast.error, HasSubstr("circuit open until"));
  ASSERT_TRUE(WaitRunning(*client, std::chrono::milliseconds(3000))) << "restarted after the 1 s cooldown";
  EXPECT_EQ(client->status().breaker, "half-open");
  EXPECT_EQ(Call(*client, Request("fine")).status, 0u);
  // The answer reaches the caller before the reader thread records the success on the breaker:
  // wait (bounded) for that instead of racing it.
  const auto closed_by = Clock::now() + std::chrono::seconds(2);
  while (client->status().breaker != "closed" && Clock::now() < closed_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(client->status().breaker, "closed");
}

TEST(RunnerClient, RequestInFlightAtTwoCrashesIsNotSentAgain) {
  RunnerOptions o = Options("libcds_test_crashes_on_input.so");
  auto client = Started(o);
  ASSERT_TRUE(client);
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(Call(*client, Request("00000000-0000-4000-8000-00000000dead")).error, HasSubstr("SIGSEGV"));
    ASSERT_TRUE(WaitRunning(*client));
  }
  RunnerAnswer refused = Call(*client, Request("00000000-0000-4000-8000-00000000dead"));
  EXPECT_THAT(refused.error, HasSubstr("poison-request protection"));
  EXPECT_EQ(client->status().crashes, 2u) << "the poisoned request never reached the runner";
  EXPECT_EQ(Call(*client, Request("other")).status, 0u) << "other requests are still answered";
}

TEST(RunnerClient, LeakingPluginIsBoundedByTheMemoryLimit) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CDS_TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(CDS_TEST_UNDER_ASAN)
  GTEST_SKIP() << "memory_limit_mb is an address-space limit (RLIMIT_AS), which AddressSanitizer's "
                  "shadow memory cannot run under; covered by the plain build";
#endif
  RunnerOptions o = Options("libcds_test_leaks.so");
  o.memory_limit_mb = 512;
  o.threads = 1;
  auto client = Started(o);
  ASSERT_TRUE(client);
  int failures = 0;
  for (int i = 0; i < 100 && failures == 0; ++i) {
    if (Call(*client, Request()).status != 0) ++failures;
  }
  EXPECT_EQ(failures, 1) << "the runner ran out of its address space within 800 MiB of leaks";
}

TEST(RunnerClient, ReplyRacingTheDeadlineGivesExactlyOneOutcome) {
  // The plugin answers after ~1 ms and the deadline is ~1 ms away: either the answer wins (OK)
  // or the deadline does (TIMEOUT, runner replaced). Never both, never neither, never a hang.
  auto client = Started(Options("libcds_test_sleeps.so"), R"({"sleep_ms": 1})");
  ASSERT_TRUE(client);
  int answered = 0, timed_out = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(WaitRunning(*client));
    const auto start = Clock::now();
    RunnerAnswer a = Call(*client, Request("race-" + std::to_string(i)), 1);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2000));
    if (a.deadline_passed) {
      EXPECT_TRUE(a.runner_failure);
      ++timed_out;
    } else if (!a.runner_failure) {
      EXPECT_EQ(a.status, 0u) << a.error;
      ++answered;
    }
  }
  EXPECT_EQ(answered + timed_out, 10) << "every call ended as answered or timed out";
  ASSERT_TRUE(WaitRunning(*client));
  EXPECT_EQ(Call(*client, Request("after")).status, 0u) << "the runner serves again after the races";
}

}  // namespace
}  // namespace cdsd
