#include "plugin/circuit_breaker.h"

#include <algorithm>

namespace cdsd {

CircuitBreaker::State CircuitBreaker::RecordCrash(Clock::time_point now) {
  ++consecutive_;
  recent_.push_back(now);
  while (!recent_.empty() && recent_.front() + policy_.crash_window <= now) recent_.pop_front();
  if (state_ == State::kHalfOpen || static_cast<int>(recent_.size()) >= policy_.max_crashes) {
    state_ = State::kOpen;
    open_until_ = now + policy_.cooldown;
    recent_.clear();  // the cooldown is the penalty; counting starts over after it
  }
  return state_;
}

void CircuitBreaker::RecordSuccess() {
  consecutive_ = 0;
  if (state_ == State::kHalfOpen) {
    state_ = State::kClosed;
    recent_.clear();
  }
}

bool CircuitBreaker::AllowStart(Clock::time_point now) {
  if (state_ != State::kOpen) return true;
  if (now < open_until_) return false;
  state_ = State::kHalfOpen;
  return true;
}

CircuitBreaker::Clock::duration CircuitBreaker::RestartDelay() const {
  if (consecutive_ <= 0) return Clock::duration::zero();
  const int doublings = std::min(consecutive_ - 1, 20);
  const auto delay = policy_.restart_backoff * (int64_t{1} << doublings);
  return std::min<Clock::duration>(delay, policy_.max_restart_backoff);
}

const char* BreakerStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed: return "closed";
    case CircuitBreaker::State::kOpen: return "open";
    case CircuitBreaker::State::kHalfOpen: return "half-open";
  }
  return "unknown";
}

}  // namespace cdsd
