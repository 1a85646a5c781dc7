#include "observability/metrics.h"

#include <prometheus/metric_family.h>

#include "rest/cds_hooks_service.h"
#include "server/cds_server.h"

namespace cdsd {
namespace {

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

prometheus::ClientMetric Value(double v, std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = v;
  m.gauge.value = v;
  return m;
}

}  // namespace

std::vector<prometheus::MetricFamily> MetricsCollector::Collect() const {
  using prometheus::MetricType;
  const auto snapshot = server_.snapshots().Get();
  auto calls = Family("cdsd_service_calls_total", "Plugin evaluate calls per service", MetricType::Counter);
  auto errors = Family("cdsd_service_errors_total", "Plugin calls that returned an error or malformed bytes", MetricType::Counter);
  auto timeouts = Family("cdsd_service_timeouts_total", "Plugin calls that passed their timeout", MetricType::Counter);
  auto expired = Family("cdsd_service_expired_total", "Plugin calls that reached their deadline still queued (never started)",
                        MetricType::Counter);
  auto shed = Family("cdsd_service_shed_total", "Evaluate calls refused RESOURCE_EXHAUSTED because this service's queue was too long",
                     MetricType::Counter);
  auto stuck = Family("cdsd_service_stuck_calls", "Plugin calls abandoned at their deadline and still inside the plugin",
                      MetricType::Gauge);
  auto loaded = Family("cdsd_service_loaded", "1 when the configured service is loaded and serving", MetricType::Gauge);
  auto latency = Family("cdsd_service_latency_seconds", "Plugin evaluate latency", MetricType::Histogram);
  auto crashes = Family("cdsd_plugin_runner_crashes_total",
                        "Plugin runner deaths (signal, exit, invalid frame, killed when hung) per service", MetricType::Counter);
  auto restarts = Family("cdsd_plugin_runner_restarts_total", "Plugin runner restarts per service", MetricType::Counter);
  auto poison = Family("cdsd_plugin_runner_poison_refused_total",
                       "Calls refused without reaching the plugin because the request crashed its runner before",
                       MetricType::Counter);
  auto breaker_open = Family("cdsd_plugin_runner_breaker_open",
                             "1 while the service's circuit breaker is open (calls fail fast), 0 otherwise", MetricType::Gauge);
  auto runner_up = Family("cdsd_plugin_runner_up", "1 while the service's plugin runner is running", MetricType::Gauge);
  for (const ConfiguredPlugin& entry : snapshot->plugins()) {
    std::vector<prometheus::ClientMetric::Label> labels{{"service", entry.config.id}};
    const auto stats = StatsFor(entry.config.id);
    calls.metric.push_back(Value(stats->calls.load(), labels));
    errors.metric.push_back(Value(stats->errors.load(), labels));
    timeouts.metric.push_back(Value(stats->timeouts.load(), labels));
    expired.metric.push_back(Value(stats->expired.load(), labels));
    shed.metric.push_back(Value(stats->shed.load(), labels));
    const int64_t stuck_now = entry.service ? entry.service->stuck_calls().load() : 0;
    stuck.metric.push_back(Value(std::max<int64_t>(0, stuck_now), labels));
    loaded.metric.push_back(Value(entry.state == PluginState::kLoaded ? 1 : 0, labels));
    if (entry.config.isolation == Isolation::kProcess) {
      crashes.metric.push_back(Value(stats->runner_crashes.load(), labels));
      restarts.metric.push_back(Value(stats->runner_restarts.load(), labels));
      poison.metric.push_back(Value(stats->poison_refused.load(), labels));
      const RunnerClient* runner = entry.service ? entry.service->runner() : nullptr;
      const RunnerStatus rs = runner ? runner->status() : RunnerStatus{};
      breaker_open.metric.push_back(Value(rs.state == RunnerState::kCircuitOpen ? 1 : 0, labels));
      runner_up.metric.push_back(Value(rs.state == RunnerState::kRunning ? 1 : 0, labels));
    }
    const auto h = stats->latency.Read();
    prometheus::ClientMetric m;
    m.label = labels;
    m.histogram.sample_count = h.total;
    m.histogram.sample_sum = h.sum_micros / 1e6;
    uint64_t cumulative = 0;
    const auto& bounds = LatencyHistogram::BoundsMicros();
    for (size_t i = 0; i < h.counts.size(); ++i) {
      cumulative += h.counts[i];
      prometheus::ClientMetric::Bucket b;
      b.cumulative_count = cumulative;
      b.upper_bound = i < bounds.size() ? bounds[i] / 1e6 : std::numeric_limits<double>::infinity();
      m.histogram.bucket.push_back(b);
    }
    latency.metric.push_back(std::move(m));
  }
  auto generation = Family("cdsd_config_generation", "Generation of the configuration being served", MetricType::Gauge);
  generation.metric.push_back(Value(static_cast<double>(snapshot->generation())));
  auto reloads = Family("cdsd_reloads_total", "Configuration reloads by result", MetricType::Counter);
  reloads.metric.push_back(Value(server_.reload_stats().succeeded.load(), {{"result", "success"}}));
  reloads.metric.push_back(Value(server_.reload_stats().failed.load(), {{"result", "failure"}}));
  std::vector<prometheus::MetricFamily> families{calls, errors, timeouts, expired, shed, stuck, loaded, latency, generation, reloads,
                                                 crashes, restarts, poison, breaker_open, runner_up};
  if (const AuditTrail* audit = server_.audit()) {
    auto written = Family("cdsd_audit_records_written_total", "Evaluations committed to the audit trail", MetricType::Counter);
    written.metric.push_back(Value(audit->written()));
    auto failed = Family("cdsd_audit_write_failures_total",
                         "Audit records (evaluations, or feedback requests) whose commit failed", MetricType::Counter);
    failed.metric.push_back(Value(audit->failed_writes()));
    auto queued = Family("cdsd_audit_queue_bytes", "Bytes of audit records waiting for the writer", MetricType::Gauge);
    queued.metric.push_back(Value(static_cast<double>(audit->queued_bytes())));
    auto writing = Family("cdsd_audit_healthy", "1 while audit writes succeed, 0 after a failed write", MetricType::Gauge);
    writing.metric.push_back(Value(audit->healthy() ? 1.0 : 0.0));
    families.push_back(written);
    families.push_back(failed);
    families.push_back(queued);
    families.push_back(writing);
  }
  if (const rest::CdsHooksService* hooks = server_.cds_hooks()) {
    auto requests = Family("cdsd_cds_hooks_requests_total", "HTTP requests on the CDS Hooks REST door by outcome",
                           MetricType::Counter);
    const rest::RestStats& stats = hooks->stats();
    requests.metric.push_back(Value(stats.requests.load(), {{"outcome", "all"}}));
    requests.metric.push_back(Value(stats.client_errors.load(), {{"outcome", "4xx"}}));
    requests.metric.push_back(Value(stats.server_errors.load(), {{"outcome", "5xx"}}));
    families.push_back(requests);
  }
  return families;
}

}  // namespace cdsd
