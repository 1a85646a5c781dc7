#include "observability/latency_histogram.h"

#include <algorithm>

namespace cdsd {

const std::vector<double>& LatencyHistogram::BoundsMicros() {
  static const std::vector<double> bounds = [] {
    std::vector<double> b;
    for (double decade = 1; b.size() < kBuckets; decade *= 10) {
      for (double step : {1.0, 2.0, 5.0}) {
        if (b.size() < kBuckets) b.push_back(decade * step);
      }
    }
    return b;
  }();
  return bounds;
}

void LatencyHistogram::Record(double micros) {
  const auto& bounds = BoundsMicros();
  const size_t index = std::lower_bound(bounds.begin(), bounds.end(), micros) - bounds.begin();
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  const auto nanos = static_cast<uint64_t>(std::max(0.0, micros) * 1000.0);
  sum_nanos_.fetch_add(nanos, std::memory_order_relaxed);
  uint64_t seen = max_nanos_.load(std::memory_order_relaxed);
  while (nanos > seen && !max_nanos_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot s;
  s.counts.reserve(counts_.size());
  for (const auto& c : counts_) {
    s.counts.push_back(c.load(std::memory_order_relaxed));
    s.total += s.counts.back();
  }
  s.sum_micros = sum_nanos_.load(std::memory_order_relaxed) / 1000.0;
  s.max_micros = max_nanos_.load(std::memory_order_relaxed) / 1000.0;
  return s;
}

double LatencyHistogram::Snapshot::Quantile(double q) const {
  if (total == 0) return 0;
  const auto& bounds = BoundsMicros();
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(total) + 0.999999);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return i < bounds.size() ? std::min(bounds[i], max_micros) : max_micros;
  }
  return max_micros;
}

}  // namespace cdsd
