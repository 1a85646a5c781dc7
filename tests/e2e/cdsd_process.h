// Runs the real cdsd binary as a child process for end-to-end tests: waits until it is serving
// (--ready-file), and stops it with a signal, reporting how it exited.
#ifndef CDSD_TESTS_E2E_CDSD_PROCESS_H_
#define CDSD_TESTS_E2E_CDSD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cdsd::testing {

class CdsdProcess {
 public:
  // Starts `cdsd --config config --listen 127.0.0.1:0 --ready-file ... --admin-socket ...`.
  CdsdProcess(const std::filesystem::path& config, const std::filesystem::path& work_dir,
              int shutdown_grace_ms = 3000);
  ~CdsdProcess();

  bool serving() const { return !address_.empty(); }
  const std::string& address() const { return address_; }
  std::filesystem::path admin_socket() const { return work_dir_ / "admin.sock"; }
  std::filesystem::path log_path() const { return work_dir_ / "cdsd.log"; }
  std::string Log() const;

  // Sends `signal` and waits up to `timeout`; the exit code, or nullopt if it did not exit.
  std::optional<int> Stop(int signal, std::chrono::milliseconds timeout);
  void Signal(int signal) const;

 private:
  std::filesystem::path work_dir_;
  pid_t pid_ = -1;
  std::string address_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
// Runs a shell command, capturing its output.
CommandResult RunCommand(const std::string& command);

std::string CdsdBinary();
std::string CdsctlBinary();

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_E2E_CDSD_PROCESS_H_
