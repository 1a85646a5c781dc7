#include "util/wall_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace cdsd {
namespace {

TEST(WallClock, HasSubSecondResolutionAndAgreesWithSystemClock) {
  // Debian's protobuf TimeUtil::GetCurrentTime() returns whole seconds; cdsd's timestamps must
  // not. Five readings 3 ms apart cannot all fall on a whole second.
  int with_fraction = 0;
  for (int i = 0; i < 5; ++i) {
    const auto t = NowTimestamp();
    const int64_t system = ToUnixMicros(std::chrono::system_clock::now());
    const int64_t ours = t.seconds() * 1'000'000 + t.nanos() / 1000;
    EXPECT_LE(system - ours, 100'000) << "within 100 ms of system_clock";
    EXPECT_GE(system - ours, 0);
    if (t.nanos() != 0) ++with_fraction;
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  EXPECT_GT(with_fraction, 0);
}

}  // namespace
}  // namespace cdsd
