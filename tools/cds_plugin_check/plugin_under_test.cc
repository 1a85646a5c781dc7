// Instances and calls of the plugin under test, through cdsd's PluginService.
#include "plugin_under_test.h"

namespace cds_plugin_check {

// The service id instances get: cdsd passes it to the plugin in EvaluateInput.service_id.
constexpr char kServiceId[] = "cds-plugin-check";

absl::StatusOr<std::shared_ptr<cdsd::PluginService>> PluginUnderTest::NewInstance() const {
  const cdsd::PluginConfig config{.id = kServiceId, .path = library_->path()};
  return cdsd::PluginService::Create(config, library_, settings_);
}

Answer Call(const cdsd::PluginService& instance, std::string_view request) {
  cdsd::PluginCallResult result = instance.Evaluate(request);
  Answer answer{result.status, "", std::move(result.error)};
  if (result.response.size() > 0) {
    answer.response.assign(reinterpret_cast<const char*>(result.response.data()),
                           result.response.size());
  }
  return answer;
}

std::string Describe(const Answer& answer) {
  std::string text = cdsd::StatusName(answer.status);
  if (answer.status != CDS_STATUS_OK) text += ": " + answer.error;
  return text;
}

}  // namespace cds_plugin_check
