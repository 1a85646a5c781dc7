// The escalations added by "side-effect triage 2", each at its boundary: SpO2 floor and fall,
// respiratory-rate floor (EMERGENCY with sedation), heart rate, hypotension and large falls
// (EMERGENCY with syncope or chest pain), severe sedation, suicidality, pre-dose blood pressure,
// blood pressure during an IV infusion, co-medication, and how Symptom.status is read.
#include <gtest/gtest.h>

#include "session_request.h"

namespace cds::triage::testing {
namespace {

using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;
using cds::v1::DISCHARGE_STATUS_NOT_READY;
using cds::v1::DISCHARGE_STATUS_READY;
using cds::v1::DISCHARGE_STATUS_UNKNOWN;
using cds::v1::TRIAGE_LEVEL_EMERGENCY;
using cds::v1::TRIAGE_LEVEL_MONITOR;
using cds::v1::TRIAGE_LEVEL_ROUTINE;
using cds::v1::TRIAGE_LEVEL_URGENT;

constexpr char kSpo2Rule[] = "respiratory.spo2_fall_or_floor";
constexpr char kRateRule[] = "respiratory.rate_floor";
constexpr char kHeartRule[] = "cardiac.heart_rate";
constexpr char kHypotensionRule[] = "cardiac.hypotension";
constexpr std::string_view kSnomedSyncope = "271594007";

const cds::v1::TriageFinding& Finding(const cds::v1::Card& card, std::string_view rule) {
  const cds::v1::TriageFinding* f = FindingOf(card, rule);
  static const cds::v1::TriageFinding kNone;
  EXPECT_NE(f, nullptr) << "no finding of " << rule;
  return f ? *f : kNone;
}

// --- SpO2 floor and fall -------------------------------------------------------------------------

TEST(Spo2FallOrFloor, Spo2AtTheFloorWithASmallFallDoesNotFire) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(124, 78, 94).Vitals(60, 130, 80, 92, 16));
  EXPECT_EQ(OutcomeOf(card, kSpo2Rule), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_ROUTINE);
}

TEST(Spo2FallOrFloor, Spo2BelowTheFloorIsUrgent) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(124, 78, 93).Vitals(60, 130, 80, 91, 16));
  EXPECT_EQ(Finding(card, kSpo2Rule).level(), TRIAGE_LEVEL_URGENT);
  EXPECT_NE(Finding(card, kSpo2Rule).threshold().find("< 92 %"), std::string::npos);
}

TEST(Spo2FallOrFloor, AFallOfThreePointsIsUrgentAndTwoIsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 130, 80, 96, 16)), kSpo2Rule),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 95, 16));
  EXPECT_EQ(Finding(card, kSpo2Rule).level(), TRIAGE_LEVEL_URGENT);
}

TEST(Spo2FallOrFloor, FallingSpo2WithSedationIsAnEmergency) {
  // The review's case: 98 -> 91 % with sedation gave ROUTINE.
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Vitals(60, 130, 80, 91, 14)
                                        .CdsdSymptom("sedation", cds::v1::SEVERITY_MODERATE));
  EXPECT_EQ(Finding(card, kSpo2Rule).level(), TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_CRITICAL);
}

TEST(Spo2FallOrFloor, ASedationAssessmentBelowAwakeCountsAsSedation) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Vitals(60, 130, 80, 94, 16)
                                        .Sedation(60, cds::v1::SEDATION_SCALE_MOAA_S, 4));
  EXPECT_EQ(Finding(card, kSpo2Rule).level(), TRIAGE_LEVEL_EMERGENCY);
}

TEST(Spo2FallOrFloor, MissingBaselineSpo2IsUnknownAndListedNeverRoutine) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Baseline(124, 78, std::nullopt));
  EXPECT_EQ(OutcomeOf(card, kSpo2Rule), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.baseline.spo2_percent"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
  EXPECT_NE(DischargeOf(card), DISCHARGE_STATUS_READY);
}

// --- Respiratory-rate floor -----------------------------------------------------------------------

TEST(RespiratoryRateFloor, TwelveDoesNotFireAndElevenIsUrgent) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 12)), kRateRule),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 11));
  EXPECT_EQ(Finding(card, kRateRule).level(), TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT);
}

TEST(RespiratoryRateFloor, SlowBreathingWithSevereSedationIsAnEmergency) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Vitals(60, 130, 80, 98, 11)
                                        .Sedation(60, cds::v1::SEDATION_SCALE_RASS, -2));
  EXPECT_EQ(Finding(card, kRateRule).level(), TRIAGE_LEVEL_EMERGENCY);
}

TEST(RespiratoryRateFloor, MissingRespiratoryRateIsUnknownNeverRoutine) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().Vitals(120, 128, 80, 98, std::nullopt));
  EXPECT_EQ(OutcomeOf(card, kRateRule), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
  EXPECT_NE(DischargeOf(card), DISCHARGE_STATUS_READY);
}

// --- Heart rate -------------------------------------------------------------------------------

TEST(HeartRate, FortyIsBradycardiaAndFortyOneIsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 41)), kHeartRule),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 40));
  EXPECT_EQ(Finding(card, kHeartRule).level(), TRIAGE_LEVEL_URGENT);
  EXPECT_NE(Finding(card, kHeartRule).observed().find("bradycardia"), std::string::npos);
}

TEST(HeartRate, OneHundredThirtyOneIsTachycardiaAndOneHundredThirtyIsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 130)), kHeartRule),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 131));
  EXPECT_EQ(Finding(card, kHeartRule).level(), TRIAGE_LEVEL_URGENT);
  EXPECT_NE(Finding(card, kHeartRule).observed().find("tachycardia"), std::string::npos);
}

TEST(HeartRate, PulseOf36WithDizzinessIsUrgentAndNeverReady) {
  // The review's case: ROUTINE + READY.
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().Vitals(125, 126, 79, 98, 16, 36).CdsdSymptom("dizziness"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(OutcomeOf(card, "discharge.circulation_normal"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(HeartRate, BradycardiaWithSyncopeIsAnEmergency) {
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 38).SnomedSymptom(kSnomedSyncope));
  EXPECT_EQ(Finding(card, kHeartRule).level(), TRIAGE_LEVEL_EMERGENCY);
}

TEST(HeartRate, MissingHeartRateIsUnknownListedAndNeverReady) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .NoVitals()
                                        .Vitals(40, 138, 84, 98, 16, std::nullopt)
                                        .Vitals(120, 128, 80, 98, 16, std::nullopt));
  EXPECT_EQ(OutcomeOf(card, kHeartRule), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[].heart_rate_bpm"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

TEST(HeartRate, MissingPreDoseHeartRateIsListedNeverRoutine) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(124, 78, 98, std::nullopt));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.baseline.heart_rate_bpm"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
}

TEST(HeartRate, ThresholdsFollowTheirSettings) {
  const SessionRequest request = SessionRequest::Calm().Vitals(60, 130, 80, 98, 16, 48);
  EXPECT_EQ(OutcomeOf(Triage(request), kHeartRule), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(Triage(request, {{"heart_rate_low_bpm", 50}}), kHeartRule),
            CRITERION_OUTCOME_MET);
}

// --- Hypotension ------------------------------------------------------------------------------

TEST(Hypotension, SystolicOf90IsHypotensionAnd91IsNot) {
  EXPECT_EQ(
      OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 91, 60, 98, 16)), kHypotensionRule),
      CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 90, 60, 98, 16));
  EXPECT_EQ(Finding(card, kHypotensionRule).level(), TRIAGE_LEVEL_URGENT);
}

TEST(Hypotension, BloodPressureOf82Over48IsUrgent) {
  // The review's case: ROUTINE.
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(125, 82, 48, 98, 16));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(Hypotension, AFallOfThirtyPercentFiresAndTwentyNineDoesNot) {
  // Baseline 150: 105 is a 30 % fall, 106 a 29.3 % fall.
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Baseline(150, 90).Vitals(60, 106, 70, 98, 16)),
                      kHypotensionRule),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(150, 90).Vitals(60, 105, 70, 98, 16));
  EXPECT_EQ(Finding(card, kHypotensionRule).level(), TRIAGE_LEVEL_URGENT);
}

TEST(Hypotension, HypotensionWithChestPainIsAnEmergency) {
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().Vitals(60, 85, 50, 98, 16).SnomedSymptom("29857009"));
  EXPECT_EQ(Finding(card, kHypotensionRule).level(), TRIAGE_LEVEL_EMERGENCY);
}

// --- Severe sedation -----------------------------------------------------------------------------

TEST(SevereSedation, Moaas2IsUrgentAnd3IsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_MOAA_S, 3)),
                      "sedation.severe"),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_MOAA_S, 2));
  EXPECT_EQ(Finding(card, "sedation.severe").level(), TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT);
}

TEST(SevereSedation, RassMinus3IsUrgentAndMinus2IsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_RASS, -2)),
                      "sedation.severe"),
            CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(Finding(Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_RASS, -3)),
                    "sedation.severe")
                .level(),
            TRIAGE_LEVEL_URGENT);
}

TEST(SevereSedation, RespondingOnlyToPainIsAnEmergency) {
  EXPECT_EQ(LevelOf(Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_MOAA_S, 1))),
            TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(LevelOf(Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_RASS, -4))),
            TRIAGE_LEVEL_EMERGENCY);
}

TEST(SevereSedation, SedationRecordedAsSevereIsUrgentNotMonitor) {
  // The review's case: MONITOR.
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().CdsdSymptom("sedation", cds::v1::SEVERITY_SEVERE));
  EXPECT_EQ(Finding(card, "sedation.severe").level(), TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(SevereSedation, AScoreOutsideItsScaleIsListedNotUsed) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Sedation(60, cds::v1::SEDATION_SCALE_MOAA_S, 7));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.sedation_assessments[1]"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
}

// --- Suicidality -------------------------------------------------------------------------------

TEST(Suicidality, SuicidalThoughtsAreUrgentAndBlockDischarge) {
  // The review's case: MONITOR as an unrecognised symptom.
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().SnomedSymptom("6471006", cds::v1::SEVERITY_SEVERE));
  EXPECT_EQ(OutcomeOf(card, "mood.suicidality"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(card, "symptom.unrecognised"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT);
  EXPECT_TRUE(HasAction(card, "suicide-risk protocol"));
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(Suicidality, IcdCodesForIdeationAndAttemptAreRecognised) {
  for (std::string_view code : {"R45.851", "T14.91XA"}) {
    const cds::v1::Card card =
        Triage(SessionRequest::Calm().Symptom(cds::sdk::systems::kIcd10Cm, code));
    EXPECT_EQ(OutcomeOf(card, "mood.suicidality"), CRITERION_OUTCOME_MET) << code;
  }
}

TEST(Suicidality, ResolvedThoughtsStillBlockDischargeUntilReviewed) {
  const SessionRequest request = SessionRequest::Calm().CdsdSymptom(
      "suicidal-ideation", cds::v1::SEVERITY_MODERATE, /*resolved=*/true);
  EXPECT_EQ(DischargeOf(Triage(request)), DISCHARGE_STATUS_NOT_READY);
  SessionRequest reviewed = request;
  reviewed.Review("mood.suicidality", 125);
  const cds::v1::Card card = Triage(reviewed);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_URGENT) << "the finding keeps its history";
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_READY);
}

// --- Pre-dose blood pressure -----------------------------------------------------------------

TEST(PreDoseBloodPressure, DosedAt140Over90IsNoFinding) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Baseline(140, 90));
  EXPECT_EQ(OutcomeOf(card, "bp.pre_dose"), CRITERION_OUTCOME_NOT_MET);
}

TEST(PreDoseBloodPressure, DosedAbove140Over90IsAFinding) {
  for (auto [systolic, diastolic] : {std::pair{141.0, 88.0}, std::pair{130.0, 91.0}}) {
    const cds::v1::Card card = Triage(SessionRequest::Calm().Baseline(systolic, diastolic));
    EXPECT_EQ(Finding(card, "bp.pre_dose").level(), TRIAGE_LEVEL_MONITOR) << systolic;
    EXPECT_NE(Finding(card, "bp.pre_dose").observed().find("dosed at"), std::string::npos);
  }
}

TEST(PreDoseBloodPressure, DosedAtTheSevereCategoryIsUrgent) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(180, 100).Vitals(125, 175, 98, 98, 16));
  EXPECT_EQ(Finding(card, "bp.pre_dose").level(), TRIAGE_LEVEL_URGENT);
  EXPECT_NE(Finding(card, "bp.pre_dose").observed().find("dosed at 180/100"), std::string::npos);
}

// --- IV infusion ----------------------------------------------------------------------------

TEST(IvInfusion, HighBloodPressureDuringTheInfusionPausesIt) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().IvInfusion(40).Vitals(20, 160, 90, 98, 16));
  EXPECT_EQ(Finding(card, "iv.bp_during_infusion").level(), TRIAGE_LEVEL_URGENT);
  EXPECT_TRUE(HasAction(card, "pause or slow the infusion"));
}

TEST(IvInfusion, JustBelowTheThresholdOrAfterTheInfusionDoesNotFire) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().IvInfusion(40).Vitals(20, 159, 99, 98, 16)),
                      "iv.bp_during_infusion"),
            CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().IvInfusion(40).Vitals(40, 165, 99, 98, 16)),
                      "iv.bp_during_infusion"),
            CRITERION_OUTCOME_NOT_MET)
      << "minute 40 of a 40-minute infusion is after it";
}

TEST(IvInfusion, DiastolicAtTheThresholdDuringTheInfusionFires) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().IvInfusion(40).Vitals(39, 150, 100, 98, 16)),
                      "iv.bp_during_infusion"),
            CRITERION_OUTCOME_MET);
}

TEST(IvInfusion, CardSaysMinutesCountFromTheStartOfTheInfusion) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().IvInfusion(40));
  EXPECT_NE(card.detail().find("counts from its start"), std::string::npos);
}

TEST(IvInfusion, MissingInfusionLengthIsUnknownAndListed) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().IvInfusion(std::nullopt));
  EXPECT_EQ(OutcomeOf(card, "iv.bp_during_infusion"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.infusion_minutes"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
}

TEST(IvInfusion, NasalSprayHasNoInfusionRule) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm()), "iv.bp_during_infusion"),
            CRITERION_OUTCOME_NOT_APPLICABLE);
}

// --- Co-medication ------------------------------------------------------------------------------

TEST(CoMedication, ActiveBenzodiazepineIsNamedAsACnsDepressant) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Medication("6470"));
  const cds::v1::TriageFinding& f = Finding(card, "medication.co_medication");
  EXPECT_NE(f.observed().find("lorazepam"), std::string::npos) << f.observed();
  EXPECT_NE(f.description().find("CNS depressant"), std::string::npos) << f.description();
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_ROUTINE) << "named, not escalated";
}

TEST(CoMedication, PsychostimulantsAndMaoisAreNamedForBloodPressure) {
  for (std::string_view rxnorm : {"6901", "8123"}) {
    const cds::v1::Card card = Triage(SessionRequest::Calm().Medication(rxnorm));
    EXPECT_NE(Finding(card, "medication.co_medication").observed().find("blood-pressure"),
              std::string::npos)
        << rxnorm;
  }
}

TEST(CoMedication, StoppedMedicineIsNotNamed) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Medication("6470", cds::v1::MEDICATION_STATUS_STOPPED));
  EXPECT_EQ(FindingCount(card, "medication.co_medication"), 0);
}

TEST(CoMedication, MedicationListNotRetrievedIsUnknownAndListed) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().MedicationsNotRetrieved());
  EXPECT_EQ(OutcomeOf(card, "medication.co_medication"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.medications"));
}

// --- Symptom.status ---------------------------------------------------------------------------

TEST(SymptomStatus, ResolvedStatusWinsOverTheOldFlag) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .CdsdSymptom("dissociation", cds::v1::SEVERITY_MILD, /*resolved=*/false)
                 .LastSymptomStatus(cds::v1::SYMPTOM_STATUS_RESOLVED, 120));
  EXPECT_EQ(OutcomeOf(card, "discharge.dissociation_assessed"), CRITERION_OUTCOME_MET);
}

TEST(SymptomStatus, PresentStatusWinsOverTheOldFlag) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .CdsdSymptom("dissociation", cds::v1::SEVERITY_MILD, /*resolved=*/true)
                 .LastSymptomStatus(cds::v1::SYMPTOM_STATUS_PRESENT));
  EXPECT_EQ(OutcomeOf(card, "discharge.dissociation_assessed"), CRITERION_OUTCOME_NOT_MET);
}

TEST(SymptomStatus, AnUnknownStatusValueIsReadAsPresentNeverAbsent) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .CdsdSymptom("dissociation", cds::v1::SEVERITY_MILD, /*resolved=*/true)
                 .LastSymptomStatus(static_cast<cds::v1::SymptomStatus>(9)));
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_NOT_READY);
}

TEST(SymptomStatus, ASeizureRecordedAbsentIsNoEmergency) {
  const cds::v1::Card card = Triage(
      SessionRequest::Calm().CdsdSymptom("seizure").LastSymptomStatus(cds::v1::SYMPTOM_STATUS_ABSENT));
  EXPECT_EQ(OutcomeOf(card, "neuro.seizure"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_ROUTINE);
}

TEST(SymptomStatus, SymptomsNotStatedAsCheckedAreMissingNeverRoutine) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SymptomsNotStated());
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.symptoms_retrieval"));
  EXPECT_EQ(LevelOf(card), TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(OutcomeOf(card, "discharge.no_severe_effect"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(DischargeOf(card), DISCHARGE_STATUS_UNKNOWN);
}

}  // namespace
}  // namespace cds::triage::testing
