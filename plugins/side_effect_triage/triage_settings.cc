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
  for (const LabTest& test : knowledge.lab_tests) {
    t.lab_upper_limits.push_back(values_.Number(test.limit_setting));
  }
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
