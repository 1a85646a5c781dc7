// The plugin being checked: its library as cdsd's loader validated it, the settings to create
// instances with, and the sample requests. Instances are cdsd PluginServices, so every call goes
// through the same code path as in the daemon.
#ifndef CDS_PLUGIN_CHECK_PLUGIN_UNDER_TEST_H_
#define CDS_PLUGIN_CHECK_PLUGIN_UNDER_TEST_H_

#include <absl/status/statusor.h>
#include <cds/plugin/v1/plugin.pb.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/plugin_library.h"
#include "plugin/plugin_service.h"
#include "sample_requests.h"

namespace cds_plugin_check {

// One answer of evaluate, copied out of the plugin's buffers.
struct Answer {
  cds_status status = CDS_STATUS_INTERNAL;
  std::string response;
  std::string error;

  // Equal when the status and the response bytes are: determinism is about the answer, and an
  // error message may legitimately vary.
  bool operator==(const Answer& other) const {
    return status == other.status && response == other.response;
  }
};

class PluginUnderTest {
 public:
  PluginUnderTest(std::shared_ptr<const cdsd::PluginLibrary> library, nlohmann::json settings,
                  std::vector<SampleRequest> samples)
      : library_(std::move(library)), settings_(std::move(settings)), samples_(std::move(samples)) {}

  const cdsd::PluginLibrary& library() const { return *library_; }
  const cds_plugin_api& api() const { return library_->api(); }
  const nlohmann::json& settings() const { return settings_; }
  const std::vector<SampleRequest>& samples() const { return samples_; }

  // A new instance created with the checker's settings, as cdsd creates one.
  absl::StatusOr<std::shared_ptr<cdsd::PluginService>> NewInstance() const;

 private:
  std::shared_ptr<const cdsd::PluginLibrary> library_;
  nlohmann::json settings_;
  std::vector<SampleRequest> samples_;
};

Answer Call(const cdsd::PluginService& instance, std::string_view request);

// "OK", or "INTERNAL: the plugin's message".
std::string Describe(const Answer& answer);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_PLUGIN_UNDER_TEST_H_
