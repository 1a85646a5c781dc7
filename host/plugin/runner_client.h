// The host's side of one plugin running in its own process (isolation: process). It starts
// cdsd-plugin-runner on a Unix socketpair, loads the plugin there (handshake: the runner answers
// with the plugin's PluginInfo, so discovery works without loading the plugin into cdsd), creates
// the instance, and then multiplexes concurrent calls over the one socket by request id.
//
// A supervisor thread reads answers and watches the runner. When the runner dies (signal, exit,
// garbage or an oversized frame on the socket, or killed by us because a call passed its
// deadline), every call in flight fails at once with the reason, the crash is logged and
// counted, and the runner is started again after a backoff (new calls wait for it, up to their
// deadlines); a CircuitBreaker stops restarts (calls fail fast) after repeated crashes until its
// cooldown is over. A request that was in flight at `poison_crashes` crashes is refused without
// being sent again.
#ifndef CDSD_HOST_PLUGIN_RUNNER_CLIENT_H_
#define CDSD_HOST_PLUGIN_RUNNER_CLIENT_H_

#include <absl/status/statusor.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "plugin/abi_compatibility.h"
#include "plugin/circuit_breaker.h"
#include "plugin/runner_calls.h"
#include "plugin/service_stats.h"

namespace cdsd {

struct RunnerOptions {
  std::string service_id;
  std::filesystem::path runner_path;  // the cdsd-plugin-runner executable
  std::filesystem::path plugin_path;
  std::string sha256;                 // pin checked by the runner on the bytes it maps
  int threads = 4;                    // evaluate threads inside the runner
  size_t max_payload = 0;             // bound of a frame from the runner; 0: protocol default
  int64_t memory_limit_mb = 0;        // RLIMIT_AS of the runner; 0: none
  std::chrono::milliseconds start_timeout{5000};  // spawn + load + create
  BreakerPolicy breaker;
  int poison_crashes = 2;
  std::shared_ptr<ServiceStats> stats;  // crash and restart counters (per service id)
};

enum class RunnerState { kStarting, kRunning, kRestarting, kCircuitOpen, kStopped };
const char* RunnerStateName(RunnerState state);

// What one call through the runner produced. `status` is a cds_status value.
struct RunnerAnswer {
  uint32_t status = 5;  // CDS_STATUS_INTERNAL
  std::string response;
  std::string error;
  bool deadline_passed = false;  // no answer before the deadline (the runner was killed)
  // The plugin gave no answer: crashed, restarting, circuit open, poison request, send failed.
  // `error` says which.
  bool runner_failure = false;
};

struct RunnerStatus {
  RunnerState state = RunnerState::kStopped;
  pid_t pid = 0;
  uint64_t crashes = 0;   // of this client (since it was configured)
  uint64_t restarts = 0;
  std::string last_crash;  // why the runner last died
  std::string breaker;     // closed, open or half-open
};

class RunnerClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the runner and loads the plugin in it. On success the plugin's PluginInfo bytes and
  // ABI version are available; call Configure next.
  static absl::StatusOr<std::unique_ptr<RunnerClient>> Launch(RunnerOptions options);
  // Stops the supervisor and the runner (SIGKILL if it does not exit at once on EOF).
  ~RunnerClient();
  RunnerClient(const RunnerClient&) = delete;
  RunnerClient& operator=(const RunnerClient&) = delete;

  const std::string& info_bytes() const { return info_bytes_; }
  AbiVersion abi_version() const { return abi_; }

  // Creates the plugin instance in the runner with `settings_json` (kept for restarts), then
  // starts the supervisor. Errors carry the plugin's message.
  absl::Status Configure(std::string settings_json);

  // Sends one request and waits for its answer until `deadline`. Thread-safe. While the runner
  // is being restarted the call waits for it (up to `deadline`); it fails at once when the
  // circuit is open or the request is poisoned.
  RunnerAnswer Evaluate(std::string_view request, Clock::time_point deadline, uint64_t fingerprint,
                        std::string_view evaluation_id);

  RunnerStatus status() const;

  // Exposed for tests: kills the current runner as if it crashed.
  void KillForTest();

 private:
  struct Process {
    pid_t pid = 0;
    int fd = -1;
  };
  explicit RunnerClient(RunnerOptions options);

  absl::StatusOr<Process> Spawn() const;
  // Hello -> Info on a fresh process; fills info/abi when `first`, else checks they match.
  absl::Status Hello(Process& p, bool first);
  absl::Status Create(Process& p);
  absl::Status StartAndConfigure(Process& p);  // restart path: Hello + Create

  void Supervise();
  // Reads answers until the runner is lost or the client stops; returns why it was lost.
  std::string Serve(int fd);
  void RunnerLost(const std::string& why);
  bool SendFrame(int fd, const std::string& frame, Clock::time_point deadline);
  void KillLocked();
  std::string FailFastMessage(Clock::time_point now) const;  // requires mutex_

  RunnerOptions options_;
  std::string info_bytes_;
  AbiVersion abi_;
  std::string settings_json_;
  RunnerCalls calls_;
  int wake_[2] = {-1, -1};  // pipe: wakes the supervisor's poll to stop

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  RunnerState state_ = RunnerState::kStarting;
  Process process_;
  bool stopping_ = false;
  std::string kill_reason_;  // set when we killed the runner on purpose
  CircuitBreaker breaker_;
  std::string last_crash_;
  Clock::time_point next_start_{};
  uint64_t crashes_ = 0;
  uint64_t restarts_ = 0;
  std::unordered_map<uint64_t, int> crash_counts_;  // fingerprint -> crashes it was in flight for
  std::mutex write_mutex_;
  std::thread supervisor_;
};

// Describes a waitpid status: "killed by signal 11 (SIGSEGV)", "exited with code 3".
std::string DescribeExit(int wait_status);
// The poison-request fingerprint of request bytes (FNV-1a, 64 bits).
uint64_t RequestFingerprint(std::string_view bytes);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_RUNNER_CLIENT_H_
