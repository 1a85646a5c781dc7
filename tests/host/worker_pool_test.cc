// The worker pool as a bulkhead: a lane never holds more threads than its permits, so a hung
// lane leaves the others running; queued calls at the deadline expire without calling the
// plugin; the pool never adds threads; destroying it with a call inside a plugin settles every
// call first and then waits for the plugin, never detaching a thread.
#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "call_test_support.h"

namespace cdsd {
namespace {

using State = ServiceCall::State;
using testing::CallProbe;
using testing::FakeCall;
using testing::Gate;

const int kLaneA = 1, kLaneB = 2, kLaneC = 3;
const void* const A = &kLaneA;
const void* const B = &kLaneB;
const void* const C = &kLaneC;

TEST(WorkerPoolTest, RunsSubmittedCalls) {
  WorkerPool pool(2);
  std::vector<std::unique_ptr<CallProbe>> probes;
  for (int i = 0; i < 50; ++i) {
    probes.push_back(std::make_unique<CallProbe>());
    pool.Submit(i % 2 ? A : B, 2, FakeCall(*probes.back()));
  }
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
  for (auto& p : probes) EXPECT_EQ(p->invoked, 1);
  EXPECT_EQ(pool.size(), 2);
}

TEST(WorkerPoolTest, HungLaneHoldsOnlyItsPermits) {
  WorkerPool pool(4);
  Gate release;
  std::vector<std::unique_ptr<CallProbe>> hung;
  for (int i = 0; i < 5; ++i) {
    hung.push_back(std::make_unique<CallProbe>());
    pool.Submit(A, 2, FakeCall(*hung.back(), &release));
  }
  ASSERT_TRUE(hung[0]->entered.Wait());
  ASSERT_TRUE(hung[1]->entered.Wait());
  // With two threads held by lane A, lane B still gets the other two.
  std::vector<std::unique_ptr<CallProbe>> healthy;
  for (int i = 0; i < 20; ++i) {
    healthy.push_back(std::make_unique<CallProbe>());
    pool.Submit(B, 2, FakeCall(*healthy.back()));
  }
  for (auto& p : healthy) ASSERT_TRUE(p->settled_gate.Wait()) << "a hung lane starved another lane";
  const auto load = pool.Load(A);
  EXPECT_EQ(load.running, 2) << "lane A may run only its 2 permits";
  EXPECT_EQ(load.queued, 3);
  EXPECT_EQ(hung[2]->invoked + hung[3]->invoked + hung[4]->invoked, 0);
  release.Open();
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
  for (auto& p : hung) EXPECT_EQ(p->invoked, 1);
}

TEST(WorkerPoolTest, CallQueuedAtTheDeadlineExpiresWithoutBeingStuck) {
  WorkerPool pool(1);
  Gate release;
  CallProbe running, queued;
  auto first = FakeCall(running, &release);
  auto second = FakeCall(queued);
  pool.Submit(A, 1, first);
  pool.Submit(A, 1, second);
  ASSERT_TRUE(running.entered.Wait());
  // The deadline of both comes while the first is inside the plugin and the second is queued.
  EXPECT_EQ(second->Expire(), State::kExpired);
  EXPECT_EQ(first->Expire(), State::kAbandoned);
  EXPECT_EQ(queued.stuck, 0) << "a queued call is not stuck in the plugin";
  EXPECT_EQ(running.stuck, 1);
  release.Open();
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
  EXPECT_EQ(queued.invoked, 0) << "an expired call is skipped, never run late";
  EXPECT_EQ(running.stuck, 0);
}

TEST(WorkerPoolTest, SaturatedPoolQueuesAndNeverAddsThreads) {
  WorkerPool pool(2);
  Gate release;
  CallProbe a, b, c;
  pool.Submit(A, 1, FakeCall(a, &release));
  pool.Submit(B, 1, FakeCall(b, &release));
  ASSERT_TRUE(a.entered.Wait());
  ASSERT_TRUE(b.entered.Wait());
  auto waiting = FakeCall(c);
  pool.Submit(C, 1, waiting);
  EXPECT_EQ(pool.threads_inside_plugins(), 2);
  EXPECT_EQ(pool.Load(C).queued, 1) << "no thread is free: the call waits";
  EXPECT_EQ(waiting->Expire(), State::kExpired);
  EXPECT_EQ(pool.size(), 2) << "the pool is fixed: no stand-in threads";
  release.Open();
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
  EXPECT_EQ(c.invoked, 0);
  EXPECT_EQ(pool.Load(C).queued, 0);
}

TEST(WorkerPoolTest, ExpiredCallsBehindAFullLaneAreDroppedOnTheNextSubmit) {
  WorkerPool pool(2);
  Gate release;
  CallProbe hung;
  pool.Submit(A, 1, FakeCall(hung, &release));
  ASSERT_TRUE(hung.entered.Wait());
  std::vector<std::unique_ptr<CallProbe>> probes;
  for (int i = 0; i < 10; ++i) {
    probes.push_back(std::make_unique<CallProbe>());
    auto call = FakeCall(*probes.back());
    pool.Submit(A, 1, call);
    call->Expire();
  }
  EXPECT_LE(pool.Load(A).queued, 1) << "settled calls must not pile up behind a hung lane";
  release.Open();
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
}

TEST(WorkerPoolTest, PermitsChangeWithTheNextSubmit) {
  WorkerPool pool(4);
  Gate release;
  std::vector<std::unique_ptr<CallProbe>> probes;
  for (int i = 0; i < 3; ++i) {
    probes.push_back(std::make_unique<CallProbe>());
    pool.Submit(A, i < 2 ? 1 : 3, FakeCall(*probes.back(), &release));
  }
  for (auto& p : probes) ASSERT_TRUE(p->entered.Wait()) << "the lane's limit is the latest permits";
  EXPECT_EQ(pool.Load(A).running, 3);
  release.Open();
  ASSERT_TRUE(pool.Drain(std::chrono::seconds(20)));
  EXPECT_EQ(pool.Load(A).running, 0);
}

TEST(WorkerPoolTest, SubmitAfterStopExpiresAtOnce) {
  WorkerPool pool(1);
  EXPECT_EQ(pool.Stop(std::chrono::milliseconds(0)), 0);
  CallProbe probe;
  auto call = FakeCall(probe);
  pool.Submit(A, 1, call);
  EXPECT_EQ(call->state(), State::kExpired);
  EXPECT_EQ(probe.invoked, 0);
}

TEST(WorkerPoolTest, DestroyedWithACallInsideAPluginSettlesEverythingThenWaits) {
  auto pool = std::make_unique<WorkerPool>(1);
  Gate release;
  CallProbe inside, queued;
  auto running_call = FakeCall(inside, &release);
  auto queued_call = FakeCall(queued);
  pool->Submit(A, 1, running_call);
  pool->Submit(A, 1, queued_call);
  ASSERT_TRUE(inside.entered.Wait());

  std::atomic<bool> destroyed{false};
  std::thread destroyer([&] {
    pool.reset();
    destroyed = true;
  });
  // The owners hear at once: the running call is abandoned, the queued one expired.
  ASSERT_TRUE(inside.settled_gate.Wait());
  ASSERT_TRUE(queued.settled_gate.Wait());
  EXPECT_EQ(running_call->state(), State::kAbandoned);
  EXPECT_EQ(queued_call->state(), State::kExpired);
  EXPECT_FALSE(destroyed) << "the thread inside the plugin is joined, not detached";
  release.Open();
  destroyer.join();
  EXPECT_TRUE(destroyed);
  EXPECT_EQ(queued.invoked, 0);
  EXPECT_EQ(inside.stuck, 0) << "the abandoned call ended when the plugin returned";
}

TEST(WorkerPoolTest, StopReportsThreadsStillInsidePlugins) {
  WorkerPool pool(2);
  Gate release;
  CallProbe inside;
  pool.Submit(A, 1, FakeCall(inside, &release));
  ASSERT_TRUE(inside.entered.Wait());
  EXPECT_EQ(pool.Stop(std::chrono::milliseconds(0)), 1);
  release.Open();
  EXPECT_EQ(pool.Stop(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace cdsd
