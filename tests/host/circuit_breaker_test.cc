// The runner circuit breaker, transition by transition, on a fake clock.
#include "plugin/circuit_breaker.h"

#include <gtest/gtest.h>

namespace cdsd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using State = CircuitBreaker::State;

BreakerPolicy Policy() {
  BreakerPolicy p;
  p.restart_backoff = milliseconds(100);
  p.max_restart_backoff = milliseconds(1000);
  p.max_crashes = 3;
  p.crash_window = seconds(60);
  p.cooldown = seconds(30);
  return p;
}

const CircuitBreaker::Clock::time_point kT0 = CircuitBreaker::Clock::time_point() + std::chrono::hours(1);

TEST(CircuitBreaker, StartsClosedAndAllowsStarts) {
  CircuitBreaker b(Policy());
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.AllowStart(kT0));
  EXPECT_EQ(b.RestartDelay(), CircuitBreaker::Clock::duration::zero());
}

TEST(CircuitBreaker, CrashBelowTheLimitStaysClosedWithDoublingBackoff) {
  CircuitBreaker b(Policy());
  EXPECT_EQ(b.RecordCrash(kT0), State::kClosed);
  EXPECT_EQ(b.RestartDelay(), milliseconds(100));
  EXPECT_EQ(b.RecordCrash(kT0 + seconds(1)), State::kClosed);
  EXPECT_EQ(b.RestartDelay(), milliseconds(200));
  EXPECT_TRUE(b.AllowStart(kT0 + seconds(1)));
}

TEST(CircuitBreaker, BackoffIsCappedAtTheMaximum) {
  BreakerPolicy p = Policy();
  p.max_crashes = 100;
  CircuitBreaker b(p);
  for (int i = 0; i < 10; ++i) b.RecordCrash(kT0 + seconds(i));
  EXPECT_EQ(b.RestartDelay(), milliseconds(1000));
}

TEST(CircuitBreaker, MaxCrashesWithinTheWindowOpensIt) {
  CircuitBreaker b(Policy());
  b.RecordCrash(kT0);
  b.RecordCrash(kT0 + seconds(10));
  EXPECT_EQ(b.RecordCrash(kT0 + seconds(20)), State::kOpen);
  EXPECT_EQ(b.open_until(), kT0 + seconds(50));
}

TEST(CircuitBreaker, CrashesOlderThanTheWindowDoNotCount) {
  CircuitBreaker b(Policy());
  b.RecordCrash(kT0);
  b.RecordCrash(kT0 + seconds(10));
  EXPECT_EQ(b.RecordCrash(kT0 + seconds(61)), State::kClosed) << "the first crash left the window";
  EXPECT_EQ(b.crashes_in_window(), 2);
}

TEST(CircuitBreaker, OpenRefusesStartsUntilTheCooldownThenGoesHalfOpen) {
  CircuitBreaker b(Policy());
  for (int i = 0; i < 3; ++i) b.RecordCrash(kT0);
  EXPECT_FALSE(b.AllowStart(kT0 + seconds(29)));
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_TRUE(b.AllowStart(kT0 + seconds(30)));
  EXPECT_EQ(b.state(), State::kHalfOpen);
}

TEST(CircuitBreaker, HalfOpenClosesOnAnAnsweredCall) {
  CircuitBreaker b(Policy());
  for (int i = 0; i < 3; ++i) b.RecordCrash(kT0);
  ASSERT_TRUE(b.AllowStart(kT0 + seconds(30)));
  b.RecordSuccess();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.RestartDelay(), CircuitBreaker::Clock::duration::zero()) << "backoff starts over";
  EXPECT_EQ(b.RecordCrash(kT0 + seconds(31)), State::kClosed) << "history was cleared";
}

TEST(CircuitBreaker, HalfOpenReopensOnTheFirstCrash) {
  CircuitBreaker b(Policy());
  for (int i = 0; i < 3; ++i) b.RecordCrash(kT0);
  ASSERT_TRUE(b.AllowStart(kT0 + seconds(30)));
  EXPECT_EQ(b.RecordCrash(kT0 + seconds(31)), State::kOpen);
  EXPECT_EQ(b.open_until(), kT0 + seconds(61)) << "a fresh cooldown";
}

TEST(CircuitBreaker, SuccessWhileClosedOnlyResetsTheBackoff) {
  CircuitBreaker b(Policy());
  b.RecordCrash(kT0);
  b.RecordCrash(kT0);
  b.RecordSuccess();
  EXPECT_EQ(b.RestartDelay(), CircuitBreaker::Clock::duration::zero());
  EXPECT_EQ(b.RecordCrash(kT0), State::kOpen) << "crashes within the window still count";
}

}  // namespace
}  // namespace cdsd
