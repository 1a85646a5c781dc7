// Wall-clock time for timestamps cdsd writes (evaluation time, audit received / answered times,
// plugin deadlines). From std::chrono::system_clock, not protobuf's TimeUtil::GetCurrentTime():
// in Debian bookworm's protobuf (3.21) that returns whole seconds (nanos always 0, measured), so
// audit latencies computed from it read 0 or 1,000 ms and sub-second deadlines were off by up
// to a second.
#ifndef CDSD_HOST_UTIL_WALL_CLOCK_H_
#define CDSD_HOST_UTIL_WALL_CLOCK_H_

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <cstdint>

namespace cdsd {

inline int64_t ToUnixMicros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

inline int64_t NowUnixMicros() { return ToUnixMicros(std::chrono::system_clock::now()); }

inline google::protobuf::Timestamp NowTimestamp() {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(NowUnixMicros());
}

}  // namespace cdsd

#endif  // CDSD_HOST_UTIL_WALL_CLOCK_H_
