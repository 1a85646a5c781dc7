// A lock-free latency histogram: fixed log-spaced buckets of atomic counters, so every request
// can record its latency without a lock, and readers (admin API, metrics) get percentiles.
// Written here because prometheus-cpp's Histogram takes a mutex on every Observe.
#ifndef CDSD_HOST_OBSERVABILITY_LATENCY_HISTOGRAM_H_
#define CDSD_HOST_OBSERVABILITY_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace cdsd {

class LatencyHistogram {
 public:
  // Bucket upper bounds in microseconds: 1, 2, 5, 10, 20, 50, ... up to 60 s, then +Inf.
  static const std::vector<double>& BoundsMicros();

  void Record(double micros);

  struct Snapshot {
    std::vector<uint64_t> counts;  // one per bound, plus one for +Inf
    uint64_t total = 0;
    double sum_micros = 0;
    double max_micros = 0;
    // The upper bound of the bucket holding the q-quantile (0 < q <= 1); 0 when empty.
    double Quantile(double q) const;
  };
  Snapshot Read() const;

 private:
  static constexpr size_t kBuckets = 24;
  std::array<std::atomic<uint64_t>, kBuckets + 1> counts_{};
  std::atomic<uint64_t> sum_nanos_{0};
  std::atomic<uint64_t> max_nanos_{0};
};

}  // namespace cdsd

#endif  // CDSD_HOST_OBSERVABILITY_LATENCY_HISTOGRAM_H_
