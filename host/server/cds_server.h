// cdsd assembled: config, plugin snapshot, worker pool, audit trail, the EHR-facing gRPC server,
// the admin server and the metrics endpoint, with reload and graceful shutdown.
#ifndef CDSD_HOST_SERVER_CDS_SERVER_H_
#define CDSD_HOST_SERVER_CDS_SERVER_H_

#include <absl/status/statusor.h>
#include <sys/types.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audit/audit_trail.h"
#include "config/config.h"
#include "plugin/current_snapshot.h"
#include "server/completion_executor.h"
#include "server/deadline_timer.h"
#include "server/worker_pool.h"

namespace prometheus {
class Exposer;
}

namespace cdsd {

class DecisionSupportService;
class CallAuthenticator;
class AdminService;
class MetricsCollector;
namespace rest {
class CdsHooksService;
class HttpServer;
}  // namespace rest

struct ReloadStats {
  std::atomic<uint64_t> succeeded{0};
  std::atomic<uint64_t> failed{0};
};

class CdsServer {
 public:
  struct Options {
    // Overrides the config's listen address (e.g. 127.0.0.1:0 for a free port).
    std::string listen_override;
    // Overrides the config's admin socket.
    std::string admin_socket_override;
  };

  static absl::StatusOr<std::unique_ptr<CdsServer>> Start(Config config, const Options& options);
  // The config with the command-line overrides applied: what Start and every reload use.
  static void ApplyOverrides(Config& config, const Options& options);
  ~CdsServer();

  // The address the EHR-facing server listens on, with the real port.
  const std::string& listen_address() const { return listen_address_; }
  const std::filesystem::path& admin_socket() const { return admin_socket_; }
  // The CDS Hooks REST door's address with the real port ("127.0.0.1:8080"); empty when off.
  const std::string& cds_hooks_address() const { return cds_hooks_address_; }
  const rest::CdsHooksService* cds_hooks() const { return cds_hooks_.get(); }

  // Re-reads the config file; swaps in the new plugin set only if everything in it loads.
  // Returns the changes applied, or FAILED_PRECONDITION listing every problem.
  absl::StatusOr<std::vector<std::string>> Reload();

  // Health NOT_SERVING, refuse new calls, wait up to `grace` for in-flight ones, then settle
  // every plugin call still queued or running (their evaluations answer at once), stop.
  void Shutdown(std::chrono::milliseconds grace);
  // Worker threads still inside a plugin after Shutdown: the process can only exit around them.
  int threads_inside_plugins() const { return pool_ ? pool_->threads_inside_plugins() : 0; }

  const CurrentSnapshot& snapshots() const { return snapshots_; }
  const ReloadStats& reload_stats() const { return reload_stats_; }
  AuditTrail* audit() const { return audit_.get(); }
  std::string last_reload_error() const;

 private:
  CdsServer() = default;

  std::filesystem::path config_path_;
  Options options_;
  std::string listen_address_;
  std::filesystem::path admin_socket_;
  CurrentSnapshot snapshots_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<DeadlineTimer> timer_;
  std::unique_ptr<AuditTrail> audit_;
  // After audit_: evaluations completed here use the audit trail.
  std::unique_ptr<CompletionExecutor> completions_;
  // The admin socket this process created (device, inode), so only that one is removed.
  dev_t admin_socket_device_ = 0;
  ino_t admin_socket_inode_ = 0;
  std::unique_ptr<CallAuthenticator> authenticator_;
  std::unique_ptr<DecisionSupportService> service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> admin_server_;
  std::unique_ptr<rest::CdsHooksService> cds_hooks_;
  std::unique_ptr<rest::HttpServer> http_server_;
  std::string cds_hooks_address_;
  std::shared_ptr<MetricsCollector> metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  ReloadStats reload_stats_;
  mutable std::mutex reload_mutex_;
  std::string last_reload_error_;
  bool shut_down_ = false;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_CDS_SERVER_H_
