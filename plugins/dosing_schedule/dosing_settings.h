// The operator settings of the dosing-schedule plugin: declared once as data (type, default, the
// source of the default, bounds) for the JSON Schema and strict parsing, then read into typed
// values once per instance.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SETTINGS_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SETTINGS_H_

#include <cds/sdk/settings.h>

#include <nlohmann/json.hpp>
#include <string>

namespace cds::dosing {

struct DosingSettings {
  // "us-2025", "us-2019" or "eu": the same name and values as the eligibility plugin.
  std::string label_edition;
  int calendar_weeks = 0;
  int min_days_between_sessions = 0;
  // Day of each course week (0 = the weekday the course started) of the second of two weekly
  // sessions.
  int second_session_day = 0;
  // "every-2-weeks" or "weekly".
  std::string maintenance_interval;
  int maintenance_interval_weeks = 0;
  int missed_session_grace_days = 0;
  int iv_vitals_interval_minutes = 0;
  int iv_observation_minutes_after_infusion = 0;
  int iv_review_after_infusions = 0;
  double iv_weight_limit_kg = 0;
  int iv_sessions_per_week = 0;
  double iv_dose_mg_per_kg = 0;
  int iv_infusion_minutes = 0;
  int weight_max_age_days = 0;
  double response_madrs_reduction_percent = 0;
  double remission_madrs_max = 0;
};

const sdk::SettingsSchema& DosingSettingsSchema();

// Validates the operator's settings (unknown keys, types, bounds, and the combinations that
// cannot produce a calendar) and fills defaults. Throws sdk::SettingsError naming the setting.
DosingSettings ParseDosingSettings(const nlohmann::json& given);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_DOSING_SETTINGS_H_
