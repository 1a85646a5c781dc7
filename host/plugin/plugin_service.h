// One configured service: a validated plugin library plus an instance created with the operator's
// settings, either mapped into cdsd (isolation: in_process) or living in a cdsd-plugin-runner
// process (isolation: process, see runner_client.h). Destroyed (plugin `destroy`, or the runner
// stopped) only when the last reference goes, so an in-flight call that holds a reference always
// finishes on a live instance, even after a reload retired it.
#ifndef CDSD_HOST_PLUGIN_PLUGIN_SERVICE_H_
#define CDSD_HOST_PLUGIN_PLUGIN_SERVICE_H_

#include <absl/status/statusor.h>
#include <cds/v1/decision_support.pb.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.h"
#include "plugin/plugin_library.h"
#include "plugin/runner_client.h"
#include "plugin/service_stats.h"

namespace cdsd {

// Bytes returned by a plugin: released with that plugin's free_bytes (in_process), or a copy
// owned by cdsd (received from a plugin runner).
class PluginBytes {
 public:
  PluginBytes() = default;
  PluginBytes(const cds_plugin_api* api, cds_bytes bytes) : api_(api), bytes_(bytes) {}
  explicit PluginBytes(std::string owned) : owned_(std::move(owned)) {
    bytes_ = {reinterpret_cast<uint8_t*>(owned_.data()), owned_.size()};
  }
  PluginBytes(PluginBytes&& other) noexcept { *this = std::move(other); }
  PluginBytes& operator=(PluginBytes&& other) noexcept;
  PluginBytes(const PluginBytes&) = delete;
  PluginBytes& operator=(const PluginBytes&) = delete;
  ~PluginBytes() { Release(); }

  const uint8_t* data() const { return bytes_.data; }
  size_t size() const { return bytes_.data ? bytes_.size : 0; }

 private:
  void Release();
  const cds_plugin_api* api_ = nullptr;
  cds_bytes bytes_{nullptr, 0};
  std::string owned_;
};

struct PluginCallResult {
  cds_status status = CDS_STATUS_INTERNAL;
  PluginBytes response;
  std::string error;
  // isolation: process: no answer came before the call's deadline (reported as TIMEOUT).
  bool deadline_passed = false;
  // isolation: process: the plugin was not (or no longer) reachable: `error` is cdsd's own
  // message (runner crashed, restarting, circuit open, poison request), not the plugin's.
  bool runner_failure = false;
};

// What a call knows besides its bytes. Used by isolation: process only (an in-process call
// cannot be bounded or fingerprinted usefully: the deadline timer abandons it instead).
struct PluginCallContext {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  uint64_t fingerprint = 0;       // RequestFingerprint of the request minus its evaluation id
  std::string_view evaluation_id;  // for the crash log line
};

class PluginService {
 public:
  // Creates the plugin instance with `settings` (the operator's settings merged with the shared
  // settings the plugin declares). Errors carry the plugin's message.
  static absl::StatusOr<std::shared_ptr<PluginService>> Create(
      const PluginConfig& config, std::shared_ptr<const PluginLibrary> library,
      nlohmann::json settings);
  // isolation: process. Starts a runner for `config`, learns the plugin's PluginInfo from it,
  // merges `shared_settings` as EffectiveSettings does, and creates the instance in the runner.
  static absl::StatusOr<std::shared_ptr<PluginService>> CreateIsolated(const PluginConfig& config,
                                                                       const PluginRunnerConfig& runners,
                                                                       const nlohmann::json& shared_settings);
  ~PluginService();
  PluginService(const PluginService&) = delete;
  PluginService& operator=(const PluginService&) = delete;

  // Calls the plugin. Thread-safe: the plugin contract requires a concurrent evaluate.
  PluginCallResult Evaluate(std::string_view request, const PluginCallContext& context = {}) const;

  Isolation isolation() const { return runner_ ? Isolation::kProcess : Isolation::kInProcess; }
  // The runner of an isolation: process service, else null.
  const RunnerClient* runner() const { return runner_.get(); }

  const std::string& id() const { return id_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  const PluginLibrary& library() const { return *library_; }
  const std::shared_ptr<const PluginLibrary>& library_ptr() const { return library_; }
  const nlohmann::json& settings() const { return settings_; }
  bool Answers(std::string_view hook) const;
  ServiceStats& stats() const { return *stats_; }
  // Calls of this instance abandoned at their timeout that have not returned yet. Per instance,
  // not per service id: a reload that replaces a hung plugin starts with a clean count.
  std::atomic<int64_t>& stuck_calls() const { return stuck_calls_; }
  const cds::v1::ServiceDescriptor& descriptor() const { return descriptor_; }

  PluginService(std::string id, std::chrono::milliseconds timeout,
                std::shared_ptr<const PluginLibrary> library, nlohmann::json settings,
                cds_plugin_instance* instance, std::unique_ptr<RunnerClient> runner = nullptr);

 private:
  std::string id_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<const PluginLibrary> library_;
  nlohmann::json settings_;
  cds_plugin_instance* instance_;                // in_process
  std::unique_ptr<RunnerClient> runner_;        // process
  std::shared_ptr<ServiceStats> stats_;
  mutable std::atomic<int64_t> stuck_calls_{0};
  cds::v1::ServiceDescriptor descriptor_;
};

// The operator's settings plus every shared setting the plugin declares and the operator did
// not set for this plugin.
nlohmann::json EffectiveSettings(const PluginConfig& config, const nlohmann::json& shared_settings,
                                 const PluginLibrary& library);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_PLUGIN_SERVICE_H_
