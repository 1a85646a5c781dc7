// Call statistics of one service id, kept for the life of the process (they survive reloads that
// replace the plugin instance) and updated lock-free on the request path.
#ifndef CDSD_HOST_PLUGIN_SERVICE_STATS_H_
#define CDSD_HOST_PLUGIN_SERVICE_STATS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "observability/latency_histogram.h"

namespace cdsd {

struct ServiceStats {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> timeouts{0};
  // Calls that reached their deadline still queued (the plugin was never called).
  std::atomic<uint64_t> expired{0};
  // Evaluate calls refused with RESOURCE_EXHAUSTED because this service's queue was too long.
  std::atomic<uint64_t> shed{0};
  // isolation: process only. Runner deaths (crash, abort, exit, garbage, killed when hung),
  // restarts, and calls refused as poison requests.
  std::atomic<uint64_t> runner_crashes{0};
  std::atomic<uint64_t> runner_restarts{0};
  std::atomic<uint64_t> poison_refused{0};
  LatencyHistogram latency;
  // Moving average of recent call times (1/8 weight per call), for admission control.
  std::atomic<int64_t> recent_nanos{0};

  void RecordCall(int64_t nanos) {
    const int64_t old = recent_nanos.load(std::memory_order_relaxed);
    recent_nanos.store(old == 0 ? nanos : old + (nanos - old) / 8, std::memory_order_relaxed);
  }
};

// The stats object for a service id (created on first use, never freed).
std::shared_ptr<ServiceStats> StatsFor(const std::string& service_id);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_SERVICE_STATS_H_
