// The knowledge file and the settings: the embedded file parses and is complete, a broken file
// is refused with a message naming the problem, and bad settings are refused with their name.
#include "eligibility_knowledge.h"

#include <cds_embedded.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eligibility_settings.h"

namespace cds::eligibility {
namespace {

nlohmann::json EmbeddedJson() {
  return nlohmann::json::parse(cds_embedded_ketamine_eligibility_json);
}

std::string RefusalOf(const nlohmann::json& knowledge) {
  try {
    Knowledge::Parse(knowledge.dump());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string SettingsRefusalOf(const nlohmann::json& settings) {
  try {
    EligibilitySettings::FromJson(settings);
  } catch (const cds::sdk::SettingsError& e) {
    return e.what();
  }
  return "";
}

TEST(EligibilityKnowledge, EmbeddedFileCarriesVersionReviewDateAndEveryLabelEdition) {
  const Knowledge& k = EmbeddedKnowledge();
  EXPECT_FALSE(k.version().empty());
  EXPECT_EQ(k.review_date().size(), 10u);
  for (const char* edition : {"us-2025", "us-2019", "eu"}) {
    EXPECT_NE(k.FindLabelEdition(edition), nullptr) << edition;
  }
}

TEST(EligibilityKnowledge, EveryCitationHasAnEdition) {
  for (const cds::v1::Citation& c : EmbeddedKnowledge().citations()) {
    EXPECT_FALSE(c.edition().empty()) << c.id();
    EXPECT_FALSE(c.title().empty()) << c.id();
  }
}

TEST(EligibilityKnowledge, EveryCodeListEntryNamesItsSystemAndVerification) {
  const nlohmann::json root = EmbeddedJson();
  for (const auto& [list, systems] : root["code_lists"].items()) {
    for (const auto& [system, codes] : systems.items()) {
      EXPECT_TRUE(root["code_systems"].contains(system)) << list << " " << system;
      EXPECT_TRUE(root["code_systems"][system].contains("version")) << system;
      for (const auto& code : codes) EXPECT_TRUE(code["verified"].is_boolean()) << code;
    }
  }
}

TEST(EligibilityKnowledge, MedicinesAreFoundByRxNormCodeAndByName) {
  const Knowledge& k = EmbeddedKnowledge();
  const Medicine* sertraline = k.FindMedicineByRxNorm("36437");
  ASSERT_NE(sertraline, nullptr);
  EXPECT_EQ(sertraline->name, "sertraline");
  EXPECT_TRUE(sertraline->classes & k.ClassMask("ssri"));
  EXPECT_EQ(k.FindMedicineByName("Escitalopram 10 MG Oral Tablet")->name, "escitalopram");
  EXPECT_EQ(k.FindMedicineByName("DEXTROAMPHETAMINE 10 mg")->name, "dextroamphetamine");
  EXPECT_EQ(k.FindMedicineByName("trazodonex"), nullptr);
  EXPECT_EQ(k.FindMedicineByRxNorm("999999999"), nullptr);
}

TEST(EligibilityKnowledge, AshtonEquivalentsGiveDiazepamMilligramsPerMilligram) {
  const Knowledge& k = EmbeddedKnowledge();
  EXPECT_DOUBLE_EQ(*k.FindMedicineByRxNorm("6470")->diazepam_mg_per_mg, 10);  // lorazepam 1 mg
  EXPECT_DOUBLE_EQ(*k.FindMedicineByRxNorm("596")->diazepam_mg_per_mg, 20);   // alprazolam 0.5
  EXPECT_DOUBLE_EQ(*k.FindMedicineByRxNorm("3322")->diazepam_mg_per_mg, 1);
  EXPECT_NE(k.FindCitation(k.benzodiazepine_table_citation()), nullptr);
}

TEST(EligibilityKnowledge, CitesNoMirrorNewsOrMedicalInformationCopies) {
  for (const cds::v1::Citation& c : EmbeddedKnowledge().citations()) {
    const std::string text = c.title() + " " + c.url() + " " + c.edition();
    for (const char* banned : {"medscape", "120ty", "rxreasoner", "MDedge", "Becker",
                               "jnjmedicalconnect", "MIMS", "US Medicine", "AHFS"}) {
      EXPECT_EQ(text.find(banned), std::string::npos) << c.id() << " cites " << banned;
    }
  }
  EXPECT_NE(EmbeddedKnowledge().source().url().find("dailymed.nlm.nih.gov"), std::string::npos);
}

TEST(EligibilityKnowledge, InvalidJsonIsRefused) {
  EXPECT_THROW(Knowledge::Parse("{not json"), std::invalid_argument);
}

TEST(EligibilityKnowledge, UnknownRuleIsRefusedWithTheCriterionNamed) {
  nlohmann::json k = EmbeddedJson();
  k["criteria"][0]["rule"] = "guess";
  const std::string id = k["criteria"][0]["id"];
  EXPECT_NE(RefusalOf(k).find(id), std::string::npos) << RefusalOf(k);
}

TEST(EligibilityKnowledge, UnknownCitationIsRefused) {
  nlohmann::json k = EmbeddedJson();
  k["criteria"][0]["citations"]["esketamine-nasal-spray"] = {"S999"};
  EXPECT_NE(RefusalOf(k).find("S999"), std::string::npos);
}

TEST(EligibilityKnowledge, CitationWithoutEditionIsRefused) {
  nlohmann::json k = EmbeddedJson();
  k["citations"][0]["edition"] = "";
  EXPECT_NE(RefusalOf(k).find("edition"), std::string::npos);
}

TEST(EligibilityKnowledge, CodeListInAnUndeclaredSystemIsRefused) {
  nlohmann::json k = EmbeddedJson();
  k["code_lists"]["psychosis"]["ICD-9-CM"] = {
      {{"code", "295.9"}, {"display", "x"}, {"verified", false}}};
  EXPECT_NE(RefusalOf(k).find("ICD-9-CM"), std::string::npos);
}

TEST(EligibilityKnowledge, MissingLabelEditionIsRefused) {
  nlohmann::json k = EmbeddedJson();
  k["label_editions"].erase("eu");
  EXPECT_NE(RefusalOf(k).find("eu"), std::string::npos);
}

TEST(EligibilitySettings, DefaultsAreTheReferenceValues) {
  const EligibilitySettings s = EligibilitySettings::FromJson(nlohmann::json::object());
  EXPECT_EQ(s.label_edition, "us-2025");
  EXPECT_EQ(s.minimum_age, 18);
  EXPECT_EQ(s.min_failed_trials, 2);
  EXPECT_EQ(s.adequate_trial_weeks, 6);
  EXPECT_EQ(s.non_response_max_improvement_percent, 25);
  EXPECT_TRUE(s.non_response_inclusive);
  EXPECT_EQ(s.max_trials_counted, 0);
  EXPECT_EQ(s.bp_caution_systolic, 140);
  EXPECT_EQ(s.bp_caution_diastolic, 90);
  EXPECT_EQ(s.benzodiazepine_diazepam_equivalent_mg, 8);
  EXPECT_EQ(s.default_product, Product::kEsketamineNasalSpray);
  EXPECT_EQ(s.default_indication, Indication::kTrd);
}

TEST(EligibilitySettings, SchemaDeclaresEverySettingWithDefaultAndSource) {
  const nlohmann::json schema = nlohmann::json::parse(EligibilitySettings::Schema().ToJsonSchema());
  EXPECT_FALSE(schema["additionalProperties"].get<bool>());
  for (const char* name :
       {"label_edition", "min_failed_trials", "adequate_trial_weeks",
        "non_response_max_improvement_percent", "non_response_comparison", "max_trials_counted",
        "bp_caution_systolic", "bp_caution_diastolic", "benzodiazepine_diazepam_equivalent_mg",
        "minimum_age", "default_product", "default_indication"}) {
    ASSERT_TRUE(schema["properties"].contains(name)) << name;
    EXPECT_TRUE(schema["properties"][name].contains("default")) << name;
    EXPECT_NE(schema["properties"][name]["description"].get<std::string>().find("default from"),
              std::string::npos)
        << name;
  }
  EXPECT_EQ(schema["properties"]["label_edition"]["enum"],
            nlohmann::json({"us-2025", "us-2019", "eu"}));
}

TEST(EligibilitySettings, UnknownSettingIsRefusedWithItsName) {
  EXPECT_NE(SettingsRefusalOf({{"label_editon", "eu"}}).find("label_editon"), std::string::npos);
}

TEST(EligibilitySettings, InvalidLabelEditionIsRefusedWithItsName) {
  EXPECT_NE(SettingsRefusalOf({{"label_edition", "uk"}}).find("label_edition"), std::string::npos);
}

TEST(EligibilitySettings, OutOfRangeValueIsRefusedWithItsName) {
  EXPECT_NE(SettingsRefusalOf({{"minimum_age", -1}}).find("minimum_age"), std::string::npos);
  EXPECT_NE(SettingsRefusalOf({{"non_response_max_improvement_percent", 120}})
                .find("non_response_max_improvement_percent"),
            std::string::npos);
  EXPECT_NE(SettingsRefusalOf({{"min_failed_trials", 2.5}}).find("min_failed_trials"),
            std::string::npos);
}

TEST(EligibilitySettings, TrialLimitBelowTheMinimumIsRefused) {
  EXPECT_NE(SettingsRefusalOf({{"max_trials_counted", 1}}).find("max_trials_counted"),
            std::string::npos);
}

TEST(EligibilitySettings, DescriptionsStateTheThresholdsInForce) {
  const EligibilitySettings s =
      EligibilitySettings::FromJson({{"adequate_trial_weeks", 4},
                                     {"non_response_max_improvement_percent", 50},
                                     {"non_response_comparison", "below"}});
  std::string description;
  for (const CriterionSpec& spec : EmbeddedKnowledge().criteria()) {
    if (spec.id == "trd.failed_antidepressant_trials") description = spec.description;
  }
  ASSERT_FALSE(description.empty());
  const std::string text = s.Fill(description);
  EXPECT_NE(text.find("at least 4 weeks"), std::string::npos) << text;
  EXPECT_NE(text.find("below 50 %"), std::string::npos) << text;
  EXPECT_EQ(text.find("at or below"), std::string::npos) << text;
  EXPECT_THROW(s.Fill("{no_such_setting}"), std::invalid_argument);
}

}  // namespace
}  // namespace cds::eligibility
