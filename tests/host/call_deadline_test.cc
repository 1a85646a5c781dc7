// Each plugin call's deadline: the lesser of its service's timeout and the caller's deadline less
// a margin, computed per call (mixed timeouts do not wait for the longest), and a caller deadline
// under 5 ms still leaves the plugins most of it.
#include <gtest/gtest.h>

#include "server/evaluation.h"

namespace cdsd {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::microseconds;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1000);

TEST(CallDeadlineTest, WithoutACallerDeadlineEachCallGetsItsOwnTimeout) {
  const CallDeadlines d = DeadlinesFor(kStart, std::nullopt);
  EXPECT_EQ(d.For(kStart, milliseconds(100)), kStart + milliseconds(100));
  EXPECT_EQ(d.For(kStart, milliseconds(1000)), kStart + milliseconds(1000))
      << "a 100 ms service next to a 1 s one keeps its own 100 ms deadline, and vice versa";
  EXPECT_FALSE(d.IsCallers(kStart, milliseconds(100)));
}

TEST(CallDeadlineTest, ALongCallerDeadlineKeepsAFiveMillisecondMargin) {
  const CallDeadlines d = DeadlinesFor(kStart, milliseconds(300));
  EXPECT_EQ(d.callers, kStart + milliseconds(295));
  EXPECT_EQ(d.For(kStart, milliseconds(100)), kStart + milliseconds(100));
  EXPECT_EQ(d.For(kStart, milliseconds(5000)), kStart + milliseconds(295));
  EXPECT_TRUE(d.IsCallers(kStart, milliseconds(5000)));
}

TEST(CallDeadlineTest, ADeadlineUnderFiveMillisecondsLeavesMostOfItToThePlugins) {
  const CallDeadlines d = DeadlinesFor(kStart, milliseconds(2));
  EXPECT_GT(d.callers, kStart) << "a 2 ms caller deadline must not expire every call before it starts";
  EXPECT_EQ(d.callers, kStart + microseconds(1600));
  EXPECT_LT(d.callers, kStart + milliseconds(2)) << "the answer is still due before the caller's deadline";
}

TEST(CallDeadlineTest, AnAlreadyPassedCallerDeadlineIsDueAtOnce) {
  const CallDeadlines d = DeadlinesFor(kStart, -milliseconds(3));
  EXPECT_EQ(d.callers, kStart);
  EXPECT_EQ(d.For(kStart, milliseconds(100)), kStart);
}

TEST(CallDeadlineTest, PermitsDefaultToHalfThePool) {
  PluginConfig config;
  EXPECT_EQ(PermitsFor(config, 8), 4);
  EXPECT_EQ(PermitsFor(config, 1), 1);
  EXPECT_EQ(PermitsFor(config, 5), 3);
  config.max_concurrent_calls = 7;
  EXPECT_EQ(PermitsFor(config, 8), 7);
}

}  // namespace
}  // namespace cdsd
