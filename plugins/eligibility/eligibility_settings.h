// The operator's settings of the eligibility service: every threshold the clinical reference
// gives with a default, and every place where sources disagree, declared once as data with its
// default and source, then read into a typed struct when an instance is created.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SETTINGS_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SETTINGS_H_

#include <cds/sdk/settings.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "eligibility_knowledge.h"

namespace cds::eligibility {

struct EligibilitySettings {
  // "us-2025", "us-2019" or "eu"; shared by name and values with the dosing service.
  std::string label_edition = "us-2025";
  // Assessed when the request carries no treatment course product / indication.
  Product default_product = Product::kEsketamineNasalSpray;
  Indication default_indication = Indication::kTrd;
  int minimum_age = 18;
  int min_failed_trials = 2;
  double adequate_trial_weeks = 6;
  double non_response_max_improvement_percent = 25;
  // True: improvement at the threshold still counts as non-response ("<= 25 %", S17).
  // False: it must be strictly below ("< 50 %", S20).
  bool non_response_inclusive = true;
  // 0 = no limit.
  int max_trials_counted = 0;
  double bp_caution_systolic = 140;
  double bp_caution_diastolic = 90;
  // At or above either: do not dose today.
  double bp_defer_systolic = 180;
  double bp_defer_diastolic = 110;
  // Windows of the recent-myocardial-infarction criteria, in days.
  int recent_mi_review_days = 365;
  int eu_recent_cardiovascular_event_days = 42;
  // 0 = a reading of any age counts.
  int blood_pressure_max_age_days = 30;
  double benzodiazepine_diazepam_equivalent_mg = 8;
  // Comma-separated paths of FHIR ValueSet files adding site codes to knowledge code lists.
  std::string value_set_files;

  static const cds::sdk::SettingsSchema& Schema();
  // Validates and reads the operator's JSON object. Throws cds::sdk::SettingsError naming the
  // setting.
  static EligibilitySettings FromJson(const nlohmann::json& given);

  // Replaces each {setting_name} (and {non_response_rule}) in `text` with this instance's value,
  // so descriptions on the card state the thresholds in force. Throws std::invalid_argument for
  // an unknown placeholder.
  std::string Fill(std::string_view text) const;

  // The value of a window setting named by the knowledge file (recent_mi_review_days, ...).
  // Throws std::invalid_argument for any other name.
  int WindowDays(std::string_view name) const;
};

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_SETTINGS_H_
