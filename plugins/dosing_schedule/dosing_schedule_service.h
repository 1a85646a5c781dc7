// The ketamine-dosing-schedule service: the plugin class the SDK wraps in the C ABI. It answers
// order-select and order-sign for a ketamine or esketamine order, and treatment-review for a
// course in progress, with one card holding a dated session calendar and its basis.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SCHEDULE_SERVICE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SCHEDULE_SERVICE_H_

#include <cds/plugin/v1/plugin.pb.h>

#include <nlohmann/json.hpp>

#include "course_assessment.h"

namespace cds::dosing {

inline constexpr char kServiceId[] = "ketamine-dosing-schedule";
inline constexpr char kPluginVersion[] = "1.0.0";

class DosingScheduleService {
 public:
  static cds::plugin::v1::PluginInfo Info();

  // Throws sdk::SettingsError for invalid settings (naming the setting).
  explicit DosingScheduleService(const nlohmann::json& settings);

  // Thread-safe: reads only the policy fixed at construction.
  void Evaluate(const cds::plugin::v1::EvaluateInput& input,
                cds::plugin::v1::EvaluateOutput& output) const;

 private:
  DosingPolicy policy_;
};

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SCHEDULE_SERVICE_H_
