// The ServiceCall state machine: every transition, and the races at the deadline (the timer
// expiring a call while a worker claims or finishes it) have exactly one winner.
#include "server/service_call.h"

#include <gtest/gtest.h>

#include <thread>

#include "call_test_support.h"

namespace cdsd {
namespace {

using State = ServiceCall::State;
using testing::CallProbe;
using testing::FakeCall;
using testing::Gate;

TEST(ServiceCallTest, StartsQueued) {
  CallProbe probe;
  auto call = FakeCall(probe);
  EXPECT_EQ(call->state(), State::kQueued);
  EXPECT_EQ(probe.settled, 0);
}

TEST(ServiceCallTest, RunAnswersAndSettlesOnce) {
  CallProbe probe;
  auto call = FakeCall(probe);
  EXPECT_TRUE(call->Run());
  EXPECT_EQ(call->state(), State::kAnswered);
  EXPECT_EQ(call->result().status, CDS_STATUS_OK) << "an answered call keeps the plugin's answer";
  EXPECT_EQ(probe.invoked, 1);
  EXPECT_EQ(probe.settled, 1);
  EXPECT_EQ(probe.stuck, 0);
}

TEST(ServiceCallTest, ExpiredWhileQueuedNeverCallsThePluginAndIsNotStuck) {
  CallProbe probe;
  auto call = FakeCall(probe);
  EXPECT_EQ(call->Expire(), State::kExpired);
  EXPECT_EQ(probe.settled, 1);
  EXPECT_FALSE(call->Run()) << "a worker reaching an expired call must not call the plugin";
  EXPECT_EQ(probe.invoked, 0);
  EXPECT_EQ(probe.stuck, 0) << "a call that never started is not stuck in the plugin";
  EXPECT_EQ(probe.settled, 1);
}

TEST(ServiceCallTest, ClaimFailsOnceExpired) {
  CallProbe probe;
  auto call = FakeCall(probe);
  call->Expire();
  EXPECT_FALSE(call->Claim());
  EXPECT_EQ(call->state(), State::kExpired);
}

TEST(ServiceCallTest, ExpiredWhileRunningIsAbandonedAndStuckUntilThePluginReturns) {
  CallProbe probe;
  Gate release;
  auto call = FakeCall(probe, &release);
  std::thread worker([&] { call->Run(); });
  ASSERT_TRUE(probe.entered.Wait());
  EXPECT_EQ(call->Expire(), State::kAbandoned);
  EXPECT_EQ(probe.settled, 1) << "the owner is told at the deadline, not when the plugin returns";
  EXPECT_EQ(probe.stuck, 1) << "a call abandoned inside the plugin counts toward quarantine";
  release.Open();
  worker.join();
  EXPECT_EQ(call->state(), State::kAbandoned) << "a late answer never turns an abandoned call into an answer";
  EXPECT_EQ(call->result().status, CDS_STATUS_INTERNAL) << "the late answer is dropped";
  EXPECT_EQ(probe.stuck, 0) << "the stuck count ends when the plugin returns";
  EXPECT_EQ(probe.settled, 1);
}

TEST(ServiceCallTest, ExpireAfterAnswerChangesNothing) {
  CallProbe probe;
  auto call = FakeCall(probe);
  call->Run();
  EXPECT_EQ(call->Expire(), State::kAnswered);
  EXPECT_EQ(probe.settled, 1);
  EXPECT_EQ(probe.stuck, 0);
}

TEST(ServiceCallTest, SecondExpireChangesNothing) {
  CallProbe probe;
  auto call = FakeCall(probe);
  call->Expire();
  EXPECT_EQ(call->Expire(), State::kExpired);
  EXPECT_EQ(probe.settled, 1);
}

TEST(ServiceCallTest, DeadlineTimerEntryPointExpires) {
  CallProbe probe;
  auto call = FakeCall(probe);
  static_cast<DeadlineTarget&>(*call).OnDeadline();
  EXPECT_EQ(call->state(), State::kExpired);
}

TEST(ServiceCallTest, SettleHookIsReleasedAfterItRuns) {
  // The hook usually holds the evaluation alive, and the evaluation holds the call: releasing
  // the hook breaks the cycle.
  auto owner = std::make_shared<int>(0);
  ServiceCall::Hooks hooks;
  hooks.invoke = [] { return PluginCallResult{}; };
  hooks.on_settled = [owner](ServiceCall&) {};
  auto call = std::make_shared<ServiceCall>(std::chrono::steady_clock::now(), std::move(hooks));
  EXPECT_EQ(owner.use_count(), 2);
  call->Expire();
  EXPECT_EQ(owner.use_count(), 1);
}

// The race at the deadline, many times over: a worker runs the call while the timer expires it.
// Whatever the interleaving, the call settles exactly once, the plugin is called only if the
// worker claimed first, and the stuck count returns to zero.
TEST(ServiceCallTest, RaceBetweenWorkerAndDeadlineHasOneWinner) {
  int answered = 0, expired = 0, abandoned = 0;
  for (int i = 0; i < 2000; ++i) {
    CallProbe probe;
    auto call = FakeCall(probe);
    Gate go;
    std::thread worker([&] { go.Wait(); call->Run(); });
    std::thread timer([&] { go.Wait(); call->Expire(); });
    go.Open();
    worker.join();
    timer.join();
    ASSERT_EQ(probe.settled, 1) << "iteration " << i;
    ASSERT_EQ(probe.stuck, 0) << "iteration " << i;
    switch (call->state()) {
      case State::kAnswered: ++answered; ASSERT_EQ(probe.invoked, 1); break;
      case State::kExpired: ++expired; ASSERT_EQ(probe.invoked, 0); break;
      case State::kAbandoned: ++abandoned; ASSERT_EQ(probe.invoked, 1); break;
      default: FAIL() << "unsettled after both threads: " << ServiceCallStateName(call->state());
    }
  }
  EXPECT_EQ(answered + expired + abandoned, 2000);
}

TEST(ServiceCallTest, StateNamesAreDistinct) {
  EXPECT_STREQ(ServiceCallStateName(State::kQueued), "queued");
  EXPECT_STREQ(ServiceCallStateName(State::kRunning), "running");
  EXPECT_STREQ(ServiceCallStateName(State::kAnswered), "answered");
  EXPECT_STREQ(ServiceCallStateName(State::kExpired), "expired");
  EXPECT_STREQ(ServiceCallStateName(State::kAbandoned), "abandoned");
}

}  // namespace
}  // namespace cdsd
