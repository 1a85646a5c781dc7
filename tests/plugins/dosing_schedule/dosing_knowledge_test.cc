// The knowledge file: it parses, carries a version and review date, resolves every criterion
// the cards use, and a broken edit is refused at load.
#include "dosing_knowledge.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "course_assessment.h"
#include "dosing_settings.h"

namespace cds::dosing {
namespace {

TEST(DosingKnowledge, EmbeddedFileHasVersionReviewDateAndCitationsWithEditions) {
  const DosingKnowledge k = ParseDosingKnowledge(EmbeddedDosingKnowledge());
  EXPECT_FALSE(k.version.empty());
  EXPECT_TRUE(sdk::ParseDate(k.review_date).has_value());
  ASSERT_FALSE(k.citations.empty());
  for (const cds::v1::Citation& c : k.citations) {
    EXPECT_FALSE(c.title().empty()) << c.id();
    EXPECT_FALSE(c.edition().empty()) << c.id();
  }
}

TEST(DosingKnowledge, EveryCriterionResolvesWithNoPlaceholderLeft) {
  const DosingPolicy policy = MakeDosingPolicy(ParseDosingSettings(nlohmann::json::object()),
                                               ParseDosingKnowledge(EmbeddedDosingKnowledge()));
  for (const CriterionText& text : policy.rule_texts) {
    EXPECT_FALSE(text.id.empty());
    EXPECT_EQ(text.description.find('{'), std::string::npos) << text.id;
    EXPECT_FALSE(text.role.empty()) << text.id;
  }
}

TEST(DosingKnowledge, EveryLabelEditionTheSettingAllowsIsDescribed) {
  const DosingKnowledge k = ParseDosingKnowledge(EmbeddedDosingKnowledge());
  for (const sdk::SettingSpec& spec : DosingSettingsSchema().specs()) {
    if (spec.name != "label_edition") continue;
    for (const std::string& edition : spec.allowed) {
      EXPECT_NE(k.FindLabelEdition(edition), nullptr) << edition;
    }
  }
}

TEST(DosingKnowledge, CitationIdNotInTheListIsRefused) {
  nlohmann::json j = nlohmann::json::parse(EmbeddedDosingKnowledge());
  j["criteria"][0]["citations"] = {"S999"};
  EXPECT_THROW(ParseDosingKnowledge(j.dump()), std::runtime_error);
}

TEST(DosingKnowledge, MissingFieldIsRefused) {
  nlohmann::json j = nlohmann::json::parse(EmbeddedDosingKnowledge());
  j["esketamine"].erase("trd_adult_dose");
  EXPECT_THROW(ParseDosingKnowledge(j.dump()), std::runtime_error);
  EXPECT_THROW(ParseDosingKnowledge("{not json"), std::runtime_error);
}

TEST(DosingKnowledge, CriterionWithAnUnknownPlaceholderIsRefusedAtLoad) {
  nlohmann::json j = nlohmann::json::parse(EmbeddedDosingKnowledge());
  j["criteria"][0]["description"] = "uses {no_such_setting}";
  EXPECT_THROW(MakeDosingPolicy(ParseDosingSettings(nlohmann::json::object()),
                                ParseDosingKnowledge(j.dump())),
               std::runtime_error);
}

}  // namespace
}  // namespace cds::dosing
