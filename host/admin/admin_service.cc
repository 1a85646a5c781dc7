#include "admin/admin_service.h"

#include <thread>

#include "server/cds_server.h"

namespace cdsd {
namespace {

cds::admin::v1::RunnerState AdminRunnerState(RunnerState state) {
  switch (state) {
    case RunnerState::kStarting: return cds::admin::v1::RUNNER_STATE_STARTING;
    case RunnerState::kRunning: return cds::admin::v1::RUNNER_STATE_RUNNING;
    case RunnerState::kRestarting: return cds::admin::v1::RUNNER_STATE_RESTARTING;
    case RunnerState::kCircuitOpen: return cds::admin::v1::RUNNER_STATE_CIRCUIT_OPEN;
    case RunnerState::kStopped: return cds::admin::v1::RUNNER_STATE_STOPPED;
  }
  return cds::admin::v1::RUNNER_STATE_UNSPECIFIED;
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::ListPlugins(grpc::CallbackServerContext* rpc,
                                                    const cds::admin::v1::ListPluginsRequest*,
                                                    cds::admin::v1::ListPluginsResponse* response) {
  const auto snapshot = server_.snapshots().Get();
  response->set_config_generation(snapshot->generation());
  response->set_config_path(snapshot->config().source_path.string());
  for (const ConfiguredPlugin& entry : snapshot->plugins()) {
    auto* p = response->add_plugins();
    p->set_id(entry.config.id);
    p->set_path(entry.config.path.string());
    p->set_enabled(entry.config.enabled);
    p->set_timeout_ms(static_cast<uint32_t>(entry.config.timeout.count()));
    p->set_config_generation(snapshot->generation());
    p->set_last_error(entry.error);
    switch (entry.state) {
      case PluginState::kLoaded: p->set_state(cds::admin::v1::PLUGIN_STATE_LOADED); break;
      case PluginState::kFailed: p->set_state(cds::admin::v1::PLUGIN_STATE_FAILED); break;
      case PluginState::kDisabled: p->set_state(cds::admin::v1::PLUGIN_STATE_DISABLED); break;
    }
    if (entry.service) {
      p->set_stuck_calls(static_cast<uint32_t>(std::max<int64_t>(0, entry.service->stuck_calls().load())));
      const auto& info = entry.service->library().info();
      p->set_plugin_id(info.id());
      p->set_name(info.name());
      p->set_version(info.version());
      p->set_vendor(info.vendor());
      p->set_knowledge_version(info.knowledge_version());
      *p->mutable_hooks() = info.hooks();
      const AbiVersion abi = entry.service->library().abi_version();
      p->set_abi_version(std::to_string(abi.major) + "." + std::to_string(abi.minor));
      if (const RunnerClient* runner = entry.service->runner()) {
        const RunnerStatus rs = runner->status();
        p->set_runner_pid(static_cast<uint32_t>(rs.pid));
        p->set_runner_state(AdminRunnerState(rs.state));
        p->set_runner_last_crash(rs.last_crash);
        p->set_breaker_state(rs.breaker);
      }
    }
    p->set_isolation(entry.config.isolation == Isolation::kProcess ? cds::admin::v1::ISOLATION_PROCESS
                                                                   : cds::admin::v1::ISOLATION_IN_PROCESS);
    const auto stats = StatsFor(entry.config.id);
    p->set_calls(stats->calls.load());
    p->set_errors(stats->errors.load());
    p->set_timeouts(stats->timeouts.load());
    p->set_runner_crashes(stats->runner_crashes.load());
    p->set_runner_restarts(stats->runner_restarts.load());
    p->set_poison_requests_refused(stats->poison_refused.load());
    const auto latency = stats->latency.Read();
    p->mutable_latency()->set_p50_us(latency.Quantile(0.5));
    p->mutable_latency()->set_p90_us(latency.Quantile(0.9));
    p->mutable_latency()->set_p99_us(latency.Quantile(0.99));
    p->mutable_latency()->set_max_us(latency.max_micros);
  }
  auto* reactor = rpc->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Reload(grpc::CallbackServerContext* rpc,
                                               const cds::admin::v1::ReloadRequest*,
                                               cds::admin::v1::ReloadResponse* response) {
  auto* reactor = rpc->DefaultReactor();
  // Loading plugins can take a while: never on a gRPC callback thread.
  std::thread([this, reactor, response] {
    auto changes = server_.Reload();
    if (!changes.ok()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, std::string(changes.status().message())));
      return;
    }
    response->set_config_generation(server_.snapshots().Get()->generation());
    for (auto& c : *changes) response->add_changes(std::move(c));
    reactor->Finish(grpc::Status::OK);
  }).detach();
  return reactor;
}

}  // namespace cdsd
