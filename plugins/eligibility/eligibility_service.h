// The ketamine-eligibility service: decides whether a patient is eligible for esketamine nasal
// spray or IV racemic ketamine, and answers the patient-view and order-select hooks with one
// card listing every criterion, its inputs, the missing inputs and the sources.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SERVICE_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SERVICE_H_

#include <cds/plugin/v1/plugin.pb.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "eligibility_card.h"
#include "eligibility_knowledge.h"
#include "eligibility_settings.h"

namespace cds::eligibility {

inline constexpr const char* kServiceId = "ketamine-eligibility";
inline constexpr const char* kPluginVersion = "1.0.0";

class EligibilityService {
 public:
  static cds::plugin::v1::PluginInfo Info();

  // Throws cds::sdk::SettingsError naming the setting.
  explicit EligibilityService(const nlohmann::json& settings);

  // Thread-safe: reads only the request and this instance's immutable state.
  // Throws cds::sdk::Unsupported for a hook it does not answer and cds::sdk::InvalidRequest
  // when the evaluation date is missing.
  void Evaluate(const cds::plugin::v1::EvaluateInput& input,
                cds::plugin::v1::EvaluateOutput& output) const;

 private:
  // Text fixed for the life of the instance, so a request only fills in outcomes.
  struct PreparedText {
    std::string description;
    std::string not_applicable;
  };

  const Knowledge& knowledge_;
  EligibilitySettings settings_;
  const LabelEdition* label_edition_;
  // The knowledge file's criteria with this instance's site value sets added to their codes.
  std::vector<CriterionSpec> criteria_;
  // One entry per knowledge criterion, in knowledge order.
  std::vector<CriterionLabels> labels_;
  std::vector<PreparedText> texts_;
};

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SERVICE_H_
