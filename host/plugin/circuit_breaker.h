// When a plugin runner that keeps crashing may be started again. A state machine with named
// transitions, driven by the runner's supervisor and unit-tested transition by transition:
//
//   closed ──crash (fewer than max_crashes in the window)──> closed (restart after a backoff)
//   closed ──crash (max_crashes within crash_window)──────> open (until now + cooldown)
//   open ────cooldown over (AllowStart)──────────────────> half_open (one runner is tried)
//   half_open ──answered call (RecordSuccess)────────────> closed (history cleared)
//   half_open ──crash─────────────────────────────────────> open (a fresh cooldown)
//
// The restart backoff doubles with each crash since the last answered call. Not thread-safe:
// the owner serialises calls (the runner client holds its mutex).
#ifndef CDSD_HOST_PLUGIN_CIRCUIT_BREAKER_H_
#define CDSD_HOST_PLUGIN_CIRCUIT_BREAKER_H_

#include <chrono>
#include <deque>

namespace cdsd {

struct BreakerPolicy {
  std::chrono::milliseconds restart_backoff{100};      // first restart delay, doubled per crash
  std::chrono::milliseconds max_restart_backoff{10000};
  int max_crashes = 3;                                  // crashes within crash_window that open it
  std::chrono::seconds crash_window{60};
  std::chrono::seconds cooldown{30};                    // how long it stays open
};

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(BreakerPolicy policy) : policy_(policy) {}

  // A runner crashed (or hung and was killed) at `now`. Returns the state after.
  State RecordCrash(Clock::time_point now);
  // A call was answered: a half-open breaker closes and the backoff starts over.
  void RecordSuccess();
  // Whether a runner may be started at `now`; moves open -> half_open once the cooldown is over.
  bool AllowStart(Clock::time_point now);

  State state() const { return state_; }
  Clock::time_point open_until() const { return open_until_; }
  // Delay before the next restart while closed: restart_backoff * 2^(crashes since success - 1).
  Clock::duration RestartDelay() const;
  int crashes_in_window() const { return static_cast<int>(recent_.size()); }

 private:
  BreakerPolicy policy_;
  State state_ = State::kClosed;
  std::deque<Clock::time_point> recent_;  // crash times within the window
  int consecutive_ = 0;                   // crashes since the last answered call
  Clock::time_point open_until_{};
};

const char* BreakerStateName(CircuitBreaker::State state);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_CIRCUIT_BREAKER_H_
