// Load generator: throughput and latency of cdsd (real binary, test plugins) against a bare gRPC
// server that answers the same response bytes without doing anything, on this machine.
//   cdsd_load_bench [--seconds S] [--services N]   compare both, at 1 and 100 requests in flight
//   cdsd_load_bench --target ADDR [--in-flight N]  drive an already running server (for profiling)
//   cdsd_load_bench --audit [--seconds S] [--large-seconds L] [--large-evaluations N]
//                                                   audit durability sync vs async, then
//                                                   the daemon's peak RSS and bytes per record over a long run
//   cdsd_load_bench --auth [--seconds S]            caller authentication off, RS384 and ES384
//                                                   side by side (each call a fresh, pre-minted token)
//   cdsd_load_bench --rest [--seconds S]            the CDS Hooks REST door next to gRPC, same cdsd,
//                                                   same service, at 1 and 100 in flight
//   cdsd_load_bench --serve-bare RESPONSE --ready-file F   (internal: the bare server)
#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <cds/v1/decision_support.grpc.pb.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <algorithm>
#include "security/token_minter.h"

namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bare server: parses the request and answers a fixed response, nothing else.
class BareService final : public cds::v1::DecisionSupport::CallbackService {
 public:
  explicit BareService(cds::v1::EvaluateResponse response) : response_(std::move(response)) {}
  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* rpc, const cds::v1::EvaluateRequest*,
                                     cds::v1::EvaluateResponse* response) override {
    *response = response_;
    auto* reactor = rpc->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const cds::v1::EvaluateResponse response_;
};

int ServeBare(const std::string& response_file, const std::string& ready_file) {
  cds::v1::EvaluateResponse response;
  if (!response.ParseFromString(ReadText(response_file))) return 2;
  BareService service(response);
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server) return 1;
  std::ofstream(ready_file) << "127.0.0.1:" << port << "\n";
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal = 0;
  sigwait(&set, &signal);
  server->Shutdown();
  return 0;
}

// A child process that prints its listen address into a ready file.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::string& ready_file) {
    std::filesystem::remove(ready_file);
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      FILE* log = std::freopen("/dev/null", "w", stderr);
      (void)log;
      execv(args[0], args.data());
      _exit(127);
    }
    for (int i = 0; i < 500 && address_.empty(); ++i) {
      std::ifstream in(ready_file);
      std::getline(in, address_);
      if (address_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Child() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string address_;
};

// Every call's latency, kept whole so percentiles are exact (the server's 1-2-5 histogram buckets
// are too coarse to compare two runs): 4 bytes a call, 4 MB for a million.
struct LatencySamples {
  std::vector<float> micros;
  double sum_micros = 0;
  uint64_t total = 0;
  void Record(double us) {
    micros.push_back(static_cast<float>(us));
    sum_micros += us;
    ++total;
  }
  // The q-quantile (nearest rank); 0 when empty.
  double Quantile(double q) const {
    if (micros.empty()) return 0;
    std::vector<float> sorted = micros;
    const size_t rank = std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank), sorted.end());
    return sorted[rank];
  }
};

struct LoadResult {
  double seconds = 0;
  uint64_t ok = 0;
  uint64_t failed = 0;
  LatencySamples latency;
};

// Bearer tokens handed out one per call; past the end a call goes without one (and is refused).
struct TokenSupply {
  std::vector<std::string> tokens;
  std::atomic<size_t> next{0};
};

// Keeps `in_flight` Evaluate calls outstanding for `seconds` using the callback client API.
LoadResult Drive(const std::string& address, const cds::v1::EvaluateRequest& request, int in_flight, double seconds,
                 TokenSupply* tokens = nullptr) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = cds::v1::DecisionSupport::NewStub(channel);
  LatencySamples samples;
  std::mutex samples_mutex;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ok{0}, failed{0};
  std::atomic<int> outstanding{0};
  std::mutex mutex;
  std::condition_variable drained;

  struct Call {
    grpc::ClientContext context;
    cds::v1::EvaluateResponse response;
    std::chrono::steady_clock::time_point start;
  };
  std::function<void()> issue = [&] {
    auto* call = new Call;
    call->start = std::chrono::steady_clock::now();
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (tokens != nullptr) {
      const size_t i = tokens->next.fetch_add(1);
      if (i < tokens->tokens.size()) call->context.AddMetadata("authorization", "Bearer " + tokens->tokens[i]);
    }
    outstanding.fetch_add(1);
    stub->async()->Evaluate(&call->context, &request, &call->response, [&, call](grpc::Status status) {
      {
        const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - call->start).count();
        std::lock_guard lock(samples_mutex);
        samples.Record(us);
      }
      (status.ok() ? ok : failed).fetch_add(1);
      delete call;
      if (!stop.load()) issue();
      if (outstanding.fetch_sub(1) == 1) {
        std::lock_guard lock(mutex);
        drained.notify_all();
      }
    });
  };
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < in_flight; ++i) issue();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  const auto end = std::chrono::steady_clock::now();
  {
    std::unique_lock lock(mutex);
    drained.wait(lock, [&] { return outstanding.load() == 0; });
  }
  LoadResult r;
  r.seconds = std::chrono::duration<double>(end - start).count();
  r.ok = ok;
  r.failed = failed;
  r.latency = std::move(samples);
  return r;
}

void Print(const std::string& name, int in_flight, const LoadResult& r) {
  const double mean = r.latency.total ? r.latency.sum_micros / r.latency.total : 0;
  std::cout << std::left << std::setw(22) << name << std::right << std::setw(10) << in_flight << std::setw(12)
            << std::fixed << std::setprecision(0) << r.ok / r.seconds << std::setw(11) << std::setprecision(1) << mean
            << std::setw(11) << r.latency.Quantile(0.5) << std::setw(11) << r.latency.Quantile(0.99) << std::setw(9)
            << r.failed << "\n";
}

// Keeps `in_flight` CDS Hooks calls outstanding for `seconds`: one keep-alive connection per
// call in flight (HTTP/1.1 answers in order, so a connection carries one call at a time).
LoadResult DriveRest(const std::string& address, const std::string& target, const std::string& body, int in_flight,
                     double seconds) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  LatencySamples samples;  // one io thread: no lock
  std::atomic<bool> stop{false};
  uint64_t ok = 0, failed = 0;
  const size_t colon = address.rfind(':');
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(address.substr(0, colon)),
                                                static_cast<unsigned short>(std::stoi(address.substr(colon + 1))));
  struct Connection {
    explicit Connection(boost::asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    std::chrono::steady_clock::time_point start;
  };
  std::vector<std::unique_ptr<Connection>> connections;
  std::function<void(Connection*)> issue = [&](Connection* c) {
    c->response = {};
    c->start = std::chrono::steady_clock::now();
    http::async_write(c->stream, c->request, [&, c](beast::error_code ec, size_t) {
      if (ec) return void(++failed);
      http::async_read(c->stream, c->buffer, c->response, [&, c](beast::error_code ec, size_t) {
        const double micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - c->start).count();
        samples.Record(micros);
        if (ec || c->response.result_int() != 200) {
          ++failed;
          if (ec) return;
        } else {
          ++ok;
        }
        if (!stop.load()) issue(c);
      });
    });
  };
  for (int i = 0; i < in_flight; ++i) {
    auto c = std::make_unique<Connection>(io);
    c->stream.connect(endpoint);
    c->request = {http::verb::post, target, 11};
    c->request.set(http::field::host, address);
    c->request.set(http::field::content_type, "application/json");
    c->request.body() = body;
    c->request.prepare_payload();
    connections.push_back(std::move(c));
  }
  const auto start = std::chrono::steady_clock::now();
  for (auto& c : connections) issue(c.get());
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
  });
  io.run();  // returns once every connection has finished its last call
  timer.join();
  LoadResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.ok = ok;
  r.failed = failed;
  r.latency = std::move(samples);
  return r;
}

// A loopback port that was free a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// A line of /proc/PID/status in kB, e.g. VmHWM (peak resident set) or VmRSS.
long StatusKb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

void WriteConfig(const std::filesystem::path& dir, int services, const std::string& audit_extra,
                 const std::string& extra_yaml = "") {
  std::ofstream config(dir / "cdsd.yaml");
  config << "listen: 127.0.0.1:0\naudit: {path: " << (dir / "audit.sqlite").string() << audit_extra
         << "}\nlogging: {level: warn}\n" << extra_yaml << "plugins:\n";
  for (int i = 0; i < services; ++i) {
    config << "  - id: echo-" << i << "\n    path: " << CDS_TEST_PLUGIN_DIR << "/libcds_test_echo.so\n    timeout_ms: 1000\n";
  }
}

// Sync and async audit durability side by side (fresh database each), then one long run in the
// default (sync) mode reporting the daemon's RSS and the database bytes per evaluation.
int CompareAudit(const std::filesystem::path& dir, const cds::v1::EvaluateRequest& request, int services,
                 double seconds, double large_seconds, uint64_t large_evaluations) {
  std::cout << std::left << std::setw(22) << "audit durability" << std::right << std::setw(10) << "in-flight"
            << std::setw(12) << "req/s" << std::setw(11) << "mean us" << std::setw(11) << "p50 us" << std::setw(11)
            << "p99 us" << std::setw(9) << "failed" << "\n";
  uint64_t failures = 0;
  for (const char* durability : {"sync", "async"}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    WriteConfig(dir, services, std::string(", durability: ") + durability);
    Child cdsd({std::string(CDS_BINARY_DIR) + "/host/cdsd", "--config", (dir / "cdsd.yaml").string(), "--ready-file",
                (dir / "cdsd.ready").string()},
               (dir / "cdsd.ready").string());
    if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
    for (int in_flight : {1, 100}) {
      Drive(cdsd.address(), request, in_flight, std::min(1.0, seconds));
      const LoadResult r = Drive(cdsd.address(), request, in_flight, seconds);
      Print(durability, in_flight, r);
      failures += r.failed;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteConfig(dir, services, "");
  Child cdsd({std::string(CDS_BINARY_DIR) + "/host/cdsd", "--config", (dir / "cdsd.yaml").string(), "--ready-file",
              (dir / "cdsd.ready").string()},
             (dir / "cdsd.ready").string());
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  const long start_kb = StatusKb(cdsd.pid(), "VmRSS");
  uint64_t total = 0;
  for (double done = 0; done < large_seconds && (large_evaluations == 0 || total < large_evaluations); done += 10) {
    const LoadResult r = Drive(cdsd.address(), request, 100, std::min(10.0, large_seconds - done));
    total += r.ok;
    failures += r.failed;
    std::cout << "long run (sync, 100 in flight): " << total << " evaluations, RSS " << StatusKb(cdsd.pid(), "VmRSS")
              << " kB, p99 " << std::setprecision(0) << r.latency.Quantile(0.99) << " us\n";
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(dir / "audit.sqlite", ec) + std::filesystem::file_size(dir / "audit.sqlite-wal", ec);
  std::cout << "RSS at start " << start_kb << " kB, peak " << StatusKb(cdsd.pid(), "VmHWM") << " kB after " << total
            << " evaluations; database " << bytes / std::max<uint64_t>(total, 1) << " bytes per evaluation\n";
  return failures == 0 ? 0 : 1;
}

// Mints `count` tokens on every core (RSA signing is slow; minting is not what is measured).
void Mint(const cdsd::testing::SigningKey& key, const std::string& iss, const std::string& aud, size_t count,
          TokenSupply& supply) {
  supply.tokens.assign(count, "");
  supply.next = 0;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> minters;
  for (unsigned t = 0; t < threads; ++t) {
    minters.emplace_back([&, t] {
      for (size_t i = t; i < count; i += threads) supply.tokens[i] = key.Sign({}, cdsd::testing::GoodClaims(iss, aud));
    });
  }
  for (auto& m : minters) m.join();
}

// The same cdsd (three echo services, audit on) without an auth section, then with RS384 and
// ES384 bearer tokens, at 1 and 100 in flight. Every call carries a token used once.
int CompareAuth(const std::filesystem::path& dir, const cds::v1::EvaluateRequest& request, int services,
                double seconds) {
  const std::string iss = "https://ehr.example.org", aud = "https://cds.example.org/cds-services";
  cdsd::testing::SigningKey rsa(cdsd::testing::SigningAlg::kRs384, "rsa-1");
  cdsd::testing::SigningKey ec(cdsd::testing::SigningAlg::kEs384, "ec-1");
  std::cout << std::left << std::setw(22) << "caller authentication" << std::right << std::setw(10) << "in-flight"
            << std::setw(12) << "req/s" << std::setw(11) << "mean us" << std::setw(11) << "p50 us" << std::setw(11)
            << "p99 us" << std::setw(9) << "failed" << "\n";
  uint64_t failures = 0;
  for (const char* mode : {"off", "RS384", "ES384"}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const cdsd::testing::SigningKey* key = std::string(mode) == "RS384" ? &rsa : std::string(mode) == "ES384" ? &ec : nullptr;
    std::string auth;
    if (key != nullptr) {
      cdsd::testing::WriteJwks(dir / "ehr.jwks", {key});
      auth = "auth: {audience: \"" + aud + "\", jti_cache_size: 10000000, issuers: [{iss: \"" + iss +
             "\", jwks_file: " + (dir / "ehr.jwks").string() + "}]}\n";
    }
    WriteConfig(dir, services, "", auth);
    Child cdsd({std::string(CDS_BINARY_DIR) + "/host/cdsd", "--config", (dir / "cdsd.yaml").string(), "--ready-file",
                (dir / "cdsd.ready").string()},
               (dir / "cdsd.ready").string());
    if (cdsd.address().empty()) return std::cerr << "cdsd did not start (" << mode << ")\n", 1;
    for (int in_flight : {1, 100}) {
      // Enough tokens for the measured rate of an unauthenticated cdsd, with room to spare.
      const size_t needed = static_cast<size_t>((in_flight == 1 ? 4000 : 12000) * (seconds + 0.5));
      TokenSupply supply;
      if (key != nullptr) Mint(*key, iss, aud, needed, supply);
      Drive(cdsd.address(), request, in_flight, 0.5, key ? &supply : nullptr);
      const LoadResult r = Drive(cdsd.address(), request, in_flight, seconds, key ? &supply : nullptr);
      Print(mode, in_flight, r);
      failures += r.failed;
      if (key != nullptr && supply.next.load() > supply.tokens.size()) {
        std::cout << "  (ran out of minted tokens: the failures are calls without one)\n";
      }
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

// The same evaluation through both doors of one cdsd: gRPC (protobuf) and CDS Hooks REST (JSON
// with a FHIR Patient in prefetch, mapped by the host), one echo service, audit on (sync).
int CompareRest(const std::filesystem::path& dir, double seconds) {
  const std::string rest_address = "127.0.0.1:" + std::to_string(FreePort());
  WriteConfig(dir, 1, "", "cds_hooks: {listen: " + rest_address + ", max_connections: 1000}\n");
  Child cdsd({std::string(CDS_BINARY_DIR) + "/host/cdsd", "--config", (dir / "cdsd.yaml").string(), "--ready-file",
              (dir / "cdsd.ready").string()},
             (dir / "cdsd.ready").string());
  if (cdsd.address().empty()) return std::cerr << "cdsd did not start\n", 1;
  cds::v1::EvaluateRequest request;
  request.set_hook("patient-view");
  request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  request.add_service_ids("echo-0");
  request.mutable_patient()->set_patient_id("bench-1");
  request.mutable_patient()->set_birth_date("1980-05-17");
  request.set_evaluation_date("2026-11-21");
  const nlohmann::json body = {
      {"hook", "patient-view"},
      {"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"},
      {"context", {{"patientId", "bench-1"}, {"userId", "Practitioner/1"}}},
      {"prefetch", {{"patient", {{"resourceType", "Patient"}, {"id", "bench-1"}, {"birthDate", "1980-05-17"}}}}},
      {"extension", {{"dev.cdsd.evaluation", {{"evaluationDate", "2026-11-21"}}}}}};
  const std::string text = body.dump();
  std::cout << "one cdsd, one echo service, audit sync; gRPC request " << request.ByteSizeLong() << " B, REST body "
            << text.size() << " B; " << seconds << " s per run, " << std::thread::hardware_concurrency()
            << " cores shared by client and server\n";
  std::cout << std::left << std::setw(22) << "door" << std::right << std::setw(10) << "in-flight" << std::setw(12)
            << "req/s" << std::setw(11) << "mean us" << std::setw(11) << "p50 us" << std::setw(11) << "p99 us"
            << std::setw(9) << "failed" << "\n";
  uint64_t failures = 0;
  for (int in_flight : {1, 100}) {
    Drive(cdsd.address(), request, in_flight, std::min(1.0, seconds));
    const LoadResult g = Drive(cdsd.address(), request, in_flight, seconds);
    DriveRest(rest_address, "/cds-services/echo-0", text, in_flight, std::min(1.0, seconds));
    const LoadResult r = DriveRest(rest_address, "/cds-services/echo-0", text, in_flight, seconds);
    Print("gRPC", in_flight, g);
    Print("CDS Hooks REST", in_flight, r);
    failures += g.failed + r.failed;
  }
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  CLI::App app{"cdsd load benchmark"};
  std::string bare_response, ready_file;
  double seconds = 5;
  int services = 3;
  app.add_option("--serve-bare", bare_response, "Serve this response file as a bare server (internal)");
  app.add_option("--ready-file", ready_file, "Where the bare server writes its address (internal)");
  app.add_option("--seconds", seconds, "Seconds per measurement")->check(CLI::Range(0.1, 600.0));
  app.add_option("--services", services, "Echo test services configured in cdsd")->check(CLI::Range(1, 20));
  std::string target;
  int in_flight_only = 100;
  app.add_option("--target", target, "Only drive this running server (host:port) and print one line");
  app.add_option("--in-flight", in_flight_only, "Requests in flight with --target")->check(CLI::Range(1, 10000));
  bool audit = false;
  double large_seconds = 60;
  uint64_t large_evaluations = 0;
  app.add_flag("--audit", audit, "Compare audit durability sync and async, then a long run for RSS");
  app.add_option("--large-seconds", large_seconds, "Length of the long --audit run")->check(CLI::Range(1.0, 3600.0));
  app.add_option("--large-evaluations", large_evaluations,
                 "Stop the long --audit run once this many evaluations are answered (0: run --large-seconds)");
  bool auth = false;
  app.add_flag("--auth", auth, "Compare caller authentication off, RS384 and ES384");
  bool rest = false;
  app.add_flag("--rest", rest, "Compare the CDS Hooks REST door with gRPC on the same cdsd");
  CLI11_PARSE(app, argc, argv);
  if (!bare_response.empty()) return ServeBare(bare_response, ready_file);

  const auto dir = std::filesystem::temp_directory_path() / ("cdsd-load-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteConfig(dir, services, "");
  cds::v1::EvaluateRequest request;
  request.set_hook("patient-view");
  request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  request.mutable_patient()->set_birth_date("1980-05-17");
  request.set_evaluation_date("2026-11-21");

  if (rest) {
    const int code = CompareRest(dir, seconds);
    std::filesystem::remove_all(dir);
    return code;
  }
  if (auth) {
    const int code = CompareAuth(dir, request, services, seconds);
    std::filesystem::remove_all(dir);
    return code;
  }
  if (audit) {
    const int code = CompareAudit(dir, request, services, seconds, large_seconds, large_evaluations);
    std::filesystem::remove_all(dir);
    return code;
  }
  if (!target.empty()) {
    const LoadResult r = Drive(target, request, in_flight_only, seconds);
    Print(target, in_flight_only, r);
    return r.failed == 0 ? 0 : 1;
  }
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  Child cdsd({std::string(CDS_BINARY_DIR) + "/host/cdsd", "--config", (dir / "cdsd.yaml").string(), "--ready-file",
              (dir / "cdsd.ready").string()},
             (dir / "cdsd.ready").string());
  if (cdsd.address().empty()) {
    std::cerr << "cdsd did not start\n";
    return 1;
  }
  // Capture what cdsd answers, so the bare server sends the same bytes.
  cds::v1::EvaluateResponse sample;
  {
    auto stub = cds::v1::DecisionSupport::NewStub(grpc::CreateChannel(cdsd.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    if (!stub->Evaluate(&context, request, &sample).ok()) {
      std::cerr << "cdsd refused the sample request\n";
      return 1;
    }
    std::ofstream(dir / "response.bin") << sample.SerializeAsString();
  }
  Child bare({self, "--serve-bare", (dir / "response.bin").string(), "--ready-file", (dir / "bare.ready").string()},
             (dir / "bare.ready").string());
  if (bare.address().empty()) {
    std::cerr << "bare server did not start\n";
    return 1;
  }

  std::cout << "request " << request.ByteSizeLong() << " B, response " << sample.ByteSizeLong() << " B ("
            << sample.cards_size() << " cards from " << services << " echo services), " << seconds
            << " s per run, " << std::thread::hardware_concurrency() << " cores shared by client and server\n";
  std::cout << std::left << std::setw(22) << "server" << std::right << std::setw(10) << "in-flight" << std::setw(12)
            << "req/s" << std::setw(11) << "mean us" << std::setw(11) << "p50 us" << std::setw(11) << "p99 us"
            << std::setw(9) << "failed" << "\n";
  uint64_t failures = 0;
  double ratio_at_100 = 0;
  for (int in_flight : {1, 100}) {
    Drive(bare.address(), request, in_flight, std::min(1.0, seconds));  // warm-up
    const LoadResult b = Drive(bare.address(), request, in_flight, seconds);
    Drive(cdsd.address(), request, in_flight, std::min(1.0, seconds));
    const LoadResult c = Drive(cdsd.address(), request, in_flight, seconds);
    Print("bare gRPC", in_flight, b);
    Print("cdsd", in_flight, c);
    failures += b.failed + c.failed;
    if (in_flight == 100) ratio_at_100 = (c.ok / c.seconds) / (b.ok / b.seconds);
  }
  std::cout << "cdsd / bare throughput at 100 in flight: " << std::setprecision(2) << ratio_at_100 << "\n";
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
