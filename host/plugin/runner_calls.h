// The calls a plugin runner has been sent and not yet answered, keyed by request id. Each call
// ends exactly once, by whichever comes first: its answer (reader thread), the loss of the
// runner (supervisor), or its deadline (the waiting worker). Every transition happens under one
// mutex, so those races have exactly one winner, and a late answer for a call that already
// ended is recognised and dropped.
//
//   waiting ──Answer()──> answered
//      │───RunnerLost()─> lost
//      └───Wait() at its deadline─> timed_out
#ifndef CDSD_HOST_PLUGIN_RUNNER_CALLS_H_
#define CDSD_HOST_PLUGIN_RUNNER_CALLS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cdsd {

class RunnerCalls {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { kWaiting, kAnswered, kLost, kTimedOut };

  struct Call {
    uint64_t id = 0;
    uint64_t fingerprint = 0;   // hash of the request, for poison-request protection
    std::string evaluation_id;  // for the crash log line
    Outcome outcome = Outcome::kWaiting;
    uint32_t status = 0;        // the plugin's cds_status, when answered
    std::string response;       // copied out of the frame: no plugin memory crosses over
    std::string error;          // the plugin's message, or why the runner was lost
    std::condition_variable changed;
  };

  // A new waiting call with the next request id (ids start at 1 and never repeat).
  std::shared_ptr<Call> Add(uint64_t fingerprint, std::string evaluation_id);
  // waiting -> answered. False when no call with this id is waiting (it timed out, the runner
  // was lost meanwhile, or the id was never issued: see Issued).
  bool Answer(uint64_t id, uint32_t status, std::string response, std::string error);
  // Every waiting call -> lost, with `why` as its error. `suspect` (may be empty) sees each
  // before its waiter is woken. Returns those calls (the suspects of a crash).
  std::vector<std::shared_ptr<Call>> RunnerLost(const std::string& why,
                                                const std::function<void(const Call&)>& suspect = {});
  // Waits until the call ends or `deadline` passes; at the deadline a still-waiting call ends
  // as timed_out. Returns the outcome.
  Outcome Wait(Call& call, Clock::time_point deadline);
  // Removes a call that could not be sent (it ends as lost with `why`).
  void Abandon(Call& call, const std::string& why);

  bool Issued(uint64_t id) const;
  size_t waiting() const;

 private:
  mutable std::mutex mutex_;
  uint64_t last_id_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<Call>> waiting_;
};

const char* RunnerCallOutcomeName(RunnerCalls::Outcome outcome);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_RUNNER_CALLS_H_
