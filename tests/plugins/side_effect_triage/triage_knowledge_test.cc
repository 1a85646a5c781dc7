// The knowledge file and the settings built from it: versioned, every rule bound to code, cited
// defaults as the reference gives them, and bad settings refused by name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_request.h"
#include "triage_rules.h"

namespace cds::triage::testing {
namespace {

std::string SettingsError(const nlohmann::json& settings) {
  try {
    SideEffectTriage plugin(settings);
  } catch (const cds::sdk::SettingsError& e) {
    return e.what();
  }
  return "";
}

TEST(TriageKnowledge, IsVersionedReviewedAndCitesEditions) {
  const TriageKnowledge& k = EmbeddedKnowledge();
  EXPECT_FALSE(k.knowledge_version.empty());
  EXPECT_TRUE(cds::sdk::ParseDate(k.review_date).has_value()) << k.review_date;
  for (const cds::v1::Citation& c : k.citations) {
    EXPECT_FALSE(c.edition().empty()) << c.id();
    EXPECT_FALSE(c.title().empty()) << c.id();
  }
}

TEST(TriageKnowledge, EveryRuleHasAPredicateAndEveryPredicateARule) {
  std::vector<std::string_view> in_knowledge;
  for (const RuleText& r : EmbeddedKnowledge().rules) in_knowledge.push_back(r.id);
  std::vector<std::string_view> in_code = TriageRules::KnownRuleIds();
  std::sort(in_knowledge.begin(), in_knowledge.end());
  std::sort(in_code.begin(), in_code.end());
  EXPECT_EQ(in_knowledge, in_code);
}

TEST(TriageKnowledge, EveryExpectedEffectHasASupportiveAction) {
  for (const SymptomDefinition& s : EmbeddedKnowledge().symptoms) {
    if (s.category == SymptomCategory::kExpected) {
      EXPECT_FALSE(s.supportive_action.empty()) << s.id;
    }
  }
}

TEST(TriageKnowledge, RecognisesBothSnomedAndCdsdCodesForTheSameSymptom) {
  const TriageKnowledge& k = EmbeddedKnowledge();
  cds::v1::Coding snomed;
  snomed.set_system(std::string(cds::sdk::systems::kSnomedCt));
  snomed.set_code("422587007");
  cds::v1::Coding cdsd;
  cdsd.set_system(std::string(cds::sdk::systems::kCdsSymptom));
  cdsd.set_code("nausea");
  ASSERT_NE(k.Recognise(snomed), nullptr);
  EXPECT_EQ(k.Recognise(snomed), k.Recognise(cdsd));
  cds::v1::Coding wrong_system = snomed;
  wrong_system.set_system(std::string(cds::sdk::systems::kIcd10Cm));
  EXPECT_EQ(k.Recognise(wrong_system), nullptr) << "a code means nothing without its system";
}

TEST(TriageKnowledge, RefusesACitationIdThatIsNotListed) {
  nlohmann::json k = nlohmann::json::parse(EmbeddedKnowledgeJson());
  k["rules"][0]["citation_ids"].push_back("S999");
  EXPECT_THROW(TriageKnowledge::Parse(k.dump()), std::runtime_error);
}

TEST(TriageKnowledge, RefusesACodeListedForTwoSymptoms) {
  nlohmann::json k = nlohmann::json::parse(EmbeddedKnowledgeJson());
  k["symptoms"][1]["codes"].push_back(k["symptoms"][0]["codes"][0]);
  EXPECT_THROW(TriageKnowledge::Parse(k.dump()), std::runtime_error);
}

TEST(TriageKnowledge, RefusesMalformedJsonAsAKnowledgeError) {
  EXPECT_THROW(TriageKnowledge::Parse("{\"knowledge_version\": "), std::runtime_error);
}

TEST(TriageKnowledge, DefaultsAreTheCitedFigures) {
  const TriageSettings settings(EmbeddedKnowledge(), nlohmann::json::object());
  const TriageThresholds& t = settings.thresholds();
  EXPECT_EQ(t.bp_rise_systolic_mmhg, 40);
  EXPECT_EQ(t.bp_rise_diastolic_mmhg, 25);
  EXPECT_EQ(t.bp_severe_systolic_mmhg, 180);
  EXPECT_EQ(t.bp_severe_diastolic_mmhg, 110);
  EXPECT_EQ(t.spo2_low_percent, 90);
  EXPECT_EQ(t.respiratory_rate_slow_per_min, 10);
  EXPECT_EQ(t.discharge_minimum_minutes, 120);
  EXPECT_EQ(t.persistent_effect_minutes, 240);
}

TEST(TriageKnowledge, SettingsSchemaGivesEachSettingItsSource) {
  const nlohmann::json schema = nlohmann::json::parse(TriageSettingsSchema().ToJsonSchema());
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const cds::sdk::SettingSpec& spec : EmbeddedKnowledge().settings) {
    ASSERT_TRUE(schema["properties"].contains(spec.name)) << spec.name;
    EXPECT_NE(
        schema["properties"][spec.name]["description"].get<std::string>().find("default from"),
        std::string::npos)
        << spec.name;
  }
}

TEST(TriageSettings, UnknownSettingIsRefusedByName) {
  EXPECT_NE(SettingsError({{"spo2_threshold", 90}}).find("spo2_threshold"), std::string::npos);
}

TEST(TriageSettings, OutOfRangeSettingIsRefusedByName) {
  EXPECT_NE(SettingsError({{"spo2_low_percent", 120}}).find("spo2_low_percent"), std::string::npos);
}

TEST(TriageSettings, WrongTypeSettingIsRefusedByName) {
  EXPECT_NE(SettingsError({{"discharge_minimum_minutes", "2h"}}).find("discharge_minimum_minutes"),
            std::string::npos);
  EXPECT_NE(SettingsError({{"discharge_minimum_minutes", 120.5}}).find("discharge_minimum_minutes"),
            std::string::npos);
}

TEST(TriageSettings, MinimumObservationCannotBeShorterThanTheLabel) {
  EXPECT_NE(SettingsError({{"discharge_minimum_minutes", 90}}).find("discharge_minimum_minutes"),
            std::string::npos);
}

TEST(TriageSettings, NearBaselineMarginAsWideAsTheFlaggedRiseIsRefused) {
  EXPECT_NE(SettingsError({{"discharge_bp_systolic_margin_mmhg", 40}})
                .find("discharge_bp_systolic_margin_mmhg"),
            std::string::npos);
}

TEST(TriageSettings, ValidSettingsAreAccepted) {
  EXPECT_EQ(SettingsError({{"bp_severe_systolic_mmhg", 170}, {"respiratory_rate_slow_per_min", 8}}),
            "");
}

TEST(TriageSettings, RenderFillsSettingValuesAndRefusesUnknownNames) {
  const TriageSettings settings(EmbeddedKnowledge(), {{"bilirubin_upper_limit_mg_per_dl", 1.5}});
  EXPECT_EQ(settings.Render("> {bp_severe_systolic_mmhg} and {bilirubin_upper_limit_mg_per_dl}"),
            "> 180 and 1.5");
  EXPECT_THROW(settings.Render("{no_such_setting}"), std::logic_error);
}

TEST(TriageKnowledge, CitesNoMirrorOrSeedDocument) {
  for (const cds::v1::Citation& c : EmbeddedKnowledge().citations) {
    for (std::string_view banned : {"S2", "S3", "S4", "S8", "S13b", "S15", "SEED000", "SEED002"}) {
      EXPECT_NE(c.id(), banned) << "mirror copies and seed documents are not citable";
    }
    EXPECT_FALSE(c.edition().empty()) << c.id();
  }
}

TEST(TriageKnowledge, SaysWhereItIsStricterThanTheLabel) {
  EXPECT_FALSE(EmbeddedKnowledge().card.stricter_than_label.empty());
}

TEST(TriageSettings, SettingsThatWouldSwitchARuleOffAreRefused) {
  for (const char* bad : {R"({"discharge_minimum_minutes_child_pugh_b": 120, "discharge_minimum_minutes": 150})",
                          R"({"spo2_low_percent": 95})",
                          R"({"respiratory_rate_slow_per_min": 13})",
                          R"({"discharge_bp_ceiling_systolic_mmhg": 175, "bp_severe_systolic_mmhg": 170})"}) {
    EXPECT_THROW(SideEffectTriage(nlohmann::json::parse(bad)), cds::sdk::SettingsError) << bad;
  }
}

}  // namespace
}  // namespace cds::triage::testing
