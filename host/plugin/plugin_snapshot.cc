#include "plugin/plugin_snapshot.h"

#include "plugin/plugin_trust.h"

namespace cdsd {

PluginSnapshot::PluginSnapshot(uint64_t generation, Config config,
                               std::vector<ConfiguredPlugin> plugins)
    : generation_(generation), config_(std::move(config)), plugins_(std::move(plugins)) {
  for (size_t i = 0; i < plugins_.size(); ++i) {
    by_id_.emplace(plugins_[i].config.id, i);
    if (plugins_[i].state != PluginState::kLoaded) continue;
    for (const std::string& hook : plugins_[i].service->library().info().hooks()) {
      by_hook_[hook].push_back(plugins_[i].service);
    }
  }
}

const std::vector<std::shared_ptr<PluginService>>& PluginSnapshot::ServingHook(
    std::string_view hook) const {
  static const std::vector<std::shared_ptr<PluginService>> kNone;
  auto it = by_hook_.find(hook);
  return it == by_hook_.end() ? kNone : it->second;
}

const ConfiguredPlugin* PluginSnapshot::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &plugins_[it->second];
}

const char* PluginStateName(PluginState state) {
  switch (state) {
    case PluginState::kLoaded: return "LOADED";
    case PluginState::kFailed: return "FAILED";
    case PluginState::kDisabled: return "DISABLED";
  }
  return "UNKNOWN";
}

namespace {

// The previous service for this entry, if nothing that matters changed.
std::shared_ptr<PluginService> Reusable(const PluginSnapshot* previous, const PluginConfig& config,
                                        const std::shared_ptr<const PluginLibrary>& library,
                                        const nlohmann::json& settings) {
  if (previous == nullptr) return nullptr;
  const ConfiguredPlugin* old = previous->Find(config.id);
  if (old == nullptr || old->state != PluginState::kLoaded) return nullptr;
  // A runner is restarted by every reload: that is how an operator closes an open breaker.
  if (config.isolation == Isolation::kProcess || old->service->isolation() != Isolation::kInProcess) return nullptr;
  const PluginService& s = *old->service;
  if (s.library_ptr() != library || s.settings() != settings || s.timeout() != config.timeout) {
    return nullptr;
  }
  return old->service;
}

std::string Describe(const PluginService& s) {
  return s.id() + " (" + s.library().info().id() + " " + s.library().info().version() + ")";
}

void RecordChanges(const PluginSnapshot* previous, const std::vector<ConfiguredPlugin>& plugins,
                   std::vector<std::string>& changes) {
  for (const ConfiguredPlugin& p : plugins) {
    const ConfiguredPlugin* old = previous ? previous->Find(p.config.id) : nullptr;
    const bool was_serving = old && old->state == PluginState::kLoaded;
    const bool serving = p.state == PluginState::kLoaded;
    if (serving && !was_serving) {
      changes.push_back("enabled " + Describe(*p.service));
    } else if (!serving && was_serving) {
      changes.push_back(std::string(p.state == PluginState::kDisabled ? "disabled " : "failed ") +
                        p.config.id);
    } else if (serving && old->service->isolation() != p.service->isolation()) {
      changes.push_back("isolation of " + p.config.id + ": " + IsolationName(old->service->isolation()) + " -> " +
                        IsolationName(p.service->isolation()));
    } else if (serving && p.service->isolation() == Isolation::kProcess &&
               old->service->library().info().version() == p.service->library().info().version() &&
               old->service->library().path() == p.service->library().path()) {
      changes.push_back("restarted the runner of " + p.config.id +
                        (old->service->settings() == p.service->settings() ? "" : " (reconfigured)"));
    } else if (serving && old->service != p.service) {
      const auto& before = old->service->library().info();
      const auto& after = p.service->library().info();
      if (before.version() != after.version() || old->service->library_ptr() != p.service->library_ptr()) {
        changes.push_back("replaced " + p.config.id + " " + before.version() + " -> " +
                          after.version() + " (" + p.service->library().path().string() + ")");
      } else {
        changes.push_back("reconfigured " + p.config.id);
      }
    }
  }
  if (previous) {
    for (const ConfiguredPlugin& old : previous->plugins()) {
      bool still = false;
      for (const ConfiguredPlugin& p : plugins) still = still || p.config.id == old.config.id;
      if (!still) changes.push_back("removed " + old.config.id);
    }
  }
}

}  // namespace

SnapshotBuild BuildSnapshot(const Config& config, uint64_t generation,
                            const PluginSnapshot* previous) {
  SnapshotBuild build;
  std::vector<ConfiguredPlugin> plugins;
  plugins.reserve(config.plugins.size());
  for (const PluginConfig& pc : config.plugins) {
    ConfiguredPlugin entry;
    entry.config = pc;
    if (!pc.enabled) {
      entry.state = PluginState::kDisabled;
      plugins.push_back(std::move(entry));
      continue;
    }
    // Who can change the file is checked before it is read; the pin on the copy Load maps.
    const absl::Status trusted = CheckPluginTrust(pc.path);
    if (pc.isolation == Isolation::kProcess) {
      // The library is mapped only in its runner; cdsd learns its PluginInfo from the handshake.
      auto created = trusted.ok() ? PluginService::CreateIsolated(pc, config.plugin_runners, config.shared_settings)
                                  : absl::StatusOr<std::shared_ptr<PluginService>>(trusted);
      if (created.ok()) {
        entry.service = *std::move(created);
        entry.state = PluginState::kLoaded;
      } else {
        entry.state = PluginState::kFailed;
        entry.error = std::string(created.status().message());
        build.failures.push_back(pc.location + ": " + pc.id + ": " + entry.error);
      }
      plugins.push_back(std::move(entry));
      continue;
    }
    auto library = trusted.ok() ? PluginLibrary::Load(pc.path, pc.sha256)
                                : absl::StatusOr<std::shared_ptr<const PluginLibrary>>(trusted);
    if (!library.ok()) {
      entry.state = PluginState::kFailed;
      entry.error = std::string(library.status().message());
    } else {
      nlohmann::json settings = EffectiveSettings(pc, config.shared_settings, **library);
      if (auto reused = Reusable(previous, pc, *library, settings)) {
        entry.service = std::move(reused);
        entry.state = PluginState::kLoaded;
      } else if (auto created = PluginService::Create(pc, *library, std::move(settings)); created.ok()) {
        entry.service = *std::move(created);
        entry.state = PluginState::kLoaded;
      } else {
        entry.state = PluginState::kFailed;
        entry.error = std::string(created.status().message());
      }
    }
    if (entry.state == PluginState::kFailed) {
      build.failures.push_back(pc.location + ": " + pc.id + ": " + entry.error);
    }
    plugins.push_back(std::move(entry));
  }
  RecordChanges(previous, plugins, build.changes);
  build.snapshot = std::make_shared<const PluginSnapshot>(generation, config, std::move(plugins));
  return build;
}

}  // namespace cdsd
