// The deadline timer: a due target is told (also one already past when scheduled), a target
// that no longer exists is skipped, and a timer destroyed with future entries tells nobody.
// Waits are for events, never assertions on elapsed time.
#include "server/deadline_timer.h"

#include <gtest/gtest.h>

#include "call_test_support.h"

namespace cdsd {
namespace {

using testing::Gate;

class Target : public DeadlineTarget {
 public:
  void OnDeadline() override {
    calls.fetch_add(1);
    fired.Open();
  }
  std::atomic<int> calls{0};
  Gate fired;
};

TEST(DeadlineTimerTest, TellsATargetAtItsDeadline) {
  DeadlineTimer timer;
  auto target = std::make_shared<Target>();
  timer.Schedule(DeadlineTimer::Clock::now() + std::chrono::milliseconds(1), target);
  ASSERT_TRUE(target->fired.Wait());
  EXPECT_EQ(target->calls, 1);
}

TEST(DeadlineTimerTest, ADeadlineAlreadyPastFiresAtOnce) {
  DeadlineTimer timer;
  auto target = std::make_shared<Target>();
  timer.Schedule(DeadlineTimer::Clock::now() - std::chrono::seconds(1), target);
  ASSERT_TRUE(target->fired.Wait());
}

TEST(DeadlineTimerTest, AnEarlierDeadlineScheduledLaterFiresFirst) {
  DeadlineTimer timer;
  auto late = std::make_shared<Target>();
  auto early = std::make_shared<Target>();
  timer.Schedule(DeadlineTimer::Clock::now() + std::chrono::hours(1), late);
  timer.Schedule(DeadlineTimer::Clock::now(), early);
  ASSERT_TRUE(early->fired.Wait()) << "a new earliest deadline must wake the timer";
  EXPECT_EQ(late->calls, 0);
}

TEST(DeadlineTimerTest, AGoneTargetIsSkipped) {
  DeadlineTimer timer;
  auto gone = std::make_shared<Target>();
  std::weak_ptr<Target> watch = gone;
  timer.Schedule(DeadlineTimer::Clock::now(), gone);
  gone.reset();
  auto marker = std::make_shared<Target>();
  timer.Schedule(DeadlineTimer::Clock::now(), marker);
  ASSERT_TRUE(marker->fired.Wait());
  EXPECT_TRUE(watch.expired());
}

TEST(DeadlineTimerTest, DestroyedWithPendingEntriesTellsNobody) {
  auto target = std::make_shared<Target>();
  {
    DeadlineTimer timer;
    timer.Schedule(DeadlineTimer::Clock::now() + std::chrono::hours(1), target);
  }
  EXPECT_EQ(target->calls, 0);
}

}  // namespace
}  // namespace cdsd
