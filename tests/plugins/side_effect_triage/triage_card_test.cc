// The card as a whole: CDS Hooks limits, the basis every card must carry (criteria with their
// citations, sources with editions, knowledge version), determinism and refused requests.
#include <gtest/gtest.h>

#include <set>

#include "session_request.h"

namespace cds::triage::testing {
namespace {

std::vector<SessionRequest> VariedRequests() {
  return {
      SessionRequest::Calm(),
      SessionRequest::Calm().NoVitals(),
      SessionRequest::Calm().NoBaseline().NoMinutesSinceDose(),
      SessionRequest::Calm()
          .Vitals(40, 186, 112, 88, 8)
          .SnomedSymptom("29857009")
          .SnomedSymptom("91175000")
          .CdsdSymptom("dissociation", cds::v1::SEVERITY_SEVERE)
          .Symptom("http://example.org/x", "1")
          .SnomedSymptom("49650001")
          .SnomedSymptom("18165001")
          .MinutesSinceDose(300),
  };
}

TEST(TriageCard, EveryCardCarriesItsBasisWithinCdsHooksLimits) {
  for (const SessionRequest& request : VariedRequests()) {
    const cds::v1::Card card = Triage(request);
    EXPECT_FALSE(card.summary().empty());
    EXPECT_LT(card.summary().size(), 140u) << card.summary();
    EXPECT_NE(card.indicator(), cds::v1::INDICATOR_UNSPECIFIED);
    EXPECT_FALSE(card.source().label().empty());
    EXPECT_FALSE(card.source().url().empty());
    EXPECT_EQ(card.knowledge_version(), EmbeddedKnowledge().knowledge_version);
    EXPECT_FALSE(card.detail().empty());
    EXPECT_TRUE(card.has_triage());
    EXPECT_NE(card.triage().level(), cds::v1::TRIAGE_LEVEL_UNSPECIFIED);
    EXPECT_NE(card.triage().discharge().status(), cds::v1::DISCHARGE_STATUS_UNSPECIFIED);
    std::set<std::string> cited;
    for (const cds::v1::Citation& c : card.citations()) {
      EXPECT_FALSE(c.title().empty()) << c.id();
      EXPECT_FALSE(c.edition().empty()) << c.id();
      cited.insert(c.id());
    }
    for (const cds::v1::Criterion& c : card.criteria()) {
      EXPECT_FALSE(c.id().empty());
      EXPECT_FALSE(c.description().empty()) << c.id();
      EXPECT_FALSE(c.explanation().empty()) << c.id();
      EXPECT_FALSE(c.role().empty()) << c.id();
      EXPECT_NE(c.outcome(), cds::v1::CRITERION_OUTCOME_UNSPECIFIED) << c.id();
      for (const std::string& id : c.citation_ids())
        EXPECT_TRUE(cited.count(id)) << c.id() << " cites " << id;
    }
    for (const cds::v1::TriageFinding& f : card.triage().findings()) {
      EXPECT_FALSE(f.observed().empty()) << f.rule_id();
      EXPECT_FALSE(f.threshold().empty()) << f.rule_id();
      EXPECT_NE(f.level(), cds::v1::TRIAGE_LEVEL_UNSPECIFIED) << f.rule_id();
    }
  }
}

TEST(TriageCard, EveryRuleIsEvaluatedOnEveryCard) {
  const TriageKnowledge& k = EmbeddedKnowledge();
  for (const SessionRequest& request : VariedRequests()) {
    const cds::v1::Card card = Triage(request);
    EXPECT_EQ(card.criteria_size(), static_cast<int>(k.rules.size() + k.discharge_criteria.size()));
  }
}

TEST(TriageCard, ManyFindingsStillGiveAShortSummary) {
  const cds::v1::Card card = Triage(VariedRequests().back());
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_LT(card.summary().size(), 140u);
  EXPECT_EQ(card.summary().rfind("EMERGENCY: ", 0), 0u) << card.summary();
}

TEST(TriageCard, EmergencyActionsStartWithTheProtocolDisclaimer) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().CdsdSymptom("seizure"));
  ASSERT_GT(card.triage().actions_size(), 0);
  EXPECT_NE(card.triage().actions(0).find("never replaces, the site's emergency protocol"),
            std::string::npos);
}

TEST(TriageCard, DetailNamesWhatIsMissingAndTheRulesThatCouldNotBeDecided) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoVitals());
  EXPECT_NE(card.detail().find("### Missing or unusable inputs"), std::string::npos);
  EXPECT_NE(card.detail().find("### Rules that could not be decided"), std::string::npos);
  EXPECT_NE(card.detail().find("`respiratory.spo2_low`"), std::string::npos);
  EXPECT_EQ(Triage(SessionRequest::Calm()).detail().find("could not be decided"),
            std::string::npos);
}

TEST(TriageCard, IvKetamineCardSaysTheThresholdsComeFromEsketamineData) {
  SessionRequest request = SessionRequest::Calm();
  request.report()->set_product(cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
  EXPECT_NE(Triage(request).detail().find("esketamine nasal spray data"), std::string::npos);
}

TEST(TriageCard, SameRequestGivesTheSameBytes) {
  const SessionRequest request = VariedRequests().back();
  EXPECT_EQ(Triage(request).SerializeAsString(), Triage(request).SerializeAsString());
}

TEST(TriageCard, OtherHooksAreUnsupported) {
  const SideEffectTriage plugin(nlohmann::json::object());
  cds::plugin::v1::EvaluateOutput output;
  EXPECT_THROW(plugin.Evaluate(SessionRequest::Calm().Hook("patient-view").input(), output),
               cds::sdk::Unsupported);
}

TEST(TriageCard, RequestWithoutASessionReportIsAnsweredWithEverythingMissing) {
  SessionRequest request;
  request.mutable_input().mutable_patient()->clear_session_report();
  const cds::v1::Card card = Triage(request);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(card.triage().discharge().status(), cds::v1::DISCHARGE_STATUS_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report"));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.minutes_since_dose"));
}

}  // namespace
}  // namespace cds::triage::testing
