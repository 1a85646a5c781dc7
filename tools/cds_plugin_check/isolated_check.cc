// The child writes newline-terminated JSON records to a pipe: {"activity": "..."} before each
// risky step and {"result": {...}} once at the end. The parent keeps the last activity to explain
// a crash or a timeout.
#include "isolated_check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>

namespace cds_plugin_check {
namespace {

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

void WriteRecord(int fd, const nlohmann::json& record) { WriteAll(fd, record.dump() + "\n"); }

[[noreturn]] void RunChild(int fd, const std::string& name, const IsolatedCheck& check) {
  CheckResult result;
  try {
    result = check(Activity(fd));
  } catch (const std::exception& e) {
    result = CheckResult::Fail(name, std::string("the checker failed: ") + e.what());
  }
  WriteRecord(fd, {{"result", result.ToJson()}});
  ::close(fd);
  // Skip atexit handlers and static destructors: they belong to the parent's process image.
  ::_exit(0);
}

std::string SignalName(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

}  // namespace

void Activity::Note(std::string_view what) const { WriteRecord(fd_, {{"activity", what}}); }

CheckResult RunIsolated(const std::string& name, std::chrono::seconds timeout,
                        const IsolatedCheck& check) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return CheckResult::Fail(name, std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  // Buffered output would be written twice, once by each process.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return CheckResult::Fail(name, std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    RunChild(fds[1], name, check);
  }
  ::close(fds[1]);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buffer;
  std::string last_activity;
  std::optional<CheckResult> result;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t eol; (eol = buffer.find('\n')) != std::string::npos; buffer.erase(0, eol + 1)) {
      const nlohmann::json record = nlohmann::json::parse(buffer.substr(0, eol), nullptr, false);
      if (record.contains("activity")) last_activity = record["activity"].get<std::string>();
      if (record.contains("result")) result = CheckResult::FromJson(record["result"]);
    }
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  const std::string during = last_activity.empty() ? "" : " during " + last_activity;
  if (timed_out) {
    return CheckResult::Fail(name, "did not finish within " + std::to_string(timeout.count()) +
                                       " s" + during + " (a hung or very slow plugin)");
  }
  if (WIFSIGNALED(status)) {
    return CheckResult::Fail(name, "the plugin crashed the process with " +
                                       SignalName(WTERMSIG(status)) + during);
  }
  if (!result) {
    return CheckResult::Fail(name, "the process exited with status " +
                                       std::to_string(WEXITSTATUS(status)) + during +
                                       " (a plugin must never exit the process)");
  }
  return *result;
}

}  // namespace cds_plugin_check
