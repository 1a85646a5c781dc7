// Discharge readiness as the label and REMS define it: recorded sedation, dissociation and
// readiness-to-leave assessments after the minimum time, recent vital signs, blood pressure
// decreasing and under a ceiling, severe effects and dizziness/vertigo/vomiting, Child-Pugh B,
// and escalations that follow the current state once a clinician has reviewed them. Every
// "missing X" path is UNKNOWN, never READY.
#include <gtest/gtest.h>

#include "session_request.h"

namespace cds::triage::testing {
namespace {

using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;
using cds::v1::DISCHARGE_STATUS_NOT_READY;
using cds::v1::DISCHARGE_STATUS_READY;
using cds::v1::DISCHARGE_STATUS_UNKNOWN;

TEST(DischargeAssessments, CalmSessionWithEveryAssessmentIsReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm());
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_READY)
      << card.triage().discharge().DebugString();
}

// --- Sedation ------------------------------------------------------------------------------

TEST(DischargeAssessments, NoSedationAssessmentIsUnknownNeverReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoSedationAssessments());
  EXPECT_EQ(OutcomeOf(card, "discharge.sedation_assessed"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, SedationAssessedOnlyBeforeTheMinimumIsUnknown) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoSedationAssessments().Sedation(
      119, cds::v1::SEDATION_SCALE_MOAA_S, 5));
  EXPECT_EQ(OutcomeOf(card, "discharge.sedation_assessed"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, UntimedSedationAssessmentIsUnknown) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoSedationAssessments().Sedation(
      std::nullopt, cds::v1::SEDATION_SCALE_MOAA_S, 5));
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, AssessmentsTimedAfterTheEvaluationDoNotCount) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoSedationAssessments().Sedation(
                1300, cds::v1::SEDATION_SCALE_MOAA_S, 5))),
            DISCHARGE_STATUS_UNKNOWN);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoDissociationAssessments().Cadss(1300, 0))),
            DISCHARGE_STATUS_UNKNOWN);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(1300))), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, LatestSedationAssessmentBelowAwakeIsNotReady) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Sedation(125, cds::v1::SEDATION_SCALE_MOAA_S, 4));
  EXPECT_EQ(OutcomeOf(card, "discharge.sedation_assessed"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeAssessments, RassZeroIsAwakeAndAgitationIsNotReady) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoSedationAssessments().Sedation(
                120, cds::v1::SEDATION_SCALE_RASS, 0))),
            DISCHARGE_STATUS_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoSedationAssessments().Sedation(
                120, cds::v1::SEDATION_SCALE_RASS, 2))),
            DISCHARGE_STATUS_NOT_READY);
}

// --- Dissociation ---------------------------------------------------------------------------

TEST(DischargeAssessments, NoDissociationAssessmentIsUnknownNeverReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoDissociationAssessments());
  EXPECT_EQ(OutcomeOf(card, "discharge.dissociation_assessed"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, CadssAboveTheCutOffIsNotReadyAndAtItIsReady) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Cadss(125, 1))), DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Cadss(125, 4),
                               {{"dissociation_cadss_resolved_max", 4}})),
            DISCHARGE_STATUS_READY);
}

TEST(DischargeAssessments, ClinicianJudgementOfDissociationIsRead) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoDissociationAssessments().DissociationJudged(
                120, cds::v1::ASSESSMENT_NO))),
            DISCHARGE_STATUS_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoDissociationAssessments().DissociationJudged(
                120, cds::v1::ASSESSMENT_YES))),
            DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().NoDissociationAssessments().DissociationJudged(
                120, cds::v1::ASSESSMENT_UNKNOWN))),
            DISCHARGE_STATUS_UNKNOWN);
}

// --- Recent vital signs -------------------------------------------------------------------------

TEST(DischargeAssessments, OnlyTheFortyMinuteVitalsAtMinute130IsUnknown) {
  // The review's case: READY.
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().Vitals(40, 138, 84, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.recent_vitals"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_NE(DischargeOf(card), DISCHARGE_STATUS_READY);
}

TEST(DischargeAssessments, VitalsOlderThanTheSiteLimitAreUnknownAndAtTheLimitAreRecent) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().MinutesSinceDose(150)), "discharge.recent_vitals"),
            CRITERION_OUTCOME_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().MinutesSinceDose(151));
  EXPECT_EQ(OutcomeOf(card, "discharge.recent_vitals"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, OneSignMissingFromTheRecentReadingIsUnknown) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .NoVitals()
                                        .Vitals(40, 138, 84, 98, 16)
                                        .Vitals(110, 130, 82, 98, 16)
                                        .Vitals(125, 128, 80, std::nullopt, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.recent_vitals"), CRITERION_OUTCOME_UNKNOWN);
}

// --- Breathing ----------------------------------------------------------------------------------

TEST(DischargeAssessments, Spo2Of91OrBreathingRateOf10AtDischargeIsNotReady) {
  // The review's cases: READY.
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Vitals(125, 128, 80, 91, 16))),
            DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Vitals(125, 128, 80, 98, 10))),
            DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(125, 128, 80, 98, 12)),
                      "discharge.breathing_normal"),
            CRITERION_OUTCOME_MET);
}

// --- Blood pressure ------------------------------------------------------------------------------

TEST(DischargeAssessments, StillHighAtTwoHoursNearAHighBaselineIsNotReady) {
  // The review's case: 178/108 at 2 h with a 170/100 baseline passed "near baseline".
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Baseline(170, 100)
                                        .NoVitals()
                                        .Vitals(40, 182, 112, 98, 16)
                                        .Vitals(125, 178, 108, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_NE(CriterionOf(card, "discharge.bp_safe").explanation().find("ceiling"),
            std::string::npos);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeAssessments, CeilingFiresAtItsValueAndNotJustBelow) {
  const auto at = [](double systolic, double diastolic) {
    return Triage(SessionRequest::Calm()
                      .Baseline(150, 92)
                      .NoVitals()
                      .Vitals(40, 165, 100, 98, 16)
                      .Vitals(125, systolic, diastolic, 98, 16));
  };
  EXPECT_EQ(OutcomeOf(at(159, 99), "discharge.bp_safe"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(at(160, 95), "discharge.bp_safe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(at(155, 100), "discharge.bp_safe"), CRITERION_OUTCOME_NOT_MET);
}

TEST(DischargeAssessments, StillRisingBloodPressureIsNotReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(125, 130, 81, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_NE(CriterionOf(card, "discharge.bp_safe").explanation().find("rising"),
            std::string::npos);
}

TEST(DischargeAssessments, OneBloodPressureReadingCannotShowItIsDecreasing) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoVitals().Vitals(125, 128, 80, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "discharge.bp_safe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

// --- Severe effects, dizziness, vertigo, vomiting --------------------------------------------------

TEST(DischargeAssessments, SevereVomitingAndVertigoStillPresentAreNeverReady) {
  // The review's case: READY.
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .CdsdSymptom("vomiting", cds::v1::SEVERITY_SEVERE)
                                        .CdsdSymptom("vertigo", cds::v1::SEVERITY_MODERATE));
  EXPECT_EQ(OutcomeOf(card, "discharge.no_severe_effect"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(card, "discharge.balance_and_vomiting_checked"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeAssessments, MildDizzinessStillPresentIsUnknownUntilStaffRecordIt) {
  const SessionRequest present = SessionRequest::Calm().CdsdSymptom("dizziness");
  EXPECT_EQ(DischargeOf(Triage(present)), DISCHARGE_STATUS_UNKNOWN);
  SessionRequest resolved = present;
  resolved.LastSymptomStatus(cds::v1::SYMPTOM_STATUS_RESOLVED, 125);
  EXPECT_EQ(DischargeOf(Triage(resolved)), DISCHARGE_STATUS_READY);
}

// --- Readiness to leave ------------------------------------------------------------------------

TEST(DischargeAssessments, ReadinessToLeaveNotRecordedIsUnknown) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoReadiness());
  EXPECT_EQ(OutcomeOf(card, "discharge.readiness_to_leave"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, EachReadinessCheckMustBeYes) {
  using cds::v1::ASSESSMENT_NO;
  using cds::v1::ASSESSMENT_UNKNOWN;
  using cds::v1::ASSESSMENT_UNSPECIFIED;
  using cds::v1::ASSESSMENT_YES;
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(120, ASSESSMENT_NO))),
            DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(120, ASSESSMENT_YES,
                                                                ASSESSMENT_UNKNOWN))),
            DISCHARGE_STATUS_UNKNOWN);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(120, ASSESSMENT_YES, ASSESSMENT_YES,
                                                                ASSESSMENT_UNSPECIFIED))),
            DISCHARGE_STATUS_UNKNOWN);
}

TEST(DischargeAssessments, ReadinessRecordedBeforeTheMinimumOrUntimedIsUnknown) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(119))), DISCHARGE_STATUS_UNKNOWN);
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().Readiness(std::nullopt))),
            DISCHARGE_STATUS_UNKNOWN);
}

// --- Hepatic impairment ----------------------------------------------------------------------

TEST(DischargeAssessments, ChildPughBNeedsTheLongerObservation) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().ChildPugh(cds::v1::CHILD_PUGH_CLASS_B));
  EXPECT_EQ(OutcomeOf(card, "discharge.minimum_observation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().earliest_minutes_after_dose(), 180);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(DischargeAssessments, ChildPughBIsReadyAfterTheLongerObservationWithLaterAssessments) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .ChildPugh(cds::v1::CHILD_PUGH_CLASS_B)
                                        .MinutesSinceDose(185)
                                        .Vitals(180, 126, 79, 98, 16)
                                        .Sedation(180, cds::v1::SEDATION_SCALE_MOAA_S, 5)
                                        .Cadss(180, 0)
                                        .Readiness(180));
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_READY) << card.triage().discharge().DebugString();
}

TEST(DischargeAssessments, ChildPughCAlsoNeedsTheLongerObservation) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().ChildPugh(cds::v1::CHILD_PUGH_CLASS_C).MinutesSinceDose(179));
  EXPECT_EQ(OutcomeOf(card, "discharge.minimum_observation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().discharge().earliest_minutes_after_dose(), 180);
}

TEST(DischargeAssessments, ChildPughMinimumFollowsItsSetting) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().ChildPugh(cds::v1::CHILD_PUGH_CLASS_B),
             {{"discharge_minimum_minutes_child_pugh_b", 240}});
  EXPECT_EQ(card.triage().discharge().earliest_minutes_after_dose(), 240);
}

TEST(DischargeAssessments, ChildPughAKeepsTheLabelMinimum) {
  EXPECT_EQ(DischargeOf(Triage(SessionRequest::Calm().ChildPugh(cds::v1::CHILD_PUGH_CLASS_A))),
            DISCHARGE_STATUS_READY);
}

// --- History and current state ---------------------------------------------------------------

SessionRequest TransientSevereReading() {
  return SessionRequest::Calm().NoVitals().Vitals(40, 186, 112, 98, 16).Vitals(
      120, 128, 80, 98, 16);
}

TEST(EscalationReview, ATransientSevereReadingBlocksDischargeUntilReviewed) {
  const cds::v1::Card card = Triage(TransientSevereReading());
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
  EXPECT_NE(card.detail().find("Stricter than the label"), std::string::npos)
      << "the card says where it is stricter than the label";
}

TEST(EscalationReview, AReviewAfterTheEvidenceLetsDischargeFollowTheCurrentState) {
  const cds::v1::Card card =
      Triage(TransientSevereReading().Review("bp.severe", 40).Review("bp.rise_over_baseline", 40));
  EXPECT_EQ(cds::v1::TRIAGE_LEVEL_URGENT, LevelOf(card)) << "the finding keeps its history";
  EXPECT_EQ(FindingCount(card, "bp.severe"), 1);
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_READY) << card.triage().discharge().DebugString();
}

TEST(EscalationReview, AReviewBeforeTheEvidenceOrOfAnotherRuleDoesNotCount) {
  EXPECT_EQ(DischargeOf(Triage(TransientSevereReading().Review("bp.severe", 39))),
            DISCHARGE_STATUS_NOT_READY);
  EXPECT_EQ(DischargeOf(Triage(TransientSevereReading().Review("bp.rise_over_baseline", 60))),
            DISCHARGE_STATUS_NOT_READY);
}

TEST(EscalationReview, AReviewedFindingThatIsStillCurrentStillBlocks) {
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().Vitals(125, 118, 76, 98, 16, 36).Review("cardiac.heart_rate", 126));
  EXPECT_EQ(OutcomeOf(card, "discharge.no_open_escalation"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(card, "discharge.circulation_normal"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

}  // namespace
}  // namespace cds::triage::testing
