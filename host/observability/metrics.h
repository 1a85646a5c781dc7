// Prometheus metrics (prometheus-cpp exposer): per-service calls, errors, timeouts, stuck calls
// and latency histograms, the config generation, reloads, and audit records. Values are read
// from the lock-free counters at scrape time, so the request path pays nothing extra.
#ifndef CDSD_HOST_OBSERVABILITY_METRICS_H_
#define CDSD_HOST_OBSERVABILITY_METRICS_H_

#include <prometheus/collectable.h>

namespace cdsd {

class CdsServer;

class MetricsCollector : public prometheus::Collectable {
 public:
  explicit MetricsCollector(const CdsServer& server) : server_(server) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const CdsServer& server_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_OBSERVABILITY_METRICS_H_
