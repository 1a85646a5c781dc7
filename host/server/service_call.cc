#include "server/service_call.h"

namespace cdsd {

ServiceCall::ServiceCall(Clock::time_point deadline, Hooks hooks)
    : deadline_(deadline), hooks_(std::move(hooks)) {}

ServiceCall::State ServiceCall::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool ServiceCall::Claim() {
  std::lock_guard lock(mutex_);
  if (state_ != State::kQueued) return false;
  state_ = State::kRunning;
  started_ = Clock::now();
  return true;
}

bool ServiceCall::Run() {
  if (!Claim()) return false;
  const auto begin = Clock::now();
  PluginCallResult result = hooks_.invoke();
  const auto elapsed = Clock::now() - begin;
  if (Finish(std::move(result), elapsed)) Settled();
  return true;
}

bool ServiceCall::Finish(PluginCallResult result, Clock::duration elapsed) {
  std::unique_lock lock(mutex_);
  if (state_ == State::kRunning) {
    state_ = State::kAnswered;
    result_ = std::move(result);
    elapsed_ = elapsed;
    return true;
  }
  // Abandoned at the deadline: the answer is dropped (with the plugin's bytes, released by
  // `result` going out of scope after the lock) and the stuck call is over.
  if (hooks_.stuck) hooks_.stuck->fetch_sub(1, std::memory_order_relaxed);
  return false;
}

ServiceCall::State ServiceCall::Expire() {
  State after;
  bool settled_now = false;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::kQueued) {
      state_ = State::kExpired;
      settled_now = true;
    } else if (state_ == State::kRunning) {
      state_ = State::kAbandoned;
      if (hooks_.stuck) hooks_.stuck->fetch_add(1, std::memory_order_relaxed);
      settled_now = true;
    }
    after = state_;
  }
  if (settled_now) Settled();
  return after;
}

void ServiceCall::Settled() {
  // Exactly one thread gets here per call. The hook is released once it has run: it usually
  // holds the owner alive, and the owner holds this call.
  std::function<void(ServiceCall&)> settled = std::move(hooks_.on_settled);
  hooks_.on_settled = nullptr;
  if (settled) settled(*this);
}

const char* ServiceCallStateName(ServiceCall::State state) {
  switch (state) {
    case ServiceCall::State::kQueued: return "queued";
    case ServiceCall::State::kRunning: return "running";
    case ServiceCall::State::kAnswered: return "answered";
    case ServiceCall::State::kExpired: return "expired";
    case ServiceCall::State::kAbandoned: return "abandoned";
  }
  return "unknown";
}

}  // namespace cdsd
