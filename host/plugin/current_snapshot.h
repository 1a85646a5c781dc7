// The snapshot being served. Readers take a reference in one atomic load; a reload publishes a
// new snapshot in one atomic store. Old snapshots (and the plugin instances only they hold) are
// freed when the last request using them finishes.
#ifndef CDSD_HOST_PLUGIN_CURRENT_SNAPSHOT_H_
#define CDSD_HOST_PLUGIN_CURRENT_SNAPSHOT_H_

#include <atomic>
#include <memory>

#include "plugin/plugin_snapshot.h"

namespace cdsd {

class CurrentSnapshot {
 public:
  std::shared_ptr<const PluginSnapshot> Get() const { return current_.load(std::memory_order_acquire); }
  void Publish(std::shared_ptr<const PluginSnapshot> snapshot) {
    current_.store(std::move(snapshot), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const PluginSnapshot>> current_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_CURRENT_SNAPSHOT_H_
