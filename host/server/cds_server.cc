#include "server/cds_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <prometheus/exposer.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <sstream>
#include <thread>

#include "admin/admin_service.h"
#include "auth/call_authentication.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "rest/cds_hooks_service.h"
#include "rest/http_server.h"
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

// TLS from files that gRPC re-reads every `reload_interval_seconds`: a renewed certificate, key
// or client CA takes effect for new connections without a restart (established connections
// keep the certificate they were made with).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const Config& config) {
  if (!config.tls) return grpc::InsecureServerCredentials();
  const TlsConfig& tls = *config.tls;
  if (ReadFile(tls.certificate_chain).empty() || ReadFile(tls.private_key).empty()) {
    return absl::FailedPreconditionError("tls: cannot read certificate_chain or private_key");
  }
  if (!tls.client_ca.empty() && ReadFile(tls.client_ca).empty()) {
    return absl::FailedPreconditionError("tls: cannot read client_ca");
  }
  const unsigned interval = static_cast<unsigned>(tls.reload_interval_seconds);
  auto provider = tls.client_ca.empty()
                      ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                            tls.private_key.string(), tls.certificate_chain.string(), interval)
                      : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                            tls.private_key.string(), tls.certificate_chain.string(), tls.client_ca.string(), interval);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!tls.client_ca.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

// A taken port must fail startup: with SO_REUSEPORT (gRPC's default) a second server would
// start silently and take half the connections.
void CommonServerOptions(grpc::ServerBuilder& builder, int64_t max_request_bytes) {
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(max_request_bytes));
}

// Connection limits on the EHR port: idle connections are closed, streams per connection are
// bounded, and clients that ping too often are dropped (docs/operations.md).
void ConnectionOptions(grpc::ServerBuilder& builder, const ConnectionConfig& c) {
  auto arg = [&](const char* name, int64_t value) {
    builder.AddChannelArgument(name, static_cast<int>(std::min<int64_t>(value, INT32_MAX)));
  };
  arg(GRPC_ARG_MAX_CONNECTION_IDLE_MS, c.max_connection_idle_ms);
  if (c.max_connection_age_ms > 0) {
    arg(GRPC_ARG_MAX_CONNECTION_AGE_MS, c.max_connection_age_ms);
    arg(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, c.max_connection_age_grace_ms);
  }
  arg(GRPC_ARG_MAX_CONCURRENT_STREAMS, c.max_concurrent_streams);
  arg(GRPC_ARG_KEEPALIVE_TIME_MS, c.keepalive_time_ms);
  arg(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, c.keepalive_timeout_ms);
  arg(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, c.min_client_ping_interval_ms);
  arg(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
}

int DefaultWorkers() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::max(8u, cores * 2));
}

// A file at the admin socket path may be removed only if it is a socket owned by this user
// that nobody answers on (left by a previous run that died). Anything else stops startup.
absl::Status ClearStaleAdminSocket(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return absl::OkStatus();  // nothing there
  if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) {
    return absl::FailedPreconditionError("admin_socket " + path.string() +
                                         " exists and is not a socket of this user; not removing it");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof(address.sun_path)) {
    return absl::FailedPreconditionError("admin_socket path is too long: " + path.string());
  }
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError("cannot create a socket to probe the admin socket");
  const bool answered = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  const int error = errno;
  ::close(fd);
  if (answered) {
    return absl::FailedPreconditionError("admin_socket " + path.string() + " is in use by a running process");
  }
  if (error != ECONNREFUSED) {
    return absl::FailedPreconditionError("admin_socket " + path.string() + " cannot be probed (" +
                                         std::strerror(error) + "); not removing it");
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  return absl::OkStatus();
}

// The REST door follows the gRPC port's rules: no plaintext and no unauthenticated calls off
// loopback unless the config says so explicitly.
absl::Status CheckCdsHooksExposure(const Config& config, bool authenticated) {
  const CdsHooksConfig& hooks = *config.cds_hooks;
  if (IsLoopbackAddress(hooks.listen_address)) return absl::OkStatus();
  if (!config.tls && !config.allow_insecure) {
    return absl::FailedPreconditionError("refusing plaintext HTTP on cds_hooks.listen " + hooks.listen_address +
                                         ": configure tls, or set allow_insecure: true");
  }
  if (!authenticated && !(config.auth && !config.auth->required)) {
    return absl::FailedPreconditionError("refusing to serve cds_hooks.listen " + hooks.listen_address +
                                         " without caller authentication: configure auth, or set auth.required: false");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> HttpTls(const Config& config) {
  if (!config.tls) return std::shared_ptr<boost::asio::ssl::context>();
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                           boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::no_tlsv1 |
                           boost::asio::ssl::context::no_tlsv1_1,
                       ec);
  context->use_certificate_chain_file(config.tls->certificate_chain.string(), ec);
  if (!ec) context->use_private_key_file(config.tls->private_key.string(), boost::asio::ssl::context::pem, ec);
  if (!ec && !config.tls->client_ca.empty()) {
    context->load_verify_file(config.tls->client_ca.string(), ec);
    context->set_verify_mode(boost::asio::ssl::verify_peer | boost::asio::ssl::verify_fail_if_no_peer_cert, ec);
  }
  if (ec) return absl::FailedPreconditionError("tls (for cds_hooks): " + ec.message());
  return context;
}

absl::Status StartCdsHooks(const Config& config, DecisionSupportService& pipeline, const CallAuthenticator* authenticator,
                           std::unique_ptr<rest::CdsHooksService>& service, std::unique_ptr<rest::HttpServer>& http,
                           std::string& address) {
  if (absl::Status exposed = CheckCdsHooksExposure(config, authenticator != nullptr); !exposed.ok()) return exposed;
  auto tls = HttpTls(config);
  if (!tls.ok()) return tls.status();
  const CdsHooksConfig& hooks = *config.cds_hooks;
  rest::HttpServerOptions options;
  const size_t colon = hooks.listen_address.rfind(':');
  options.host = hooks.listen_address.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[') options.host = options.host.substr(1, options.host.size() - 2);
  options.port = std::stoi(hooks.listen_address.substr(colon + 1));
  options.threads = hooks.threads;
  options.max_connections = hooks.max_connections;
  options.max_body_bytes = static_cast<size_t>(config.limits.max_request_bytes);
  options.header_timeout = std::chrono::milliseconds(hooks.header_timeout_ms);
  options.keep_alive_timeout = std::chrono::milliseconds(hooks.keep_alive_timeout_ms);
  options.tls = *tls;
  service = std::make_unique<rest::CdsHooksService>(pipeline, authenticator, hooks);
  auto started = rest::HttpServer::Start(options, [s = service.get()](rest::HttpRequest&& request, rest::Respond respond) {
    s->Handle(std::move(request), std::move(respond));
  });
  if (!started.ok()) return started.status();
  http = *std::move(started);
  address = hooks.listen_address.substr(0, colon) + ":" + std::to_string(http->port());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CdsServer>> CdsServer::Start(Config config, const Options& options) {
  std::unique_ptr<CdsServer> server(new CdsServer());
  server->config_path_ = config.source_path;
  server->options_ = options;
  ApplyOverrides(config, options);
  server->admin_socket_ = config.admin_socket;

  // Who may call, decided before anything else starts (docs/security.md).
  auto authenticator = AuthenticatorFor(config);
  if (!authenticator.ok()) return authenticator.status();
  server->authenticator_ = *std::move(authenticator);

  if (config.audit_backend == "sqlite" && config.audit_path.empty()) {
    config.audit_path = config.source_path.parent_path() / "cdsd-audit.sqlite";
  }
  AuditOptions audit_options;
  audit_options.backend = config.audit_backend;
  audit_options.path = config.audit_path;
  audit_options.postgresql_dsn = config.audit_postgresql_dsn;
  audit_options.durability = config.audit_sync ? AuditDurability::kSync : AuditDurability::kAsync;
  audit_options.max_queue_bytes = static_cast<size_t>(config.audit_max_queue_bytes);
  audit_options.store_requests = config.audit_store_requests;
  audit_options.pseudonym_key_file = config.audit_pseudonym_key_file;
  audit_options.encryption_key_file = config.audit_encryption_key_file;
  audit_options.retention_days = config.audit_retention_days;
  auto audit = AuditTrail::Open(audit_options);
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
  server->completions_ = std::make_unique<CompletionExecutor>(2);
  EvaluationContext context{server->pool_.get(), server->timer_.get(), server->completions_.get(),
                            server->audit_.get()};
  context.limits = config.limits;
  server->service_ = std::make_unique<DecisionSupportService>(server->snapshots_, context);
  server->service_->RequireAuthentication(server->authenticator_.get());

  auto credentials = Credentials(config);
  if (!credentials.ok()) return credentials.status();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  CommonServerOptions(builder, config.limits.max_request_bytes);
  ConnectionOptions(builder, config.connections);
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
  // A failing audit trail means no advice can be given with a record: not serving until it
  // writes again.
  server->audit_->SetHealthListener([health](bool writing) {
    health->SetServingStatus("", writing);
    health->SetServingStatus(kServiceName, writing);
  });
  health->SetServingStatus("", server->audit_->healthy());
  health->SetServingStatus(kServiceName, server->audit_->healthy());

  if (config.cds_hooks) {
    absl::Status started = StartCdsHooks(config, *server->service_, server->authenticator_.get(), server->cds_hooks_,
                                         server->http_server_, server->cds_hooks_address_);
    if (!started.ok()) return started;
  }

  if (!config.admin_socket.empty()) {
    if (absl::Status cleared = ClearStaleAdminSocket(config.admin_socket); !cleared.ok()) {
      server->admin_socket_.clear();  // not ours: never remove it
      return cleared;
    }
    server->admin_service_ = std::make_unique<AdminService>(*server);
    grpc::ServerBuilder admin;
    CommonServerOptions(admin, InputLimits{}.max_request_bytes);
    admin.AddListeningPort("unix:" + config.admin_socket.string(), grpc::InsecureServerCredentials());
    admin.RegisterService(server->admin_service_.get());
    server->admin_server_ = admin.BuildAndStart();
    if (!server->admin_server_) {
      return absl::UnavailableError("cannot create the admin socket " + config.admin_socket.string());
    }
    ::chmod(config.admin_socket.c_str(), 0600);
    struct stat st {};
    if (::lstat(config.admin_socket.c_str(), &st) == 0) {
      server->admin_socket_device_ = st.st_dev;
      server->admin_socket_inode_ = st.st_ino;
    }
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
           {{"listen", server->listen_address_}, {"cds_hooks", server->cds_hooks_address_}, {"admin_socket", config.admin_socket.string()},
            {"metrics", config.metrics_address}, {"workers", server->pool_->size()},
            {"services", static_cast<int>(build.snapshot->plugins().size() - build.failures.size())},
            {"failed", static_cast<int>(build.failures.size())}});
  return server;
}

CdsServer::~CdsServer() { Shutdown(std::chrono::milliseconds(5000)); }

void CdsServer::ApplyOverrides(Config& config, const Options& options) {
  if (!options.listen_override.empty()) config.listen_address = options.listen_override;
  if (!options.admin_socket_override.empty()) config.admin_socket = options.admin_socket_override;
}

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
  ApplyOverrides(next, options_);
  std::vector<ConfigProblem> fixed;
  auto must_match = [&](bool same, const char* what) {
    if (!same) fixed.push_back({config_path_.filename().string(), std::string(what) + " cannot change on reload (restart cdsd)"});
  };
  must_match(next.listen_address == old.listen_address || next.listen_address.empty(), "listen");
  must_match(next.admin_socket == old.admin_socket, "admin_socket");
  must_match(next.metrics_address == old.metrics_address, "metrics_listen");
  must_match(next.audit_path.empty() || next.audit_path == old.audit_path, "audit.path");
  must_match(next.audit_backend == old.audit_backend && next.audit_postgresql_dsn == old.audit_postgresql_dsn,
             "audit.backend and audit.postgresql");
  must_match(next.worker_threads == old.worker_threads, "workers");
  must_match(next.connections == old.connections, "connections");
  must_match(next.limits == old.limits, "limits");
  auto hooks_settings = [](const std::optional<CdsHooksConfig>& c) {
    if (!c) return CdsHooksConfig{};
    CdsHooksConfig copy = *c;
    copy.location.clear();
    return copy;
  };
  must_match(next.cds_hooks.has_value() == old.cds_hooks.has_value() &&
                 hooks_settings(next.cds_hooks) == hooks_settings(old.cds_hooks),
             "cds_hooks");
  auto tls_paths = [](const std::optional<TlsConfig>& t) {
    return t ? t->certificate_chain.string() + "|" + t->private_key.string() + "|" + t->client_ca.string() + "|" +
                   std::to_string(t->reload_interval_seconds)
             : "";
  };
  must_match(tls_paths(next.tls) == tls_paths(old.tls), "tls");
  auto auth_settings = [](const std::optional<AuthConfig>& a) {
    if (!a) return std::string();
    std::string text = std::to_string(a->required) + "|" + a->audience + "|" + std::to_string(a->clock_skew_seconds) +
                       "|" + std::to_string(a->max_token_lifetime_seconds) + "|" + std::to_string(a->jti_cache_size);
    for (const AuthIssuer& i : a->issuers) text += "|" + i.iss + "=" + i.jwks_file.string();
    return text;
  };
  must_match(auth_settings(next.auth) == auth_settings(old.auth) && next.allow_insecure == old.allow_insecure, "auth");
  // The audit trail is opened once with these; a reload cannot apply them.
  must_match(next.audit_store_requests == old.audit_store_requests, "audit.store_requests");
  must_match(next.audit_sync == old.audit_sync, "audit.durability");
  must_match(next.audit_max_queue_bytes == old.audit_max_queue_bytes, "audit.max_queue_bytes");
  must_match(next.audit_pseudonym_key_file == old.audit_pseudonym_key_file, "audit.pseudonym_key_file");
  must_match(next.audit_encryption_key_file == old.audit_encryption_key_file, "audit.encryption_key_file");
  must_match(next.audit_retention_days == old.audit_retention_days, "audit.retention_days");
  must_match(next.log_format == old.log_format, "logging.format");
  must_match(next.watch_config == old.watch_config, "watch_config");
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
  // What applies on reload: the plugin set and settings, max_stuck_calls (read from the
  // snapshot by every request), and the log level.
  if (next.log_level != old.log_level) {
    SetLogLevel(next.log_level);
    build.changes.push_back("logging.level " + old.log_level + " -> " + next.log_level);
  }
  if (next.max_stuck_calls != old.max_stuck_calls) {
    build.changes.push_back("max_stuck_calls " + std::to_string(old.max_stuck_calls) + " -> " +
                            std::to_string(next.max_stuck_calls));
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
    if (audit_) audit_->SetHealthListener(nullptr);
    health->SetServingStatus("", false);
    health->SetServingStatus(kServiceName, false);
    // Drain our own calls first: gRPC's Shutdown would also wait for idle client connections
    // (an EHR keeps its channel open), holding every shutdown for the whole grace period.
    service_->StopAccepting();
    auto wait_for_in_flight = [&](std::chrono::milliseconds limit) {
      const auto deadline = std::chrono::steady_clock::now() + limit;
      while (service_->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    };
    wait_for_in_flight(grace);
    // Past the grace: every plugin call still queued or running is settled now, so each
    // remaining evaluation answers (TIMEOUT for those services) instead of holding shutdown.
    const int inside = pool_->Stop(std::chrono::milliseconds(0));
    if (inside > 0) LogEvent(LogLevel::kWarn, "plugin_calls_still_running", {{"threads", inside}});
    wait_for_in_flight(std::chrono::milliseconds(1000));
    // The REST door closes its connections; late answers are dropped with them.
    if (http_server_) http_server_->Stop();
    // A short deadline lets answers already finished reach the wire, then closes connections.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(250));
  }
  if (admin_server_) admin_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  if (pool_) pool_->Stop(std::chrono::milliseconds(1000));
  exposer_.reset();
  cds_hooks_.reset();  // after the metrics endpoint, which reads its counters; joins its FHIR fetches
  if (audit_) audit_->Flush();
  struct stat st {};
  if (admin_socket_inode_ != 0 && ::lstat(admin_socket_.c_str(), &st) == 0 &&
      st.st_dev == admin_socket_device_ && st.st_ino == admin_socket_inode_) {
    std::error_code ec;
    std::filesystem::remove(admin_socket_, ec);  // still the socket this process created
  }
  LogEvent(LogLevel::kInfo, "stopped");
}

}  // namespace cdsd
