#include "server/cds_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "admin/admin_service.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "server/decision_support_service.h"

namespace cdsd {
namespace {

constexpr const char* kServiceName = "cds.v1.DecisionSupport";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const Config& config) {
  if (!config.tls) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  pair.cert_chain = ReadFile(config.tls->certificate_chain);
  pair.private_key = ReadFile(config.tls->private_key);
  if (pair.cert_chain.empty() || pair.private_key.empty()) {
    return absl::FailedPreconditionError("tls: cannot read certificate_chain or private_key");
  }
  options.pem_key_cert_pairs.push_back(pair);
  if (!config.tls->client_ca.empty()) {
    options.pem_root_certs = ReadFile(config.tls->client_ca);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// A taken port must fail startup: with SO_REUSEPORT (gRPC's default) a second server would
// start silently and take half the connections.
void CommonServerOptions(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
}

int DefaultWorkers() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::max(4u, cores * 2));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CdsServer>> CdsServer::Start(Config config, const Options& options) {
  std::unique_ptr<CdsServer> server(new CdsServer());
  server->config_path_ = config.source_path;
  if (!options.listen_override.empty()) config.listen_address = options.listen_override;
  if (!options.admin_socket_override.empty()) config.admin_socket = options.admin_socket_override;
  server->admin_socket_ = config.admin_socket;

  if (config.audit_path.empty()) config.audit_path = config.source_path.parent_path() / "cdsd-audit.sqlite";
  auto audit = AuditTrail::Open(config.audit_path, config.audit_store_requests);
  if (!audit.ok()) return audit.status();
  server->audit_ = *std::move(audit);

  SnapshotBuild build = BuildSnapshot(config, 1, nullptr);
  for (const std::string& failure : build.failures) {
    LogEvent(LogLevel::kError, "plugin_refused", {{"detail", failure}});
  }
  for (const ConfiguredPlugin& p : build.snapshot->plugins()) {
    if (p.state != PluginState::kLoaded) continue;
    const auto& info = p.service->library().info();
    LogEvent(LogLevel::kInfo, "plugin_loaded",
             {{"service_id", p.config.id}, {"plugin", info.id()}, {"version", info.version()},
              {"knowledge_version", info.knowledge_version()}, {"path", p.config.path.string()}});
  }
  server->snapshots_.Publish(build.snapshot);

  server->pool_ = std::make_unique<WorkerPool>(config.worker_threads > 0 ? config.worker_threads : DefaultWorkers());
  server->timer_ = std::make_unique<DeadlineTimer>();
  EvaluationContext context{server->pool_.get(), server->timer_.get(), server->audit_.get(), config.max_stuck_calls};
  server->service_ = std::make_unique<DecisionSupportService>(server->snapshots_, context);

  auto credentials = Credentials(config);
  if (!credentials.ok()) return credentials.status();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  CommonServerOptions(builder);
  int port = 0;
  builder.AddListeningPort(config.listen_address, *credentials, &port);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || (port == 0 && config.listen_address.rfind("unix:", 0) != 0)) {
    return absl::UnavailableError("cannot listen on " + config.listen_address +
                                  " (address in use, or not an address of this machine)");
  }
  const std::string host = config.listen_address.substr(0, config.listen_address.rfind(':'));
  server->listen_address_ = config.listen_address.rfind("unix:", 0) == 0
                                ? config.listen_address
                                : host + ":" + std::to_string(port);
  auto* health = server->server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(kServiceName, true);

  if (!config.admin_socket.empty()) {
    std::error_code ec;
    std::filesystem::remove(config.admin_socket, ec);  // a stale socket from a previous run
    server->admin_service_ = std::make_unique<AdminService>(*server);
    grpc::ServerBuilder admin;
    CommonServerOptions(admin);
    admin.AddListeningPort("unix:" + config.admin_socket.string(), grpc::InsecureServerCredentials());
    admin.RegisterService(server->admin_service_.get());
    server->admin_server_ = admin.BuildAndStart();
    if (!server->admin_server_) {
      return absl::UnavailableError("cannot create the admin socket " + config.admin_socket.string());
    }
    ::chmod(config.admin_socket.c_str(), 0600);
  }

  if (!config.metrics_address.empty()) {
    try {
      server->exposer_ = std::make_unique<prometheus::Exposer>(config.metrics_address);
    } catch (const std::exception& e) {
      return absl::UnavailableError("cannot serve metrics on " + config.metrics_address + ": " + e.what());
    }
    server->metrics_ = std::make_shared<MetricsCollector>(*server);
    server->exposer_->RegisterCollectable(server->metrics_);
  }
  LogEvent(LogLevel::kInfo, "serving",
           {{"listen", server->listen_address_}, {"admin_socket", config.admin_socket.string()},
            {"metrics", config.metrics_address}, {"workers", server->pool_->size()},
            {"services", static_cast<int>(build.snapshot->plugins().size() - build.failures.size())},
            {"failed", static_cast<int>(build.failures.size())}});
  return server;
}

CdsServer::~CdsServer() { Shutdown(std::chrono::milliseconds(5000)); }

absl::StatusOr<std::vector<std::string>> CdsServer::Reload() {
  std::lock_guard lock(reload_mutex_);
  const auto current = snapshots_.Get();
  auto fail = [&](const std::string& why) -> absl::Status {
    reload_stats_.failed.fetch_add(1);
    last_reload_error_ = why;
    LogEvent(LogLevel::kError, "reload_refused", {{"reason", why}, {"config_generation", current->generation()}});
    return absl::FailedPreconditionError("reload refused, still serving generation " +
                                         std::to_string(current->generation()) + ":\n" + why);
  };
  ConfigLoadResult loaded = LoadConfigFile(config_path_);
  if (!loaded.config) return fail(FormatProblems(loaded.problems));
  const Config& old = current->config();
  Config& next = *loaded.config;
  std::vector<ConfigProblem> fixed;
  auto must_match = [&](bool same, const char* what) {
    if (!same) fixed.push_back({config_path_.filename().string(), std::string(what) + " cannot change on reload (restart cdsd)"});
  };
  must_match(next.listen_address == old.listen_address || next.listen_address.empty(), "listen");
  must_match(next.admin_socket == old.admin_socket, "admin_socket");
  must_match(next.metrics_address == old.metrics_address, "metrics_listen");
  must_match(next.audit_path.empty() || next.audit_path == old.audit_path, "audit.path");
  must_match(next.worker_threads == old.worker_threads, "workers");
  auto tls_paths = [](const std::optional<TlsConfig>& t) {
    return t ? t->certificate_chain.string() + "|" + t->private_key.string() + "|" + t->client_ca.string() : "";
  };
  must_match(tls_paths(next.tls) == tls_paths(old.tls), "tls");
  if (!fixed.empty()) return fail(FormatProblems(fixed));
  // Keep what was resolved at startup for the settings that cannot change.
  next.listen_address = old.listen_address;
  next.audit_path = old.audit_path;

  SnapshotBuild build = BuildSnapshot(next, current->generation() + 1, current.get());
  if (!build.failures.empty()) {
    std::string why;
    for (const std::string& f : build.failures) why += f + "\n";
    return fail(why);
  }
  snapshots_.Publish(build.snapshot);
  reload_stats_.succeeded.fetch_add(1);
  last_reload_error_.clear();
  LogEvent(LogLevel::kInfo, "reloaded",
           {{"config_generation", build.snapshot->generation()}, {"changes", build.changes}});
  return build.changes;
}

std::string CdsServer::last_reload_error() const {
  std::lock_guard lock(reload_mutex_);
  return last_reload_error_;
}

void CdsServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  LogEvent(LogLevel::kInfo, "shutting_down", {{"grace_ms", grace.count()}});
  if (server_) {
    auto* health = server_->GetHealthCheckService();
    health->SetServingStatus("", false);
    health->SetServingStatus(kServiceName, false);
    // Drain our own calls first: gRPC's Shutdown would also wait for idle client connections
    // (an EHR keeps its channel open), holding every shutdown for the whole grace period.
    service_->StopAccepting();
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (service_->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // A short deadline lets answers already finished reach the wire, then closes connections.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(250));
  }
  if (admin_server_) admin_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  if (pool_) pool_->Drain(std::chrono::milliseconds(1000));
  exposer_.reset();
  if (audit_) audit_->Flush();
  if (!admin_socket_.empty()) {
    std::error_code ec;
    std::filesystem::remove(admin_socket_, ec);
  }
  LogEvent(LogLevel::kInfo, "stopped");
}

}  // namespace cdsd
