// Site value sets: an operator's FHIR ValueSet expansion adds codes to a named knowledge code
// list, and a broken file is refused when the instance is created, naming the setting.
#include <cds/sdk/settings.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "eligibility_request.h"
#include "eligibility_service.h"

namespace cds::eligibility {
namespace {

using namespace cds::eligibility::testing;

constexpr const char* kAvm = "contraindication.arteriovenous_malformation";
// A made-up SNOMED CT child concept id standing for a site's more specific code.
constexpr const char* kSiteChildCode = "1234567001";

// A file in the test's temporary directory, removed when the test ends.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_(std::string(::testing::TempDir()) + name + "." + std::to_string(::getpid())) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

nlohmann::json AvmValueSet() {
  return {{"resourceType", "ValueSet"},
          {"url", "https://example.org/fhir/ValueSet/site-avm"},
          {"useContext",
           {{{"code", {{"system", "http://terminology.hl7.org/CodeSystem/usage-context-type"},
                       {"code", "focus"}}},
             {"valueCodeableConcept",
              {{"coding",
                {{{"system", "urn:cdsd:eligibility:code-list"},
                  {"code", "arteriovenous_malformation"}}}}}}}}},
          {"expansion",
           {{"contains",
             {{{"system", "http://snomed.info/sct"},
               {"code", kSiteChildCode},
               {"display", "Site child concept of arteriovenous malformation"}}}}}}};
}

cds::v1::Card AssessAvmChild(const nlohmann::json& settings) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), cds::sdk::systems::kSnomedCt, kSiteChildCode);
  EligibilityService service(settings);
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() == 1 ? output.cards(0) : cds::v1::Card();
}

std::string RefusalOf(const nlohmann::json& settings) {
  try {
    EligibilityService service(settings);
  } catch (const cds::sdk::SettingsError& e) {
    return e.what();
  }
  return "";
}

TEST(SiteValueSets, WithoutTheValueSetTheSiteCodeDoesNotMatch) {
  const cds::v1::Card card = AssessAvmChild(nlohmann::json::object());
  EXPECT_EQ(OutcomeOf(card, kAvm), cds::v1::CRITERION_OUTCOME_NOT_MET);
}

TEST(SiteValueSets, AValueSetAddingASnomedChildCodeMakesItMatch) {
  const TempFile file("avm.json", AvmValueSet().dump());
  const cds::v1::Card card = AssessAvmChild({{"value_set_files", file.path()}});
  EXPECT_EQ(OutcomeOf(card, kAvm), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.eligibility().status(), cds::v1::ELIGIBILITY_STATUS_INELIGIBLE);
  const cds::v1::Criterion* c = FindCriterion(card, kAvm);
  ASSERT_NE(c, nullptr);
  ASSERT_GT(c->inputs_size(), 0);
  EXPECT_NE(c->inputs(0).value().find("site value set https://example.org/fhir/ValueSet/site-avm"),
            std::string::npos);
}

TEST(SiteValueSets, ASiteCodeExtendsOnlyTheListItNames) {
  const TempFile file("avm-only.json", AvmValueSet().dump());
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), cds::sdk::systems::kSnomedCt, kSiteChildCode);
  EligibilityService service(nlohmann::json{{"value_set_files", file.path()}});
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  ASSERT_EQ(output.cards_size(), 1);
  EXPECT_EQ(OutcomeOf(output.cards(0), "contraindication.intracerebral_haemorrhage"),
            cds::v1::CRITERION_OUTCOME_NOT_MET);
}

TEST(SiteValueSets, UnreadableFileIsRefusedNamingTheSetting) {
  const std::string refusal = RefusalOf({{"value_set_files", "/nonexistent/site-avm.json"}});
  EXPECT_NE(refusal.find("value_set_files"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("cannot be read"), std::string::npos) << refusal;
}

TEST(SiteValueSets, UnknownCodeListIsRefused) {
  nlohmann::json vs = AvmValueSet();
  vs["useContext"][0]["valueCodeableConcept"]["coding"][0]["code"] = "no_such_list";
  const TempFile file("unknown-list.json", vs.dump());
  EXPECT_NE(RefusalOf({{"value_set_files", file.path()}}).find("no_such_list"),
            std::string::npos);
}

TEST(SiteValueSets, ValueSetWithoutExpansionIsRefused) {
  nlohmann::json vs = AvmValueSet();
  vs.erase("expansion");
  const TempFile file("no-expansion.json", vs.dump());
  EXPECT_NE(RefusalOf({{"value_set_files", file.path()}}).find("expansion"), std::string::npos);
}

TEST(SiteValueSets, WildcardSiteCodeIsRefused) {
  nlohmann::json vs = AvmValueSet();
  vs["expansion"]["contains"][0]["code"] = "Q2*";
  const TempFile file("wildcard.json", vs.dump());
  EXPECT_NE(RefusalOf({{"value_set_files", file.path()}}).find("ends in '*'"), std::string::npos);
}

TEST(SiteValueSets, NotJsonIsRefused) {
  const TempFile file("broken.json", "{not json");
  EXPECT_NE(RefusalOf({{"value_set_files", file.path()}}).find("not valid JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace cds::eligibility
