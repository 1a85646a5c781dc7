#include "triage_settings.h"

#include <stdexcept>

#include "plain_text.h"

namespace cds::triage {

const cds::sdk::SettingsSchema& TriageSettingsSchema() {
  static const cds::sdk::SettingsSchema schema(EmbeddedKnowledge().settings);
  return schema;
}

TriageSettings::TriageSettings(const TriageKnowledge& knowledge, const nlohmann::json& given)
    : values_(cds::sdk::SettingsSchema(knowledge.settings).Parse(given)) {
  TriageThresholds& t = thresholds_;
  t.bp_rise_systolic_mmhg = values_.Number("bp_rise_systolic_mmhg");
  t.bp_rise_diastolic_mmhg = values_.Number("bp_rise_diastolic_mmhg");
  t.bp_severe_systolic_mmhg = values_.Number("bp_severe_systolic_mmhg");
  t.bp_severe_diastolic_mmhg = values_.Number("bp_severe_diastolic_mmhg");
  t.spo2_low_percent = values_.Number("spo2_low_percent");
  t.respiratory_rate_slow_per_min = values_.Number("respiratory_rate_slow_per_min");
  t.discharge_minimum_minutes = static_cast<int>(values_.Integer("discharge_minimum_minutes"));
  t.persistent_effect_minutes = static_cast<int>(values_.Integer("persistent_effect_minutes"));
  t.discharge_bp_systolic_margin_mmhg = values_.Number("discharge_bp_systolic_margin_mmhg");
  t.discharge_bp_diastolic_margin_mmhg = values_.Number("discharge_bp_diastolic_margin_mmhg");
  t.pre_dose_caution_systolic_mmhg = values_.Number("pre_dose_caution_systolic_mmhg");
  t.pre_dose_caution_diastolic_mmhg = values_.Number("pre_dose_caution_diastolic_mmhg");
  t.spo2_floor_percent = values_.Number("spo2_floor_percent");
  t.spo2_fall_percent = values_.Number("spo2_fall_percent");
  t.respiratory_rate_floor_per_min = values_.Number("respiratory_rate_floor_per_min");
  t.heart_rate_low_bpm = values_.Number("heart_rate_low_bpm");
  t.heart_rate_high_bpm = values_.Number("heart_rate_high_bpm");
  t.hypotension_systolic_mmhg = values_.Number("hypotension_systolic_mmhg");
  t.bp_fall_systolic_percent = values_.Number("bp_fall_systolic_percent");
  auto integer = [&](const char* name) { return static_cast<int>(values_.Integer(name)); };
  t.sedation_severe_moaas_max = integer("sedation_severe_moaas_max");
  t.sedation_severe_rass_max = integer("sedation_severe_rass_max");
  t.sedation_unrousable_moaas_max = integer("sedation_unrousable_moaas_max");
  t.sedation_unrousable_rass_max = integer("sedation_unrousable_rass_max");
  t.dissociation_cadss_resolved_max = integer("dissociation_cadss_resolved_max");
  t.discharge_minimum_minutes_child_pugh_b = integer("discharge_minimum_minutes_child_pugh_b");
  t.discharge_vitals_max_age_minutes = integer("discharge_vitals_max_age_minutes");
  t.discharge_bp_ceiling_systolic_mmhg = values_.Number("discharge_bp_ceiling_systolic_mmhg");
  t.discharge_bp_ceiling_diastolic_mmhg = values_.Number("discharge_bp_ceiling_diastolic_mmhg");
  t.infusion_bp_systolic_mmhg = values_.Number("infusion_bp_systolic_mmhg");
  t.infusion_bp_diastolic_mmhg = values_.Number("infusion_bp_diastolic_mmhg");
  for (const LabTest& test : knowledge.lab_tests) {
    t.lab_upper_limits.push_back(values_.Number(test.limit_setting));
  }
  // Settings that only make sense in one order; a site could otherwise switch a rule off.
  auto require = [](bool ok, const char* message) {
    if (!ok) throw cds::sdk::SettingsError(std::string("invalid settings: ") + message);
  };
  require(t.discharge_minimum_minutes_child_pugh_b >= t.discharge_minimum_minutes,
          "discharge_minimum_minutes_child_pugh_b must not be below discharge_minimum_minutes");
  require(t.spo2_low_percent <= t.spo2_floor_percent,
          "spo2_low_percent must not be above spo2_floor_percent");
  require(t.respiratory_rate_slow_per_min <= t.respiratory_rate_floor_per_min,
          "respiratory_rate_slow_per_min must not be above respiratory_rate_floor_per_min");
  require(t.sedation_unrousable_moaas_max < t.sedation_severe_moaas_max,
          "sedation_unrousable_moaas_max must be below sedation_severe_moaas_max");
  require(t.sedation_unrousable_rass_max < t.sedation_severe_rass_max,
          "sedation_unrousable_rass_max must be below sedation_severe_rass_max");
  require(t.discharge_bp_ceiling_systolic_mmhg <= t.bp_severe_systolic_mmhg &&
              t.discharge_bp_ceiling_diastolic_mmhg <= t.bp_severe_diastolic_mmhg,
          "the discharge blood-pressure ceiling must not be above the severe category");
  require(t.heart_rate_low_bpm < t.heart_rate_high_bpm,
          "heart_rate_low_bpm must be below heart_rate_high_bpm");
  // A "near baseline" margin as wide as the rise that calls for extended monitoring would let a
  // patient be discharged with the very rise the triage flags.
  if (t.discharge_bp_systolic_margin_mmhg >= t.bp_rise_systolic_mmhg) {
    throw cds::sdk::SettingsError(
        "invalid settings: discharge_bp_systolic_margin_mmhg must be below bp_rise_systolic_mmhg");
  }
  if (t.discharge_bp_diastolic_margin_mmhg >= t.bp_rise_diastolic_mmhg) {
    throw cds::sdk::SettingsError(
        "invalid settings: discharge_bp_diastolic_margin_mmhg must be below "
        "bp_rise_diastolic_mmhg");
  }
}

std::string TriageSettings::Render(std::string_view text) const {
  std::string out;
  out.reserve(text.size() + 16);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      throw std::logic_error("unclosed placeholder in knowledge text");
    }
    out.append(text.substr(pos, open - pos));
    const std::string name(text.substr(open + 1, close - open - 1));
    auto it = values_.values().find(name);
    if (it == values_.values().end()) {
      throw std::logic_error("knowledge text names unknown setting " + name);
    }
    out += Number(it->get<double>());
    pos = close + 1;
  }
  return out;
}

}  // namespace cds::triage
