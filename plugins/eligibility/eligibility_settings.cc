#include "eligibility_settings.h"

#include <cds/sdk/clinical.h>

#include <stdexcept>

namespace cds::eligibility {

using cds::sdk::SettingSpec;

const cds::sdk::SettingsSchema& EligibilitySettings::Schema() {
  static const cds::sdk::SettingsSchema schema({
      {.name = "label_edition",
       .type = SettingSpec::Type::kString,
       .default_value = "us-2025",
       .description = "Esketamine label edition whose oral-antidepressant rule applies: us-2025 "
                      "(TRD alone or with an oral antidepressant), us-2019 (with one), eu (with "
                      "an SSRI or SNRI). MDSI always requires one",
       .source = "clinical reference section 1 (S12, S13c; S2, S5, S39)",
       .allowed = {"us-2025", "us-2019", "eu"}},
      {.name = "default_product",
       .type = SettingSpec::Type::kString,
       .default_value = "esketamine-nasal-spray",
       .description = "Product assessed when the request has no treatment course product",
       .source = "issue: patient-view without a course assesses esketamine nasal spray",
       .allowed = {"esketamine-nasal-spray", "iv-racemic-ketamine"}},
      {.name = "default_indication",
       .type = SettingSpec::Type::kString,
       .default_value = "trd",
       .description = "Indication assessed when the request has no treatment course indication",
       .source = "issue: patient-view without a course assesses TRD",
       .allowed = {"trd", "mdsi"}},
      {.name = "minimum_age",
       .type = SettingSpec::Type::kInteger,
       .default_value = 18,
       .description = "Minimum age in completed years on the evaluation date",
       .source = "S2 (not approved in pediatric patients)",
       .minimum = 0,
       .maximum = 120},
      {.name = "min_failed_trials",
       .type = SettingSpec::Type::kInteger,
       .default_value = 2,
       .description = "Different oral antidepressants that must have failed in the current "
                      "episode for TRD",
       .source = "S12, S17, S19",
       .minimum = 1,
       .maximum = 10},
      {.name = "adequate_trial_weeks",
       .type = SettingSpec::Type::kNumber,
       .default_value = 6,
       .description = "Minimum weeks at an adequate dose for a trial to count (4 per S20)",
       .source = "S17 (esketamine phase 3 programme)",
       .minimum = 1,
       .maximum = 52},
      {.name = "non_response_max_improvement_percent",
       .type = SettingSpec::Type::kNumber,
       .default_value = 25,
       .description = "Improvement threshold for non-response, in percent (50 per S20); see "
                      "non_response_comparison for whether the threshold itself counts",
       .source = "S17 (esketamine phase 3 programme)",
       .minimum = 0,
       .maximum = 100},
      {.name = "non_response_comparison",
       .type = SettingSpec::Type::kString,
       .default_value = "at_or_below",
       .description = "at_or_below: improvement <= threshold is non-response (S17, 25 %); "
                      "below: improvement < threshold is non-response (S20, 50 %)",
       .source = "S17",
       .allowed = {"at_or_below", "below"}},
      {.name = "max_trials_counted",
       .type = SettingSpec::Type::kInteger,
       .default_value = 0,
       .description = "Upper limit on failed trials in the current episode for which efficacy "
                      "was studied (TRANSFORM-3 enrolled up to 5); more needs review. 0 = no "
                      "limit; otherwise at least min_failed_trials",
       .source = "S18 (TRANSFORM-3 eligibility)",
       .minimum = 0,
       .maximum = 50},
      {.name = "bp_caution_systolic",
       .type = SettingSpec::Type::kNumber,
       .default_value = 140,
       .description = "Pre-dose systolic blood pressure above which (strictly) review is needed, "
                      "mmHg",
       .source = "S6",
       .minimum = 60,
       .maximum = 250},
      {.name = "bp_caution_diastolic",
       .type = SettingSpec::Type::kNumber,
       .default_value = 90,
       .description = "Pre-dose diastolic blood pressure above which (strictly) review is "
                      "needed, mmHg",
       .source = "S6",
       .minimum = 30,
       .maximum = 150},
      {.name = "bp_defer_systolic",
       .type = SettingSpec::Type::kNumber,
       .default_value = 180,
       .description = "Pre-dose systolic blood pressure at or above which the patient is not "
                      "dosed today (until controlled), mmHg",
       .source = "US prescribing information section 5 (blood pressure), with the 180/110 "
                 "threshold of a hypertensive urgency",
       .minimum = 100,
       .maximum = 300},
      {.name = "bp_defer_diastolic",
       .type = SettingSpec::Type::kNumber,
       .default_value = 110,
       .description = "Pre-dose diastolic blood pressure at or above which the patient is not "
                      "dosed today (until controlled), mmHg",
       .source = "as bp_defer_systolic",
       .minimum = 60,
       .maximum = 200},
      {.name = "recent_mi_review_days",
       .type = SettingSpec::Type::kInteger,
       .default_value = 365,
       .description = "A myocardial infarction with onset within this many days needs careful "
                      "assessment (the phase 3 studies excluded MI within 12 months)",
       .source = "US prescribing information section 5; manufacturer's medical information on "
                 "the phase 3 exclusions",
       .minimum = 0,
       .maximum = 3650},
      {.name = "eu_recent_cardiovascular_event_days",
       .type = SettingSpec::Type::kInteger,
       .default_value = 42,
       .description = "Under the EU label edition, a myocardial infarction with onset within this "
                      "many days is a contraindication (recent cardiovascular event, 6 weeks)",
       .source = "EU SmPC section 4.3",
       .minimum = 0,
       .maximum = 3650},
      {.name = "blood_pressure_max_age_days",
       .type = SettingSpec::Type::kInteger,
       .default_value = 30,
       .description = "Oldest blood-pressure reading (days before the evaluation) accepted as "
                      "pre-dose; older or undated normal readings leave the criterion unknown. "
                      "0 = any age",
       .source = "site policy: the clinical reference sets no limit",
       .minimum = 0,
       .maximum = 3650},
      {.name = "benzodiazepine_diazepam_equivalent_mg",
       .type = SettingSpec::Type::kNumber,
       .default_value = 8,
       .description = "Daily benzodiazepine dose, as diazepam-equivalent mg, above which "
                      "(strictly) IV ketamine needs review",
       .source = "S27a",
       .minimum = 0,
       .maximum = 200},
      {.name = "value_set_files",
       .type = SettingSpec::Type::kString,
       .default_value = "",
       .description = "Comma-separated paths of FHIR ValueSet JSON files whose "
                      "expansion.contains codes are added to the knowledge code list named by "
                      "the ValueSet's useContext (system urn:cdsd:eligibility:code-list). Empty: "
                      "the knowledge file's codes only",
       .source = "site policy: local and more specific codes"},
  });
  return schema;
}

EligibilitySettings EligibilitySettings::FromJson(const nlohmann::json& given) {
  const cds::sdk::Settings parsed = Schema().Parse(given);
  EligibilitySettings s;
  s.label_edition = parsed.String("label_edition");
  s.default_product = *ProductFromKey(parsed.String("default_product"));
  s.default_indication = *IndicationFromKey(parsed.String("default_indication"));
  s.minimum_age = static_cast<int>(parsed.Integer("minimum_age"));
  s.min_failed_trials = static_cast<int>(parsed.Integer("min_failed_trials"));
  s.adequate_trial_weeks = parsed.Number("adequate_trial_weeks");
  s.non_response_max_improvement_percent = parsed.Number("non_response_max_improvement_percent");
  s.non_response_inclusive = parsed.String("non_response_comparison") == "at_or_below";
  s.max_trials_counted = static_cast<int>(parsed.Integer("max_trials_counted"));
  s.bp_caution_systolic = parsed.Number("bp_caution_systolic");
  s.bp_caution_diastolic = parsed.Number("bp_caution_diastolic");
  s.bp_defer_systolic = parsed.Number("bp_defer_systolic");
  s.bp_defer_diastolic = parsed.Number("bp_defer_diastolic");
  s.recent_mi_review_days = static_cast<int>(parsed.Integer("recent_mi_review_days"));
  s.eu_recent_cardiovascular_event_days =
      static_cast<int>(parsed.Integer("eu_recent_cardiovascular_event_days"));
  if (s.bp_defer_systolic <= s.bp_caution_systolic ||
      s.bp_defer_diastolic <= s.bp_caution_diastolic) {
    throw cds::sdk::SettingsError(
        "invalid settings: bp_defer_systolic/bp_defer_diastolic: must be above the caution "
        "thresholds");
  }
  s.blood_pressure_max_age_days = static_cast<int>(parsed.Integer("blood_pressure_max_age_days"));
  s.benzodiazepine_diazepam_equivalent_mg = parsed.Number("benzodiazepine_diazepam_equivalent_mg");
  s.value_set_files = parsed.String("value_set_files");
  if (s.max_trials_counted != 0 && s.max_trials_counted < s.min_failed_trials) {
    throw cds::sdk::SettingsError(
        "invalid settings: max_trials_counted: must be 0 (no limit) or at least "
        "min_failed_trials");
  }
  return s;
}

int EligibilitySettings::WindowDays(std::string_view name) const {
  if (name == "recent_mi_review_days") return recent_mi_review_days;
  if (name == "eu_recent_cardiovascular_event_days") return eu_recent_cardiovascular_event_days;
  throw std::invalid_argument("eligibility knowledge: unknown window setting " + std::string(name));
}

std::string EligibilitySettings::Fill(std::string_view text) const {
  auto value_of = [this](std::string_view name) -> std::string {
    if (name == "minimum_age") return std::to_string(minimum_age);
    if (name == "min_failed_trials") return std::to_string(min_failed_trials);
    if (name == "adequate_trial_weeks") return cds::sdk::FormatNumber(adequate_trial_weeks);
    if (name == "non_response_max_improvement_percent") {
      return cds::sdk::FormatNumber(non_response_max_improvement_percent);
    }
    if (name == "non_response_rule") return non_response_inclusive ? "at or below" : "below";
    if (name == "max_trials_counted") return std::to_string(max_trials_counted);
    if (name == "bp_caution_systolic") return cds::sdk::FormatNumber(bp_caution_systolic);
    if (name == "bp_caution_diastolic") return cds::sdk::FormatNumber(bp_caution_diastolic);
    if (name == "bp_defer_systolic") return cds::sdk::FormatNumber(bp_defer_systolic);
    if (name == "bp_defer_diastolic") return cds::sdk::FormatNumber(bp_defer_diastolic);
    if (name == "recent_mi_review_days" || name == "eu_recent_cardiovascular_event_days") {
      return std::to_string(WindowDays(name));
    }
    if (name == "blood_pressure_max_age_days") {
      return blood_pressure_max_age_days == 0 ? std::string("any number of")
                                              : std::to_string(blood_pressure_max_age_days);
    }
    if (name == "benzodiazepine_diazepam_equivalent_mg") {
      return cds::sdk::FormatNumber(benzodiazepine_diazepam_equivalent_mg);
    }
    throw std::invalid_argument("eligibility knowledge: unknown placeholder {" + std::string(name) +
                                "}");
  };
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("eligibility knowledge: unclosed placeholder");
    }
    out.append(text.substr(pos, open - pos));
    out += value_of(text.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace cds::eligibility
