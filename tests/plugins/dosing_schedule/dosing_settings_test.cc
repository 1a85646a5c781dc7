// Settings: defaults with their sources, and every bad value refused with the setting named.
#include "dosing_settings.h"

#include <gtest/gtest.h>

#include <cds/sdk/plugin.h>

namespace cds::dosing {
namespace {

using nlohmann::json;

std::string RefusalOf(const json& settings) {
  try {
    ParseDosingSettings(settings);
  } catch (const sdk::SettingsError& e) {
    return e.what();
  }
  return "";
}

TEST(DosingSettings, DefaultsAreTheCitedValues) {
  const DosingSettings s = ParseDosingSettings(json::object());
  EXPECT_EQ(s.label_edition, "us-2025");
  EXPECT_EQ(s.calendar_weeks, 12);
  EXPECT_EQ(s.min_days_between_sessions, 2);
  EXPECT_EQ(s.second_session_day, 3);
  EXPECT_EQ(s.maintenance_interval, "every-2-weeks");
  EXPECT_EQ(s.maintenance_interval_weeks, 2);
  EXPECT_EQ(s.iv_sessions_per_week, 2);
  EXPECT_DOUBLE_EQ(s.iv_dose_mg_per_kg, 0.5);
  EXPECT_EQ(s.iv_infusion_minutes, 40);
  EXPECT_EQ(s.weight_max_age_days, 30);
  EXPECT_DOUBLE_EQ(s.response_madrs_reduction_percent, 50);
  EXPECT_DOUBLE_EQ(s.remission_madrs_max, 12);
  EXPECT_EQ(s.missed_session_grace_days, 2);
  EXPECT_EQ(s.iv_vitals_interval_minutes, 15);
  EXPECT_EQ(s.iv_observation_minutes_after_infusion, 60);
  EXPECT_EQ(s.iv_review_after_infusions, 3);
  EXPECT_DOUBLE_EQ(s.iv_weight_limit_kg, 150);
}

TEST(DosingSettings, IssueTwelveSettingsAreBoundedAtTheirCitedRanges) {
  // Sanacora et al. 2017 ask for vitals every 10-15 minutes during the infusion: 16 is refused.
  EXPECT_EQ(ParseDosingSettings({{"iv_vitals_interval_minutes", 15}}).iv_vitals_interval_minutes, 15);
  EXPECT_NE(RefusalOf({{"iv_vitals_interval_minutes", 16}}).find("iv_vitals_interval_minutes"),
            std::string::npos);
  EXPECT_NE(RefusalOf({{"missed_session_grace_days", 8}}).find("missed_session_grace_days"),
            std::string::npos);
  EXPECT_NE(RefusalOf({{"iv_review_after_infusions", 1}}).find("iv_review_after_infusions"),
            std::string::npos);
  EXPECT_NE(RefusalOf({{"iv_weight_limit_kg", "heavy"}}).find("iv_weight_limit_kg"),
            std::string::npos);
}

TEST(DosingSettings, EverySettingDeclaresWhereItsDefaultComesFrom) {
  for (const sdk::SettingSpec& spec : DosingSettingsSchema().specs()) {
    EXPECT_FALSE(spec.source.empty()) << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
  }
}

TEST(DosingSettings, SchemaRefusesUnknownKeys) {
  const json schema = json::parse(DosingSettingsSchema().ToJsonSchema());
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["label_edition"]["enum"], json({"us-2025", "us-2019", "eu"}));
}

TEST(DosingSettings, UnknownSettingIsRefusedByName) {
  EXPECT_NE(RefusalOf({{"label_editon", "eu"}}).find("label_editon: unknown setting"),
            std::string::npos);
}

TEST(DosingSettings, LabelEditionOutsideTheThreeEditionsIsRefused) {
  EXPECT_NE(RefusalOf({{"label_edition", "us-2024"}}).find("label_edition"), std::string::npos);
}

TEST(DosingSettings, OutOfRangeAndMistypedValuesAreRefusedByName) {
  EXPECT_NE(RefusalOf({{"calendar_weeks", 0}}).find("calendar_weeks"), std::string::npos);
  EXPECT_NE(RefusalOf({{"iv_sessions_per_week", 4}}).find("iv_sessions_per_week"),
            std::string::npos);
  EXPECT_NE(RefusalOf({{"iv_dose_mg_per_kg", 2.0}}).find("iv_dose_mg_per_kg"), std::string::npos);
  EXPECT_NE(RefusalOf({{"weight_max_age_days", "30"}}).find("weight_max_age_days"),
            std::string::npos);
  EXPECT_NE(RefusalOf({{"maintenance_interval", "monthly"}}).find("maintenance_interval"),
            std::string::npos);
}

TEST(DosingSettings, SecondSessionDayThatBreaksTheMinimumGapIsRefused) {
  EXPECT_NE(RefusalOf({{"second_session_day", 1}}).find("second_session_day"), std::string::npos);
  EXPECT_NE(RefusalOf({{"second_session_day", 6}}).find("second_session_day"), std::string::npos);
  EXPECT_NE(RefusalOf({{"min_days_between_sessions", 3}, {"second_session_day", 5}})
                .find("second_session_day"),
            std::string::npos);
  EXPECT_EQ(RefusalOf({{"min_days_between_sessions", 3}, {"second_session_day", 4}}), "");
}

TEST(DosingSettings, ThreeInfusionsAWeekNeedAGapOfTwoDaysAtMost) {
  EXPECT_NE(RefusalOf({{"iv_sessions_per_week", 3},
                       {"min_days_between_sessions", 3},
                       {"second_session_day", 3}})
                .find("iv_sessions_per_week"),
            std::string::npos);
  EXPECT_EQ(RefusalOf({{"iv_sessions_per_week", 3}}), "");
}

}  // namespace
}  // namespace cds::dosing
