#include "cdsd_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace cdsd::testing {

std::string CdsdBinary() { return std::string(CDS_BINARY_DIR) + "/host/cdsd"; }
std::string CdsctlBinary() { return std::string(CDS_BINARY_DIR) + "/tools/cdsctl/cdsctl"; }

CdsdProcess::CdsdProcess(const std::filesystem::path& config, const std::filesystem::path& work_dir,
                         int shutdown_grace_ms)
    : work_dir_(work_dir) {
  const std::string grace = std::to_string(shutdown_grace_ms);
  const auto ready = work_dir_ / "ready";
  std::filesystem::remove(ready);
  const std::string log = log_path().string();
  const std::string binary = CdsdBinary();
  const std::string config_arg = config.string();
  const std::string ready_arg = ready.string();
  const std::string admin_arg = admin_socket().string();
  pid_ = fork();
  if (pid_ == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stderr);
    (void)out;
    dup2(fileno(stderr), fileno(stdout));
    execl(binary.c_str(), binary.c_str(), "--config", config_arg.c_str(), "--listen", "127.0.0.1:0",
          "--ready-file", ready_arg.c_str(), "--admin-socket", admin_arg.c_str(), "--shutdown-grace-ms", grace.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(ready);
    std::string line;
    if (in && std::getline(in, line) && !line.empty()) {
      address_ = line;
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

CdsdProcess::~CdsdProcess() {
  if (pid_ > 0 && !Stop(SIGTERM, std::chrono::seconds(5))) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void CdsdProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

std::optional<int> CdsdProcess::Stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string CdsdProcess::Log() const {
  std::ifstream in(log_path());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace cdsd::testing
