// Discharge readiness: the two-hour minimum, resolution of sedation, dissociation and breathing
// problems, blood pressure back near baseline, and never READY on missing data.
#include <gtest/gtest.h>

#include "session_request.h"
#include "triage_card.h"

namespace cds::triage::testing {
namespace {

using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;
using cds::v1::DISCHARGE_STATUS_NOT_READY;
using cds::v1::DISCHARGE_STATUS_READY;
using cds::v1::DISCHARGE_STATUS_UNKNOWN;

TEST(DischargeReadiness, IsReadyAtExactlyTwoHoursWhenEverythingHasResolved) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().MinutesSinceDose(120).CdsdSymptom(
      "dissociation", cds::v1::SEVERITY_MODERATE, /*resolved=*/true));
  EXPECT_EQ(OutcomeOf(card, "discharge.minimum_observation"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_READY);
  EXPECT_EQ(card.triage().discharge().blocking_reasons_size(), 0);
}

TEST(DischargeReadiness, IsNotReadyOneMinuteBeforeTwoHours) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().MinutesSinceDose(119));
  EXPECT_EQ(OutcomeOf(card, "discharge.minimum_observation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(card.triage().discharge().earliest_minutes_after_dose(), 120);
}

TEST(DischargeReadiness, EarliestTimeIsTheDoseTimePlusTheMinimum) {
  // Evaluated at 10:00 UTC, 60 minutes after the dose: dose at 09:00, earliest discharge 11:00.
  const cds::v1::Card card = Triage(SessionRequest::Calm().MinutesSinceDose(60));
  const cds::v1::DischargeReadiness& d = card.triage().discharge();
  ASSERT_TRUE(d.has_earliest_time());
  EXPECT_EQ(d.earliest_time().seconds(), kEvaluationSeconds + 60 * 60);
  EXPECT_EQ(card.triage().dose_time().seconds(), kEvaluationSeconds - 60 * 60);
  EXPECT_EQ(FormatUtc(d.earliest_time().seconds()), "2026-11-21T11:00:00Z");
  EXPECT_NE(card.detail().find("2026-11-21T11:00:00Z"), std::string::npos);
}

TEST(DischargeReadiness, LongerMinimumObservationSettingMovesTheEarliestTime) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().MinutesSinceDose(130), {{"discharge_minimum_minutes", 180}});
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(card.triage().discharge().earliest_minutes_after_dose(), 180);
}

TEST(DischargeReadiness, UnresolvedDissociationBlocksDischarge) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().CdsdSymptom("dissociation"));
  EXPECT_EQ(OutcomeOf(card, "discharge.dissociation_assessed"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE)
      << "an expected effect, not an escalation";
}

TEST(DischargeReadiness, UnresolvedSedationCodedInSnomedBlocksDischarge) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom("271782001"));
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeReadiness, UnresolvedNauseaDoesNotBlockDischarge) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom("422587007"));
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_READY);
}

TEST(DischargeReadiness, BloodPressureOutsideTheSiteMarginBlocksDischarge) {
  // Baseline 124/78; latest 145/84 is 21 mmHg above, outside the default 20 mmHg margin, even
  // though it is falling.
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(125, 145, 84, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
  EXPECT_NE(CriterionOf(card, "discharge.bp_safe").description().find("site settings"),
            std::string::npos);
}

TEST(DischargeReadiness, FallingBloodPressureAtTheSiteMarginIsSafe) {
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().Vitals(122, 150, 92, 98, 16).Vitals(125, 144, 88, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_MET);
}

TEST(DischargeReadiness, LowLatestSpo2BlocksDischarge) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(125, 128, 80, 88, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.breathing_normal"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeReadiness, UrgentFindingBlocksDischarge) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom("18165001"));
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeReadiness, UnrecognisedSymptomStillPresentBlocksDischarge) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Symptom("http://example.org/local", "X-42"));
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_NOT_MET);
}

TEST(DischargeReadiness, RecognisedButUnexpectedSymptomStillPresentBlocksDischargeUntilReviewed) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom("80313002"));
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_NE(CriterionOf(card, "discharge.no_open_escalation")
                .explanation()
                .find("needs clinician review"),
            std::string::npos);
}

TEST(DischargeReadiness, NoVitalsIsNeverReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoVitals());
  EXPECT_EQ(OutcomeOf(card, "discharge.breathing_normal"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeReadiness, MissingTimeSinceDoseIsUnknownAndHasNoAbsoluteTime) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoMinutesSinceDose());
  EXPECT_EQ(OutcomeOf(card, "discharge.minimum_observation"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(card.triage().discharge().status(), DISCHARGE_STATUS_UNKNOWN);
  EXPECT_FALSE(card.triage().discharge().has_earliest_time());
  EXPECT_FALSE(card.triage().has_dose_time());
}

TEST(DischargeReadiness, ReadingsWithoutTimesCannotShowTheLatestValues) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().Vitals(std::nullopt, 128, 80, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_NE(card.triage().discharge().status(), DISCHARGE_STATUS_READY);
}

TEST(DischargeReadiness, NoDrivingUntilTheNextDayIsOnEveryCard) {
  for (const SessionRequest& request :
       {SessionRequest::Calm(), SessionRequest::Calm().NoVitals()}) {
    const cds::v1::Card card = Triage(request);
    EXPECT_NE(card.triage().discharge().driving_advice().find("next day"), std::string::npos);
    EXPECT_TRUE(HasAction(card, "No driving"));
  }
}

}  // namespace
}  // namespace cds::triage::testing
