// One plugin call of one Evaluate, with its own deadline and an explicit state machine:
//
//   queued ──Claim()──> running ──Finish()──> answered
//     │                    │
//     └─Expire()─> expired └─Expire()─> abandoned ──Finish()──> (result dropped, ReturnedLate)
//
// `expired` means the plugin was never called (it is not "stuck"); `abandoned` means a worker is
// still inside the plugin past the deadline. answered, expired and abandoned are "settled": the
// call's owner is told exactly once, by whichever thread settled it, outside the call's lock.
// Every transition happens under the call's mutex, so the races at the deadline (a worker
// claiming or finishing at the same instant the timer expires the call) have exactly one winner.
#ifndef CDSD_HOST_SERVER_SERVICE_CALL_H_
#define CDSD_HOST_SERVER_SERVICE_CALL_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "plugin/plugin_service.h"
#include "server/deadline_timer.h"

namespace cdsd {

class ServiceCall : public DeadlineTarget {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kQueued, kRunning, kAnswered, kExpired, kAbandoned };

  struct Hooks {
    // Calls the plugin; runs on a worker thread, without the call's lock.
    std::function<PluginCallResult()> invoke;
    // Told once when the call settles (answered, expired or abandoned). Must not block.
    std::function<void(ServiceCall&)> on_settled;
    // Counts this service's calls abandoned inside the plugin that have not returned yet
    // (the quarantine count). May be null.
    std::atomic<int64_t>* stuck = nullptr;
  };

  ServiceCall(Clock::time_point deadline, Hooks hooks);

  Clock::time_point deadline() const { return deadline_; }
  State state() const;

  // Worker: queued -> running. False when the call already expired: do not call the plugin.
  bool Claim();
  // Worker: claims the call, calls the plugin if the claim won, and settles it. Returns false
  // when nothing ran (expired before it started).
  bool Run();
  // Timer, pool shutdown or admission: queued -> expired, running -> abandoned; no change once
  // settled. Returns the state after.
  State Expire();
  void OnDeadline() override { Expire(); }

  // Valid once the call is answered (the settled state is final; read after on_settled).
  const PluginCallResult& result() const { return result_; }
  PluginCallResult& result() { return result_; }
  // Time spent inside the plugin, for answered calls.
  Clock::duration elapsed() const { return elapsed_; }
  // When the call started running (Clock::time_point{} if it never did).
  Clock::time_point started() const { return started_; }

 private:
  // running -> answered, or abandoned -> (drop). True if the answer was kept.
  bool Finish(PluginCallResult result, Clock::duration elapsed);
  void Settled();

  const Clock::time_point deadline_;
  Hooks hooks_;
  mutable std::mutex mutex_;
  State state_ = State::kQueued;
  PluginCallResult result_;
  Clock::duration elapsed_{};
  Clock::time_point started_{};
};

const char* ServiceCallStateName(ServiceCall::State state);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_SERVICE_CALL_H_
