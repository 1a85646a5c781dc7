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
  LatencyHistogram latency;
};

// The stats object for a service id (created on first use, never freed).
std::shared_ptr<ServiceStats> StatsFor(const std::string& service_id);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_SERVICE_STATS_H_
