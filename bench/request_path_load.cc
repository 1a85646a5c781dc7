// Bounded load tests of the request path against the real cdsd binary on loopback, printing the
// numbers asked for in issue 14 (each scenario stops by itself; nothing here is a timed test):
//   deadline   100k calls with a 2 ms client deadline: cdsd's thread count and VmSize stay flat
//   hung       a hung plugin next to a healthy one, 100 in flight: share of healthy results OK
//   utf8       a plugin failing with invalid UTF-8 next to a healthy one: healthy cards arrive
//   overwrite  the loaded .so is overwritten in place (and reloaded) under load: crashes
//   idle       2,000 idle connections, then new calls: how many are served
//   cdsd_request_path_load [--scenario all|deadline|hung|utf8|overwrite|idle] [--seconds S]
#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <cds/v1/decision_support.grpc.pb.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace {

namespace fs = std::filesystem;

// cdsd as a child process, started with a 1,024 open-file soft limit (the usual default) so the
// idle-connection scenario shows cdsd raising its own limit.
class Cdsd {
 public:
  Cdsd(const fs::path& config, const fs::path& dir) {
    const fs::path ready = dir / "cdsd.ready";
    fs::remove(ready);
    pid_ = fork();
    if (pid_ == 0) {
      rlimit limit{};
      getrlimit(RLIMIT_NOFILE, &limit);
      limit.rlim_cur = std::min<rlim_t>(1024, limit.rlim_max);
      setrlimit(RLIMIT_NOFILE, &limit);
      const std::string binary = std::string(CDS_BINARY_DIR) + "/host/cdsd";
      FILE* log = std::freopen((dir / "cdsd.log").c_str(), "w", stderr);
      (void)log;
      execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), "--ready-file", ready.c_str(),
            "--shutdown-grace-ms", "1000", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 500 && address_.empty(); ++i) {
      std::ifstream in(ready);
      std::getline(in, address_);
      if (address_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Cdsd() { Stop(); }
  // SIGTERM and wait; returns the wait status (or the one seen earlier).
  int Stop() {
    if (!exited_) {
      kill(pid_, SIGTERM);
      waitpid(pid_, &status_, 0);
      exited_ = true;
    }
    return status_;
  }
  // True while the process is running (it has not crashed or exited).
  bool Alive() {
    if (exited_) return false;
    if (waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }
  long StatusField(const std::string& key) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    }
    return -1;
  }
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string address_;
  bool exited_ = false;
  int status_ = 0;
};

std::string Describe(int wait_status) {
  if (WIFSIGNALED(wait_status)) return "killed by signal " + std::to_string(WTERMSIG(wait_status));
  if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
  return "?";
}

struct Service {
  std::string id;
  std::string library;
  int timeout_ms = 1000;
  std::string settings = "{}";
  fs::path path_override;
};

fs::path WriteConfig(const fs::path& dir, const std::vector<Service>& services) {
  const fs::path path = dir / "cdsd.yaml";
  std::ofstream config(path);
  config << "listen: 127.0.0.1:0\naudit: {path: " << (dir / "audit.sqlite").string()
         << ", durability: async}\nlogging: {level: error}\nplugins:\n";
  for (const Service& s : services) {
    const fs::path lib = s.path_override.empty() ? fs::path(CDS_TEST_PLUGIN_DIR) / s.library : s.path_override;
    config << "  - id: " << s.id << "\n    path: " << lib.string() << "\n    timeout_ms: " << s.timeout_ms
           << "\n    settings: " << s.settings << "\n";
  }
  return path;
}

cds::v1::EvaluateRequest Request() {
  cds::v1::EvaluateRequest request;
  request.set_hook("patient-view");
  request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  request.mutable_patient()->set_birth_date("1980-05-17");
  request.set_evaluation_date("2026-11-21");
  return request;
}

// Keeps `in_flight` calls outstanding until `total` calls were issued or `seconds` passed, and
// hands each finished call to `on_done` (called from gRPC threads, serialised by a mutex).
using OnDone = std::function<void(const grpc::Status&, const cds::v1::EvaluateResponse&)>;
void Drive(const std::string& address, int in_flight, uint64_t total, double seconds, std::chrono::milliseconds deadline,
           const OnDone& on_done, const std::function<void(uint64_t)>& progress = nullptr) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = cds::v1::DecisionSupport::NewStub(channel);
  const cds::v1::EvaluateRequest request = Request();
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::mutex mutex;
  std::condition_variable drained;
  uint64_t issued = 0, finished = 0;
  int outstanding = 0;
  struct Call {
    grpc::ClientContext context;
    cds::v1::EvaluateResponse response;
  };
  std::function<void()> issue = [&] {
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() + deadline);
    stub->async()->Evaluate(&call->context, &request, &call->response, [&, call](grpc::Status status) {
      bool again;
      {
        std::lock_guard lock(mutex);
        on_done(status, call->response);
        ++finished;
        if (progress) progress(finished);
        again = issued < total && std::chrono::steady_clock::now() < end;
        if (again) ++issued;
        else --outstanding;
      }
      delete call;
      if (again) issue();
      else drained.notify_all();
    });
  };
  {
    std::lock_guard lock(mutex);
    for (int i = 0; i < in_flight && issued < total; ++i, ++issued) ++outstanding;
  }
  for (int i = 0; i < outstanding; ++i) issue();
  std::unique_lock lock(mutex);
  drained.wait(lock, [&] { return outstanding == 0; });
}

const cds::v1::ServiceResult* ResultFor(const cds::v1::EvaluateResponse& r, const std::string& id) {
  for (const auto& s : r.service_results()) {
    if (s.service_id() == id) return &s;
  }
  return nullptr;
}

void PrintCodes(const std::map<int, uint64_t>& codes) {
  for (const auto& [code, count] : codes) std::cout << "    grpc status " << code << ": " << count << "\n";
}

int ShortDeadlines(const fs::path& dir, double) {
  Cdsd cdsd(WriteConfig(dir, {{"echo", "libcds_test_echo.so"}}), dir);
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  std::cout << "deadline: 100,000 calls, 2 ms client deadline, 100 in flight\n";
  std::cout << "    before:          threads " << cdsd.StatusField("Threads") << ", VmSize " << cdsd.StatusField("VmSize")
            << " kB, VmRSS " << cdsd.StatusField("VmRSS") << " kB\n";
  std::map<int, uint64_t> codes;
  Drive(cdsd.address(), 100, 100000, 600, std::chrono::milliseconds(2),
        [&](const grpc::Status& s, const cds::v1::EvaluateResponse&) { ++codes[s.error_code()]; },
        [&](uint64_t n) {
          if (n % 20000 == 0) {
            std::cout << "    after " << n << ": threads " << cdsd.StatusField("Threads") << ", VmSize "
                      << cdsd.StatusField("VmSize") << " kB, VmRSS " << cdsd.StatusField("VmRSS") << " kB\n";
          }
        });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::cout << "    1 s after:       threads " << cdsd.StatusField("Threads") << ", VmSize " << cdsd.StatusField("VmSize")
            << " kB, VmRSS " << cdsd.StatusField("VmRSS") << " kB\n";
  PrintCodes(codes);
  const bool alive = cdsd.Alive();
  std::cout << "    cdsd " << (alive ? "still running" : "DIED") << "\n";
  return alive ? 0 : 1;
}

int HungNextToHealthy(const fs::path& dir, double seconds) {
  Cdsd cdsd(WriteConfig(dir, {{"hung", "libcds_test_sleeps.so", 100, "{sleep_ms: 30000}"},
                              {"healthy", "libcds_test_echo.so", 1000}}),
            dir);
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  uint64_t calls = 0, healthy_ok = 0;
  std::map<std::string, uint64_t> hung_outcomes;
  std::map<int, uint64_t> codes;
  Drive(cdsd.address(), 100, UINT64_MAX, seconds, std::chrono::milliseconds(2000),
        [&](const grpc::Status& s, const cds::v1::EvaluateResponse& r) {
          ++calls;
          ++codes[s.error_code()];
          const auto* healthy = ResultFor(r, "healthy");
          if (s.ok() && healthy && healthy->status() == cds::v1::SERVICE_STATUS_OK && r.cards_size() >= 1) ++healthy_ok;
          if (const auto* hung = ResultFor(r, "hung")) ++hung_outcomes[cds::v1::ServiceStatus_Name(hung->status())];
        });
  std::cout << "hung: hung plugin (30 s sleep, 100 ms timeout) next to a healthy one, 100 in flight, " << seconds
            << " s\n    calls " << calls << ", healthy OK " << healthy_ok << " ("
            << (calls ? 100.0 * healthy_ok / calls : 0) << " %), threads " << cdsd.StatusField("Threads") << "\n";
  for (const auto& [name, n] : hung_outcomes) std::cout << "    hung service " << name << ": " << n << "\n";
  PrintCodes(codes);
  const int status = cdsd.Stop();
  std::cout << "    cdsd stopped with a hung call inside: " << Describe(status) << "\n";
  return calls && healthy_ok * 100 >= calls * 99 ? 0 : 1;
}

int BadUtf8NextToHealthy(const fs::path& dir, double seconds) {
  Cdsd cdsd(WriteConfig(dir, {{"bad", "libcds_test_bad_utf8.so"}, {"healthy", "libcds_test_echo.so"}}), dir);
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  uint64_t calls = 0, with_healthy_card = 0;
  std::map<int, uint64_t> codes;
  Drive(cdsd.address(), 100, UINT64_MAX, seconds, std::chrono::milliseconds(2000),
        [&](const grpc::Status& s, const cds::v1::EvaluateResponse& r) {
          ++calls;
          ++codes[s.error_code()];
          if (s.ok() && r.cards_size() == 1 && r.cards(0).service_id() == "healthy") ++with_healthy_card;
        });
  std::cout << "utf8: bad-UTF-8 error plugin next to a healthy one, 100 in flight, " << seconds << " s\n    calls "
            << calls << ", responses with the healthy card " << with_healthy_card << "\n";
  PrintCodes(codes);
  return calls && with_healthy_card == calls ? 0 : 1;
}

int OverwriteUnderLoad(const fs::path& dir, double seconds) {
  const fs::path installed = dir / "libecho_installed.so";
  const fs::path v1 = fs::path(CDS_TEST_PLUGIN_DIR) / "libcds_test_echo.so";
  const fs::path v2 = fs::path(CDS_TEST_PLUGIN_DIR) / "libcds_test_echo_v2.so";
  fs::copy_file(v1, installed, fs::copy_options::overwrite_existing);
  Service echo{"echo", "", 1000};
  echo.path_override = installed;
  Cdsd cdsd(WriteConfig(dir, {echo}), dir);
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  std::atomic<bool> stop{false};
  int overwrites = 0;
  std::thread writer([&] {
    for (bool second = true; !stop; second = !second) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      fs::copy_file(second ? v2 : v1, installed, fs::copy_options::overwrite_existing);  // in place, like cp
      ++overwrites;
      if (overwrites % 3 == 0) kill(cdsd.pid(), SIGHUP);  // and now and then a reload picks it up
    }
  });
  uint64_t calls = 0, ok = 0;
  std::map<std::string, uint64_t> versions;
  Drive(cdsd.address(), 100, UINT64_MAX, seconds, std::chrono::milliseconds(2000),
        [&](const grpc::Status& s, const cds::v1::EvaluateResponse& r) {
          ++calls;
          if (s.ok()) ++ok;
          if (r.cards_size() > 0) ++versions[r.cards(0).plugin_version()];
        });
  stop = true;
  writer.join();
  const bool alive = cdsd.Alive();
  std::cout << "overwrite: loaded .so overwritten in place " << overwrites << " times under 100 in flight, " << seconds
            << " s\n    calls " << calls << ", OK " << ok << ", crashes " << (alive ? 0 : 1) << "\n";
  for (const auto& [version, n] : versions) std::cout << "    answered by plugin version " << version << ": " << n << "\n";
  return alive && ok == calls ? 0 : 1;
}

int IdleConnections(const fs::path& dir, double) {
  Cdsd cdsd(WriteConfig(dir, {{"echo", "libcds_test_echo.so"}}), dir);
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  const int port = std::stoi(cdsd.address().substr(cdsd.address().rfind(':') + 1));
  std::vector<int> sockets;
  for (int i = 0; i < 2000; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      if (fd >= 0) close(fd);
      break;
    }
    sockets.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // let the server accept them all
  uint64_t ok = 0, calls = 0;
  Drive(cdsd.address(), 10, 100, 30, std::chrono::milliseconds(5000),
        [&](const grpc::Status& s, const cds::v1::EvaluateResponse&) {
          ++calls;
          if (s.ok()) ++ok;
        });
  std::cout << "idle: " << sockets.size() << " idle TCP connections held open (cdsd started with a 1,024 soft fd limit; "
            << "it has " << std::distance(fs::directory_iterator("/proc/" + std::to_string(cdsd.pid()) + "/fd"),
                                          fs::directory_iterator{})
            << " fds open)\n    then " << calls << " new calls: " << ok << " OK\n";
  for (int fd : sockets) close(fd);
  return ok == 100 && cdsd.Alive() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cdsd request-path load tests (issue 14)"};
  std::string scenario = "all";
  double seconds = 5;
  app.add_option("--scenario", scenario, "all, deadline, hung, utf8, overwrite or idle");
  app.add_option("--seconds", seconds, "Length of the timed scenarios")->check(CLI::Range(0.5, 300.0));
  CLI11_PARSE(app, argc, argv);

  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;  // the idle scenario holds 2,000 sockets
  setrlimit(RLIMIT_NOFILE, &limit);
  signal(SIGPIPE, SIG_IGN);

  const std::map<std::string, int (*)(const fs::path&, double)> scenarios = {
      {"deadline", ShortDeadlines}, {"hung", HungNextToHealthy}, {"utf8", BadUtf8NextToHealthy},
      {"overwrite", OverwriteUnderLoad}, {"idle", IdleConnections}};
  int failures = 0;
  for (const auto& [name, run] : scenarios) {
    if (scenario != "all" && scenario != name) continue;
    const fs::path dir = fs::temp_directory_path() / ("cdsd-request-path-" + std::to_string(getpid()) + "-" + name);
    fs::create_directories(dir);
    const int code = run(dir, seconds);
    std::cout << "    => " << (code == 0 ? "PASS" : "FAIL") << "\n";
    failures += code != 0;
    fs::remove_all(dir);
  }
  return failures == 0 ? 0 : 1;
}
