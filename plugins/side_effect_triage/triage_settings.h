// The operator settings of one triage instance: validated against the settings declared in the
// knowledge file (each with its cited default), then held as plain numbers so that Evaluate never
// looks anything up by name.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_SETTINGS_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_SETTINGS_H_

#include <cds/sdk/settings.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "triage_knowledge.h"

namespace cds::triage {

struct TriageThresholds {
  double bp_rise_systolic_mmhg = 0;
  double bp_rise_diastolic_mmhg = 0;
  double bp_severe_systolic_mmhg = 0;
  double bp_severe_diastolic_mmhg = 0;
  double spo2_low_percent = 0;
  double respiratory_rate_slow_per_min = 0;
  int discharge_minimum_minutes = 0;
  int persistent_effect_minutes = 0;
  double discharge_bp_systolic_margin_mmhg = 0;
  double discharge_bp_diastolic_margin_mmhg = 0;
  double pre_dose_caution_systolic_mmhg = 0;
  double pre_dose_caution_diastolic_mmhg = 0;
  double spo2_floor_percent = 0;
  double spo2_fall_percent = 0;
  double respiratory_rate_floor_per_min = 0;
  double heart_rate_low_bpm = 0;
  double heart_rate_high_bpm = 0;
  double hypotension_systolic_mmhg = 0;
  double bp_fall_systolic_percent = 0;
  int sedation_severe_moaas_max = 0;
  int sedation_severe_rass_max = 0;
  int sedation_unrousable_moaas_max = 0;
  int sedation_unrousable_rass_max = 0;
  int dissociation_cadss_resolved_max = 0;
  int discharge_minimum_minutes_child_pugh_b = 0;
  int discharge_vitals_max_age_minutes = 0;
  double discharge_bp_ceiling_systolic_mmhg = 0;
  double discharge_bp_ceiling_diastolic_mmhg = 0;
  double infusion_bp_systolic_mmhg = 0;
  double infusion_bp_diastolic_mmhg = 0;
  // Upper limits of normal, parallel to TriageKnowledge::lab_tests, in each test's first unit.
  std::vector<double> lab_upper_limits;
};

class TriageSettings {
 public:
  // Throws cds::sdk::SettingsError naming every bad or unknown setting.
  TriageSettings(const TriageKnowledge& knowledge, const nlohmann::json& given);

  const TriageThresholds& thresholds() const { return thresholds_; }

  // Replaces each "{setting_name}" in `text` with that setting's value ("180", "1.2").
  // Throws std::logic_error for a name that is not a setting: a knowledge-file typo.
  std::string Render(std::string_view text) const;

 private:
  cds::sdk::Settings values_;
  TriageThresholds thresholds_;
};

// The schema built from the knowledge file's settings (for PluginInfo and for parsing).
const cds::sdk::SettingsSchema& TriageSettingsSchema();

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_SETTINGS_H_
