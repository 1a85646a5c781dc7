#include "plugin/runner_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "observability/logging.h"
#include "plugin/runner_protocol.h"

extern char** environ;

namespace cdsd {
namespace {

using runner::FrameKind;

constexpr int kRunnerFd = 3;  // the runner's end of the socket, in the runner
constexpr size_t kMaxPoisonEntries = 4096;

int MillisLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(left.count(), 1 << 30));
}

// Reads until one whole frame arrives or the deadline passes (handshake only).
absl::StatusOr<runner::Frame> ReadFrame(int fd, runner::FrameDecoder& decoder,
                                         std::chrono::steady_clock::time_point deadline) {
  char buffer[64 << 10];
  while (true) {
    auto next = decoder.Next();
    if (!next.ok()) return next.status();
    if (*next) return std::move(**next);
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return absl::DeadlineExceededError("the plugin runner did not answer in time");
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return absl::UnavailableError("the plugin runner closed the socket");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return absl::UnavailableError(std::string("reading from the plugin runner: ") + std::strerror(errno));
    }
    decoder.Append(buffer, static_cast<size_t>(n));
  }
}

bool WriteAll(int fd, std::string_view bytes, std::chrono::steady_clock::time_point deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      const int ready = ::poll(&p, 1, MillisLeft(deadline));
      if (ready == 0) return false;
      if (ready > 0 && (p.revents & (POLLERR | POLLHUP))) return false;
      continue;
    }
    return false;
  }
  return true;
}

std::string UtcText(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string Hex(uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

const char* RunnerStateName(RunnerState state) {
  switch (state) {
    case RunnerState::kStarting: return "starting";
    case RunnerState::kRunning: return "running";
    case RunnerState::kRestarting: return "restarting";
    case RunnerState::kCircuitOpen: return "circuit-open";
    case RunnerState::kStopped: return "stopped";
  }
  return "unknown";
}

std::string DescribeExit(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + " (" + (name ? std::string("SIG") + name : "unknown") + ")";
  }
  if (WIFEXITED(wait_status)) return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  return "ended with wait status " + std::to_string(wait_status);
}

uint64_t RequestFingerprint(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

RunnerClient::RunnerClient(RunnerOptions options) : options_(std::move(options)), breaker_(options_.breaker) {
  if (!options_.stats) options_.stats = std::make_shared<ServiceStats>();
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
}

absl::StatusOr<std::unique_ptr<RunnerClient>> RunnerClient::Launch(RunnerOptions options) {
  std::unique_ptr<RunnerClient> client(new RunnerClient(std::move(options)));
  if (client->wake_[0] < 0) return absl::UnavailableError("cannot create a pipe for the plugin runner");
  auto process = client->Spawn();
  if (!process.ok()) return process.status();
  {
    std::lock_guard lock(client->mutex_);
    client->process_ = *process;
  }
  if (absl::Status hello = client->Hello(client->process_, true); !hello.ok()) return hello;
  return client;
}

absl::StatusOr<RunnerClient::Process> RunnerClient::Spawn() const {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return absl::UnavailableError(std::string("socketpair: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 onto fd 3 clears close-on-exec there; every other descriptor of ours is close-on-exec.
  posix_spawn_file_actions_adddup2(&actions, sv[1], kRunnerFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // cdsd blocks SIGHUP/SIGTERM/SIGINT for sigtimedwait: the runner gets a clean mask and default
  // dispositions, so its crashes are real crashes.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const std::string path = options_.runner_path.string();
  const std::string fd = std::to_string(kRunnerFd);
  const std::string threads = std::to_string(std::max(1, options_.threads));
  const std::string memory = std::to_string(options_.memory_limit_mb);
  std::vector<std::string> args = {path, "--fd", fd, "--threads", threads, "--memory-limit-mb", memory,
                                   "--service", options_.service_id};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return absl::FailedPreconditionError("cannot start the plugin runner " + path + ": " + std::strerror(rc) +
                                         " (set plugin_runners.runner_path)");
  }
  ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  return Process{pid, sv[0]};
}

absl::Status RunnerClient::Hello(Process& p, bool first) {
  const auto deadline = Clock::now() + options_.start_timeout;
  const std::string version = std::to_string(runner::kProtocolVersion);
  const std::string path = options_.plugin_path.string();
  const std::string hello =
      runner::EncodeFrame(FrameKind::kHello, 0, runner::EncodeFields({version, path, options_.sha256}));
  if (!WriteAll(p.fd, hello, deadline)) return absl::UnavailableError("cannot send the handshake to the plugin runner");
  runner::FrameDecoder decoder(options_.max_payload ? options_.max_payload : runner::kDefaultMaxPayload);
  auto frame = ReadFrame(p.fd, decoder, deadline);
  if (!frame.ok()) return absl::UnavailableError("plugin runner handshake: " + std::string(frame.status().message()));
  if (frame->kind == FrameKind::kFailed) {
    auto fields = runner::DecodeFields(frame->payload, 1);
    return absl::FailedPreconditionError(fields.ok() ? std::string((*fields)[0]) : "the plugin runner refused to load it");
  }
  if (frame->kind != FrameKind::kInfo) return absl::DataLossError("plugin runner handshake: expected its plugin info");
  auto fields = runner::DecodeFields(frame->payload, 3);
  if (!fields.ok()) return absl::DataLossError("plugin runner handshake: " + std::string(fields.status().message()));
  if ((*fields)[0] != version) {
    return absl::FailedPreconditionError("the plugin runner speaks protocol version " + std::string((*fields)[0]) +
                                         ", cdsd speaks " + version + " (install the runner shipped with this cdsd)");
  }
  AbiVersion abi;
  if (std::sscanf(std::string((*fields)[1]).c_str(), "%u.%u", &abi.major, &abi.minor) != 2) {
    return absl::DataLossError("plugin runner handshake: malformed ABI version");
  }
  if (first) {
    info_bytes_ = std::string((*fields)[2]);
    abi_ = abi;
  } else if (info_bytes_ != (*fields)[2]) {
    return absl::FailedPreconditionError("the plugin file changed since it was loaded; reload cdsd to use it");
  }
  return absl::OkStatus();
}

absl::Status RunnerClient::Create(Process& p) {
  const auto deadline = Clock::now() + options_.start_timeout;
  const std::string frame = runner::EncodeFrame(FrameKind::kCreate, 0, runner::EncodeFields({settings_json_}));
  if (!WriteAll(p.fd, frame, deadline)) return absl::UnavailableError("cannot send the settings to the plugin runner");
  runner::FrameDecoder decoder(options_.max_payload ? options_.max_payload : runner::kDefaultMaxPayload);
  auto reply = ReadFrame(p.fd, decoder, deadline);
  if (!reply.ok()) return absl::UnavailableError("plugin runner create: " + std::string(reply.status().message()));
  if (reply->kind == FrameKind::kFailed) {
    auto fields = runner::DecodeFields(reply->payload, 1);
    return absl::FailedPreconditionError(fields.ok() ? std::string((*fields)[0]) : "the plugin refused its settings");
  }
  if (reply->kind != FrameKind::kReady || !reply->payload.empty()) {
    return absl::DataLossError("plugin runner create: expected ready");
  }
  return absl::OkStatus();
}

absl::Status RunnerClient::StartAndConfigure(Process& p) {
  auto spawned = Spawn();
  if (!spawned.ok()) return spawned.status();
  p = *spawned;
  if (absl::Status s = Hello(p, false); !s.ok()) return s;
  return Create(p);
}

absl::Status RunnerClient::Configure(std::string settings_json) {
  settings_json_ = std::move(settings_json);
  if (absl::Status s = Create(process_); !s.ok()) return s;
  {
    std::lock_guard lock(mutex_);
    state_ = RunnerState::kRunning;
  }
  supervisor_ = std::thread([this] { Supervise(); });
  return absl::OkStatus();
}

RunnerClient::~RunnerClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    state_ = RunnerState::kStopped;
  }
  changed_.notify_all();
  if (wake_[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_[1], &byte, 1);
  }
  if (supervisor_.joinable()) supervisor_.join();
  Process p;
  {
    std::lock_guard write(write_mutex_);
    std::lock_guard lock(mutex_);
    p = process_;
    process_ = {};
  }
  if (p.fd >= 0) ::close(p.fd);  // EOF: the runner exits on its own
  if (p.pid > 0) {
    int status = 0;
    for (int i = 0; i < 20 && ::waitpid(p.pid, &status, WNOHANG) == 0; ++i) ::usleep(5000);
    if (::waitpid(p.pid, &status, WNOHANG) == 0) {
      ::kill(p.pid, SIGKILL);
      ::waitpid(p.pid, &status, 0);
    }
  }
  calls_.RunnerLost("the plugin runner was stopped (reload or shutdown)");
  if (wake_[0] >= 0) ::close(wake_[0]);
  if (wake_[1] >= 0) ::close(wake_[1]);
}

void RunnerClient::KillLocked() {
  if (process_.pid > 0) ::kill(process_.pid, SIGKILL);
}

void RunnerClient::KillForTest() {
  std::lock_guard lock(mutex_);
  KillLocked();
}

std::string RunnerClient::Serve(int fd) {
  runner::FrameDecoder decoder(options_.max_payload ? options_.max_payload : runner::kDefaultMaxPayload);
  std::string buffer(64 << 10, '\0');
  while (true) {
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    const int ready = ::poll(p, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return std::string("poll: ") + std::strerror(errno);
    }
    if (p[1].revents) return "";  // stopping
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) return "closed its socket";
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::string("read: ") + std::strerror(errno);
    }
    decoder.Append(buffer.data(), static_cast<size_t>(n));
    while (true) {
      auto next = decoder.Next();
      if (!next.ok()) return "sent an invalid frame (" + std::string(next.status().message()) + ")";
      if (!*next) break;
      runner::Frame& frame = **next;
      if (frame.kind != FrameKind::kResult) return "sent an unexpected frame after the handshake";
      auto fields = runner::DecodeFields(frame.payload, 3);
      std::optional<uint32_t> status = fields.ok() ? runner::DecodeStatus((*fields)[0]) : std::nullopt;
      if (!status) return "sent a malformed result frame";
      if (!calls_.Answer(frame.request_id, *status, std::string((*fields)[1]), std::string((*fields)[2])) &&
          !calls_.Issued(frame.request_id)) {
        return "answered request id " + std::to_string(frame.request_id) + " that was never sent";
      }
      std::lock_guard lock(mutex_);
      breaker_.RecordSuccess();
    }
  }
}

void RunnerClient::RunnerLost(const std::string& why) {
  Process p;
  std::string kill_reason;
  {
    std::lock_guard write(write_mutex_);  // no writer is inside the socket we close
    std::lock_guard lock(mutex_);
    p = process_;
    if (p.pid > 0) ::kill(p.pid, SIGKILL);  // a runner that sent garbage may still be alive
    process_ = {};
    kill_reason = std::move(kill_reason_);
    kill_reason_.clear();
    if (p.fd >= 0) ::close(p.fd);
  }
  int status = 0;
  if (p.pid > 0) ::waitpid(p.pid, &status, 0);
  std::string reason;
  if (!kill_reason.empty()) reason = "was killed: " + kill_reason;
  else if (why == "closed its socket") reason = DescribeExit(status);
  else reason = why + "; killed";
  const std::string message = "plugin runner " + reason;
  const auto now = Clock::now();
  nlohmann::json evaluation_ids = nlohmann::json::array();
  std::string breaker;
  std::vector<std::shared_ptr<RunnerCalls::Call>> lost;
  {
    // The state, the breaker and the poison counts change before any waiting call is failed,
    // so a caller that retries at once already sees them.
    std::lock_guard lock(mutex_);
    ++crashes_;
    options_.stats->runner_crashes.fetch_add(1, std::memory_order_relaxed);
    last_crash_ = reason;
    if (breaker_.RecordCrash(now) == CircuitBreaker::State::kOpen) {
      state_ = RunnerState::kCircuitOpen;
      next_start_ = breaker_.open_until();
    } else {
      state_ = RunnerState::kRestarting;
      next_start_ = now + breaker_.RestartDelay();
    }
    breaker = BreakerStateName(breaker_.state());
    lost = calls_.RunnerLost(message + " during this call", [this](const RunnerCalls::Call& call) {
      if (crash_counts_.size() >= kMaxPoisonEntries) crash_counts_.clear();
      ++crash_counts_[call.fingerprint];
    });
    for (const auto& call : lost) {
      if (evaluation_ids.size() < 8) evaluation_ids.push_back(call->evaluation_id);
    }
  }
  changed_.notify_all();
  LogEvent(LogLevel::kError, "plugin_runner_crashed",
           {{"service_id", options_.service_id}, {"pid", p.pid}, {"reason", reason},
            {"calls_failed", lost.size()}, {"evaluation_ids", evaluation_ids}, {"breaker", breaker}});
}

void RunnerClient::Supervise() {
  while (true) {
    int fd;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      fd = process_.fd;
    }
    const std::string why = Serve(fd);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    RunnerLost(why);
    while (true) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, next_start_, [this] { return stopping_; });
        if (stopping_) return;
        if (Clock::now() < next_start_) continue;
        if (!breaker_.AllowStart(Clock::now())) {
          next_start_ = breaker_.open_until();
          continue;
        }
        state_ = RunnerState::kStarting;
      }
      Process p;
      const absl::Status started = StartAndConfigure(p);
      std::unique_lock lock(mutex_);
      if (started.ok() && !stopping_) {
        process_ = p;
        ++restarts_;
        options_.stats->runner_restarts.fetch_add(1, std::memory_order_relaxed);
        state_ = RunnerState::kRunning;
        const char* breaker = BreakerStateName(breaker_.state());
        lock.unlock();
        changed_.notify_all();  // calls waiting for the restart go ahead
        LogEvent(LogLevel::kWarn, "plugin_runner_restarted",
                 {{"service_id", options_.service_id}, {"pid", p.pid}, {"breaker", breaker}});
        break;
      }
      if (p.fd >= 0) ::close(p.fd);
      if (p.pid > 0) {
        ::kill(p.pid, SIGKILL);
        int status = 0;
        ::waitpid(p.pid, &status, 0);
      }
      if (stopping_) return;
      // A runner that cannot start counts as a crash: a plugin that dies in create keeps the
      // breaker's count going.
      const std::string reason = "could not be restarted: " + std::string(started.message());
      ++crashes_;
      options_.stats->runner_crashes.fetch_add(1, std::memory_order_relaxed);
      last_crash_ = reason;
      const auto now = Clock::now();
      if (breaker_.RecordCrash(now) == CircuitBreaker::State::kOpen) {
        state_ = RunnerState::kCircuitOpen;
        next_start_ = breaker_.open_until();
      } else {
        state_ = RunnerState::kRestarting;
        next_start_ = now + breaker_.RestartDelay();
      }
      const char* breaker = BreakerStateName(breaker_.state());
      lock.unlock();
      changed_.notify_all();  // an open circuit fails waiting calls at once
      LogEvent(LogLevel::kError, "plugin_runner_crashed",
               {{"service_id", options_.service_id}, {"pid", p.pid}, {"reason", reason}, {"calls_failed", 0},
                {"evaluation_ids", nlohmann::json::array()}, {"breaker", breaker}});
    }
  }
}

std::string RunnerClient::FailFastMessage(Clock::time_point now) const {
  switch (state_) {
    case RunnerState::kCircuitOpen: {
      const auto until = std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(breaker_.open_until() - now);
      return "circuit open until " + UtcText(until) + ": the plugin runner crashed " +
             std::to_string(options_.breaker.max_crashes) + " times within " +
             std::to_string(options_.breaker.crash_window.count()) + " s (last: " + last_crash_ +
             "); calls fail fast until then or a reload";
    }
    case RunnerState::kRestarting: {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_start_ - now).count();
      return "plugin runner is restarting (last crash: " + last_crash_ + "); next start in " +
             std::to_string(std::max<int64_t>(0, left)) + " ms";
    }
    case RunnerState::kStarting:
      return "plugin runner is starting" + (last_crash_.empty() ? std::string() : " (last crash: " + last_crash_ + ")");
    case RunnerState::kStopped: return "plugin runner stopped";
    case RunnerState::kRunning: break;
  }
  return "plugin runner not available";
}

RunnerAnswer RunnerClient::Evaluate(std::string_view request, Clock::time_point deadline, uint64_t fingerprint,
                                    std::string_view evaluation_id) {
  RunnerAnswer answer;
  answer.runner_failure = true;  // until an answer arrives
  // A deadline this far out is no deadline (condition variables cannot wait until max()).
  deadline = std::min(deadline, Clock::now() + std::chrono::hours(1));
  pid_t pid;
  {
    std::unique_lock lock(mutex_);
    // A runner being restarted is waited for, up to the call's deadline: a restart takes tens of
    // milliseconds, a deadline usually hundreds. An open circuit fails at once.
    changed_.wait_until(lock, deadline, [this] {
      return stopping_ || state_ == RunnerState::kRunning || state_ == RunnerState::kCircuitOpen;
    });
    auto poisoned = crash_counts_.find(fingerprint);
    if (poisoned != crash_counts_.end() && poisoned->second >= options_.poison_crashes) {
      options_.stats->poison_refused.fetch_add(1, std::memory_order_relaxed);
      answer.error = "request refused without calling the plugin: it was in flight when the plugin runner crashed " +
                     std::to_string(poisoned->second) + " times (poison-request protection, fingerprint " +
                     Hex(fingerprint) + ")";
      return answer;
    }
    if (state_ != RunnerState::kRunning) {
      answer.error = FailFastMessage(Clock::now());
      return answer;
    }
    pid = process_.pid;
  }
  auto call = calls_.Add(fingerprint, std::string(evaluation_id));
  const std::string frame = runner::EncodeFrame(FrameKind::kEvaluate, call->id, request);
  bool sent = false;
  {
    std::lock_guard write(write_mutex_);
    int fd;
    {
      std::lock_guard lock(mutex_);
      fd = process_.pid == pid ? process_.fd : -1;
    }
    sent = fd >= 0 && WriteAll(fd, frame, deadline);
  }
  if (!sent) calls_.Abandon(*call, "the request could not be sent to the plugin runner");
  const RunnerCalls::Outcome outcome = calls_.Wait(*call, deadline);
  switch (outcome) {
    case RunnerCalls::Outcome::kAnswered:
      answer.runner_failure = false;
      answer.status = call->status;
      answer.response = std::move(call->response);
      answer.error = std::move(call->error);
      return answer;
    case RunnerCalls::Outcome::kLost:
      answer.error = call->error;
      return answer;
    case RunnerCalls::Outcome::kTimedOut:
    case RunnerCalls::Outcome::kWaiting:
      break;
  }
  // A call past its deadline holds a runner thread that may never come back: kill the runner
  // (the supervisor restarts it) rather than let stuck calls pile up inside it.
  answer.deadline_passed = true;
  answer.error = "no answer before the deadline; the plugin runner was killed and will be restarted";
  std::lock_guard lock(mutex_);
  if (process_.pid == pid && pid > 0) {
    if (kill_reason_.empty()) kill_reason_ = "a call passed its deadline without an answer (hung)";
    state_ = RunnerState::kRestarting;  // new calls fail fast until the supervisor has replaced it
    last_crash_ = "was killed: " + kill_reason_;
    next_start_ = Clock::now();
    if (crash_counts_.size() >= kMaxPoisonEntries) crash_counts_.clear();
    ++crash_counts_[fingerprint];
    KillLocked();
  }
  return answer;
}

RunnerStatus RunnerClient::status() const {
  std::lock_guard lock(mutex_);
  RunnerStatus s;
  s.state = state_;
  s.pid = process_.pid;
  s.crashes = crashes_;
  s.restarts = restarts_;
  s.last_crash = last_crash_;
  s.breaker = BreakerStateName(breaker_.state());
  return s;
}

}  // namespace cdsd
