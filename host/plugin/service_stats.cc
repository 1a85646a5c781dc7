#include "plugin/service_stats.h"

#include <map>
#include <mutex>

namespace cdsd {

std::shared_ptr<ServiceStats> StatsFor(const std::string& service_id) {
  // Looked up when a snapshot is built, never per request.
  static std::mutex mutex;
  static auto* stats = new std::map<std::string, std::shared_ptr<ServiceStats>>();
  std::lock_guard lock(mutex);
  auto& entry = (*stats)[service_id];
  if (!entry) entry = std::make_shared<ServiceStats>();
  return entry;
}

}  // namespace cdsd
