// The set of services the host serves at one moment, immutable once built. A request takes a
// reference to the current snapshot and uses it to the end, so a reload that publishes a new
// snapshot never changes what an in-flight request sees.
#ifndef CDSD_HOST_PLUGIN_PLUGIN_SNAPSHOT_H_
#define CDSD_HOST_PLUGIN_PLUGIN_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "plugin/plugin_service.h"

namespace cdsd {

enum class PluginState { kLoaded, kFailed, kDisabled };

// One entry of the config file and what became of it.
struct ConfiguredPlugin {
  PluginConfig config;
  PluginState state = PluginState::kDisabled;
  std::string error;  // why it failed, for kFailed
  std::shared_ptr<PluginService> service;  // set for kLoaded
};

class PluginSnapshot {
 public:
  PluginSnapshot(uint64_t generation, Config config, std::vector<ConfiguredPlugin> plugins);

  uint64_t generation() const { return generation_; }
  const Config& config() const { return config_; }
  const std::vector<ConfiguredPlugin>& plugins() const { return plugins_; }

  // Loaded services answering `hook`, in config order.
  const std::vector<std::shared_ptr<PluginService>>& ServingHook(std::string_view hook) const;
  // The configured entry with this id, or nullptr.
  const ConfiguredPlugin* Find(std::string_view id) const;

 private:
  uint64_t generation_;
  Config config_;
  std::vector<ConfiguredPlugin> plugins_;
  std::map<std::string, std::vector<std::shared_ptr<PluginService>>, std::less<>> by_hook_;
  std::map<std::string, size_t, std::less<>> by_id_;
};

struct SnapshotBuild {
  std::shared_ptr<const PluginSnapshot> snapshot;
  // One line per enabled plugin that failed to load or initialise (file and reason).
  std::vector<std::string> failures;
  // One line per difference from the previous snapshot.
  std::vector<std::string> changes;
};

// Loads and initialises every enabled plugin of `config`. Services whose library, settings and
// timeout are unchanged from `previous` are reused, not re-created. A plugin that fails is kept
// as a kFailed entry with its reason; the caller decides whether failures are acceptable
// (at startup: yes, the rest serve; on reload: no, the old snapshot stays).
SnapshotBuild BuildSnapshot(const Config& config, uint64_t generation,
                            const PluginSnapshot* previous);

const char* PluginStateName(PluginState state);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_PLUGIN_SNAPSHOT_H_
