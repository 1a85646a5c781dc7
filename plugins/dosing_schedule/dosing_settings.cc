#include "dosing_settings.h"

#include <string>

namespace cds::dosing {

using sdk::SettingSpec;

const sdk::SettingsSchema& DosingSettingsSchema() {
  static const sdk::SettingsSchema schema({
      {.name = "label_edition",
       .type = SettingSpec::Type::kString,
       .default_value = "us-2025",
       .description = "Esketamine label edition the schedule follows: us-2025 (US label from 21 "
                      "January 2025), us-2019 (US label before that date) or eu (EU-type label, "
                      "which starts patients aged 65 and over at 28 mg). Shared with the "
                      "eligibility plugin",
       .source = "US prescribing information (DailyMed, revised 1/2025, and the versions before it); "
                 "EU SmPC section 4.2",
       .allowed = {"us-2025", "us-2019", "eu"}},
      {.name = "calendar_weeks",
       .type = SettingSpec::Type::kInteger,
       .default_value = 12,
       .description = "How many weeks ahead the calendar plans, from the later of the evaluation "
                      "date and the day the first session may be given",
       .source = "team issue (a 12-week calendar covers induction, maintenance weeks 5-8 and the "
                 "first sessions from week 9)",
       .minimum = 1,
       .maximum = 52},
      {.name = "min_days_between_sessions",
       .type = SettingSpec::Type::kInteger,
       .default_value = 2,
       .description = "Fewest days between two sessions; a session that cannot keep it moves "
                      "later within its week",
       .source = "team issue (site scheduling rule)",
       .minimum = 1,
       .maximum = 3},
      {.name = "second_session_day",
       .type = SettingSpec::Type::kInteger,
       .default_value = 3,
       .description = "Day of each course week (0 = the weekday of the course start) for the "
                      "second of two weekly sessions (TRD induction, MDSI, IV twice a week); a "
                      "Monday start gives Monday and Thursday sessions. Must leave "
                      "min_days_between_sessions on both sides",
       .source = "site scheduling rule (evenly spaced twice-weekly sessions)",
       .minimum = 1,
       .maximum = 6},
      {.name = "maintenance_interval",
       .type = SettingSpec::Type::kString,
       .default_value = "every-2-weeks",
       .description = "Esketamine TRD maintenance from week 9 when neither the draft order nor the "
                      "sessions given set the patient's frequency: every-2-weeks or weekly (the "
                      "label allows both, individualised to the least frequent dosing that keeps "
                      "remission or response)",
       .source = "US prescribing information (DailyMed, revised 1/2025), section 2, Table 1",
       .allowed = {"every-2-weeks", "weekly"}},
      {.name = "missed_session_grace_days",
       .type = SettingSpec::Type::kInteger,
       .default_value = 2,
       .description = "Days a session may come after its phase's regular interval (4 days in "
                      "induction, 7 weekly, 14 every 2 weeks) before the gap counts as a missed "
                      "session",
       .source = "cdsd default: the label and the manufacturer's missed-dose information name no "
                 "number; a delay of a day or two is a late session, not a missed one",
       .minimum = 0,
       .maximum = 7},
      {.name = "iv_vitals_interval_minutes",
       .type = SettingSpec::Type::kInteger,
       .default_value = 15,
       .description = "IV ketamine: minutes between vital-sign checks during the infusion and "
                      "after it, until the observation ends",
       .source = "Sanacora et al. 2017, JAMA Psychiatry consensus statement (vital signs during "
                 "the infusion, e.g. every 10-15 minutes, and after it)",
       .minimum = 5,
       .maximum = 15},
      {.name = "iv_observation_minutes_after_infusion",
       .type = SettingSpec::Type::kInteger,
       .default_value = 60,
       .description = "IV ketamine: minimum observation after the infusion ends (and until the "
                      "discharge conditions hold)",
       .source = "cdsd default for the site protocol: Sanacora et al. 2017 ask for monitoring "
                 "after the infusion until mental status is back to baseline, without a number",
       .minimum = 30,
       .maximum = 240},
      {.name = "iv_review_after_infusions",
       .type = SettingSpec::Type::kInteger,
       .default_value = 3,
       .description = "IV ketamine: infusions without a MADRS response after which the card asks "
                      "for a review of whether to continue",
       .source = "Sanacora et al. 2017, JAMA Psychiatry consensus statement (response uncommon "
                 "after more than 3 infusions without any)",
       .minimum = 2,
       .maximum = 12},
      {.name = "iv_weight_limit_kg",
       .type = SettingSpec::Type::kNumber,
       .default_value = 150,
       .description = "IV ketamine: body weight above which the card flags the weight-based dose "
                      "for the prescriber to confirm the dosing weight (actual, adjusted or capped, "
                      "per the site protocol)",
       .source = "cdsd default for the site protocol: the IV sources dose by actual weight and "
                 "give no upper limit",
       .minimum = 60,
       .maximum = 350},
      {.name = "iv_sessions_per_week",
       .type = SettingSpec::Type::kInteger,
       .default_value = 2,
       .description = "IV racemic ketamine infusions a week: 2, or 3 (on days 0, 2 and 4 of each "
                      "course week); both kept the effect equally well",
       .source = "S25 (Singh et al. 2016)",
       .minimum = 2,
       .maximum = 3},
      {.name = "iv_dose_mg_per_kg",
       .type = SettingSpec::Type::kNumber,
       .default_value = 0.5,
       .description = "IV racemic ketamine dose per kilogram of body weight; bounds are the "
                      "range studied in S41 (0.1 to 1.0 mg/kg)",
       .source = "S41 (Fava et al. 2020)",
       .minimum = 0.1,
       .maximum = 1.0},
      {.name = "iv_infusion_minutes",
       .type = SettingSpec::Type::kInteger,
       .default_value = 40,
       .description = "IV infusion duration in minutes",
       .source = "S41 (Fava et al. 2020)",
       .minimum = 20,
       .maximum = 120},
      {.name = "weight_max_age_days",
       .type = SettingSpec::Type::kInteger,
       .default_value = 30,
       .description = "Oldest body weight (in days before the evaluation date) an IV dose may be "
                      "computed from. The reference asks for a recent weight without a number; 30 "
                      "days keeps a monthly weight enough for a course of 4 weeks, over which an "
                      "adult's weight rarely moves by more than a few per cent (the dose moves by "
                      "the same fraction)",
       .source = "cdsd default (the reference gives no number)",
       .minimum = 0,
       .maximum = 365},
      {.name = "response_madrs_reduction_percent",
       .type = SettingSpec::Type::kNumber,
       .default_value = 50,
       .description = "Response: reduction of the MADRS total from baseline, in per cent, at or "
                      "above which the patient counts as a responder",
       .source = "S43",
       .minimum = 1,
       .maximum = 100},
      {.name = "remission_madrs_max",
       .type = SettingSpec::Type::kNumber,
       .default_value = 12,
       .description = "Remission: MADRS total at or below which the patient counts as in remission",
       .source = "S16 (SUSTAIN-1)",
       .minimum = 0,
       .maximum = 60},
  });
  return schema;
}

DosingSettings ParseDosingSettings(const nlohmann::json& given) {
  const sdk::Settings parsed = DosingSettingsSchema().Parse(given);
  DosingSettings s;
  s.label_edition = parsed.String("label_edition");
  s.calendar_weeks = static_cast<int>(parsed.Integer("calendar_weeks"));
  s.min_days_between_sessions = static_cast<int>(parsed.Integer("min_days_between_sessions"));
  s.second_session_day = static_cast<int>(parsed.Integer("second_session_day"));
  s.maintenance_interval = parsed.String("maintenance_interval");
  s.maintenance_interval_weeks = s.maintenance_interval == "weekly" ? 1 : 2;
  s.missed_session_grace_days = static_cast<int>(parsed.Integer("missed_session_grace_days"));
  s.iv_vitals_interval_minutes = static_cast<int>(parsed.Integer("iv_vitals_interval_minutes"));
  s.iv_observation_minutes_after_infusion =
      static_cast<int>(parsed.Integer("iv_observation_minutes_after_infusion"));
  s.iv_review_after_infusions = static_cast<int>(parsed.Integer("iv_review_after_infusions"));
  s.iv_weight_limit_kg = parsed.Number("iv_weight_limit_kg");
  s.iv_sessions_per_week = static_cast<int>(parsed.Integer("iv_sessions_per_week"));
  s.iv_dose_mg_per_kg = parsed.Number("iv_dose_mg_per_kg");
  s.iv_infusion_minutes = static_cast<int>(parsed.Integer("iv_infusion_minutes"));
  s.weight_max_age_days = static_cast<int>(parsed.Integer("weight_max_age_days"));
  s.response_madrs_reduction_percent = parsed.Number("response_madrs_reduction_percent");
  s.remission_madrs_max = parsed.Number("remission_madrs_max");

  // Two sessions a week must fit in 7 days with the minimum gap on both sides of the second
  // one (the gap after it reaches into the next week's first session).
  const int gap = s.min_days_between_sessions;
  if (s.second_session_day < gap || 7 - s.second_session_day < gap) {
    throw sdk::SettingsError("invalid settings: second_session_day: day " +
                             std::to_string(s.second_session_day) + " leaves fewer than " +
                             std::to_string(gap) +
                             " days (min_days_between_sessions) before or after it");
  }
  // Three infusions a week fall on days 0, 2 and 4, which needs a gap of 2 days at most.
  if (s.iv_sessions_per_week == 3 && gap > 2) {
    throw sdk::SettingsError(
        "invalid settings: iv_sessions_per_week: 3 infusions a week (days 0, 2 and 4) cannot "
        "keep min_days_between_sessions of " +
        std::to_string(gap) + " days");
  }
  return s;
}

}  // namespace cds::dosing
