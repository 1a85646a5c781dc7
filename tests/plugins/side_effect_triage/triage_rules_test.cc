// The triage rules one by one, at their boundaries, and in combination (the highest level wins and
// every finding stays listed).
#include <gtest/gtest.h>

#include "session_request.h"

namespace cds::triage::testing {
namespace {

using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;

constexpr std::string_view kSnomedChestPain = "29857009";
constexpr std::string_view kSnomedHeadache = "25064002";
constexpr std::string_view kSnomedNausea = "422587007";
constexpr std::string_view kSnomedVomiting = "422400008";
constexpr std::string_view kSnomedSeizure = "91175000";
constexpr std::string_view kSnomedSyncope = "271594007";
constexpr std::string_view kSnomedDysuria = "49650001";
constexpr std::string_view kSnomedJaundice = "18165001";
constexpr std::string_view kSnomedPalpitations = "80313002";

// --- Calm session -----------------------------------------------------------------------------

TEST(TriageRules, CalmCompleteSessionIsRoutineWithNoFindings) {
  const cds::v1::Card card = Triage(SessionRequest::Calm());
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_INFO);
  EXPECT_EQ(card.triage().findings_size(), 0);
  EXPECT_EQ(card.missing_inputs_size(), 0);
  EXPECT_EQ(OutcomeOf(card, "data.incomplete"), CRITERION_OUTCOME_NOT_MET);
}

// --- Blood pressure rise over baseline ----------------------------------------------------------

TEST(TriageRules, SystolicRiseOfExactly40CallsForExtendedMonitoring) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(120, 78).Vitals(60, 160, 80, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  const cds::v1::TriageFinding* f = FindingOf(card, "bp.rise_over_baseline");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->observed().find("systolic +40"), std::string::npos) << f->observed();
  EXPECT_NE(f->threshold().find(">= +40"), std::string::npos) << f->threshold();
}

TEST(TriageRules, SystolicRiseOf39DoesNotFire) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(120, 78).Vitals(60, 159, 80, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE);
}

TEST(TriageRules, DiastolicRiseOfExactly25CallsForExtendedMonitoring) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(124, 70).Vitals(60, 130, 95, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

TEST(TriageRules, DiastolicRiseOf24DoesNotFire) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(124, 70).Vitals(60, 130, 94, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_NOT_MET);
}

TEST(TriageRules, RiseOnDecimalReadingsReachesTheThresholdExactly) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(120.3, 78).Vitals(60, 160.3, 80, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_MET);
}

TEST(TriageRules, MissingBaselineMakesTheRiseUnknownAndListsIt) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoBaseline());
  EXPECT_EQ(OutcomeOf(card, "bp.rise_over_baseline"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.baseline.systolic_mmhg"));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.baseline.diastolic_mmhg"));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR)
      << "missing data is never routine";
}

// --- Severe blood pressure ----------------------------------------------------------------------

TEST(TriageRules, BloodPressureOf179Over109IsNotSevere) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(140, 90).Vitals(40, 179, 109, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(FindingCount(card, "bp.severe"), 0);
}

TEST(TriageRules, SystolicOfExactly180IsSevereAsTheLabelCountsIt) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(140, 90).Vitals(40, 180, 100, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  const cds::v1::TriageFinding* f = FindingOf(card, "bp.severe");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->observed().find("180/100"), std::string::npos) << f->observed();
  EXPECT_NE(f->threshold().find(">= 180"), std::string::npos) << f->threshold();
}

TEST(TriageRules, DiastolicOfExactly110AloneIsSevere) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Baseline(140, 90).Vitals(40, 170, 110, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
}

TEST(TriageRules, SevereBloodPressureSaysItsRuleComesFromGeneralHypertensionGuidance) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(40, 190, 100, 98, 16));
  EXPECT_NE(CriterionOf(card, "bp.severe").description().find("general hypertension guidance"),
            std::string::npos);
  EXPECT_NE(card.detail().find("general hypertension guidance"), std::string::npos);
}

TEST(TriageRules, SevereBloodPressureWithChestPainIsAnEmergency) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Vitals(40, 186, 112, 97, 16).SnomedSymptom(kSnomedChestPain));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(card, "symptom.warning_without_bp_rise"), CRITERION_OUTCOME_NOT_APPLICABLE);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_CRITICAL);
  EXPECT_TRUE(HasAction(card, "never replaces"));
  EXPECT_NE(card.detail().find("never replaces"), std::string::npos);
}

TEST(TriageRules, EachHypertensiveWarningSymptomMakesSevereBloodPressureAnEmergency) {
  for (std::string_view code : {"chest-pain", "severe-headache", "neurological-deficit",
                                "shortness-of-breath", "vision-change"}) {
    const cds::v1::Card card =
        Triage(SessionRequest::Calm().Vitals(40, 150, 115, 97, 16).CdsdSymptom(code));
    EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY) << code;
  }
}

TEST(TriageRules, SevereBloodPressureWithMildHeadacheIsUrgentNotEmergency) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Vitals(40, 185, 100, 97, 16)
                                        .SnomedSymptom(kSnomedHeadache, cds::v1::SEVERITY_MILD));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(card, "symptom.other_recognised"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
}

TEST(TriageRules, HeadacheOfUnrecordedSeverityCountsAsSevere) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .Vitals(40, 185, 100, 97, 16)
                 .SnomedSymptom(kSnomedHeadache, cds::v1::SEVERITY_UNSPECIFIED));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_NE(
      CriterionOf(card, "bp.hypertensive_crisis_symptoms").explanation().find("counts as severe"),
      std::string::npos);
}

TEST(TriageRules, ChestPainWithoutAnyPostDoseRiseNeedsUrgentReview) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .NoVitals()
                                        .Vitals(40, 124, 78, 98, 16)
                                        .Vitals(120, 120, 76, 98, 16)
                                        .SnomedSymptom(kSnomedChestPain));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(card, "symptom.warning_without_bp_rise"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
}

TEST(TriageRules, ChestPainWithAOneMillimetrePostDoseRiseIsAnEmergency) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .NoVitals()
                                        .Vitals(40, 125, 78, 98, 16)
                                        .Vitals(120, 120, 76, 98, 16)
                                        .SnomedSymptom(kSnomedChestPain));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
}

TEST(TriageRules, CrisisSymptomsAfterALargeRiseBelowTheSevereCategoryAreAnEmergency) {
  // The review's case: 176/104 after a rise from 130/80, with a sudden severe headache and a
  // change in vision: the label sends these to emergency care whatever the value.
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Baseline(130, 80)
                                        .Vitals(40, 176, 104, 98, 16)
                                        .CdsdSymptom("severe-headache", cds::v1::SEVERITY_SEVERE)
                                        .CdsdSymptom("vision-change"));
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_TRUE(HasAction(card, "immediately for emergency care"));
}

TEST(TriageRules, EveryEncephalopathySymptomWithARiseIsAnEmergency) {
  for (std::string_view code : {"chest-pain", "shortness-of-breath", "severe-headache",
                                "vision-change", "diminished-consciousness",
                                "neurological-deficit"}) {
    const cds::v1::Card card = Triage(SessionRequest::Calm().CdsdSymptom(code));
    EXPECT_EQ(LevelOf(card), cds::v1::TRIAGE_LEVEL_EMERGENCY) << code;
  }
}

TEST(TriageRules, WarningSymptomWithoutBloodPressureCannotExcludeAnEmergency) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().SnomedSymptom(kSnomedChestPain));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(OutcomeOf(card, "symptom.warning_without_bp_rise"), CRITERION_OUTCOME_NOT_APPLICABLE);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals"));
}

TEST(TriageRules, WarningSymptomWithoutBaselineCannotExcludeARise) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoBaseline().SnomedSymptom(kSnomedChestPain));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.baseline.systolic_mmhg"));
}

TEST(TriageRules, WarningSymptomRecordedAbsentIsNotAFinding) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .SnomedSymptom(kSnomedChestPain)
                                        .LastSymptomStatus(cds::v1::SYMPTOM_STATUS_ABSENT, 120));
  EXPECT_EQ(OutcomeOf(card, "bp.hypertensive_crisis_symptoms"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(LevelOf(card), cds::v1::TRIAGE_LEVEL_ROUTINE);
  EXPECT_EQ(DischargeOf(card), cds::v1::DISCHARGE_STATUS_READY);
}

TEST(TriageRules, SevereBloodPressureIsUnknownWhenDiastolicWasNeverMeasured) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().Vitals(40, 150, std::nullopt, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[].diastolic_mmhg"));
}

// --- Breathing ----------------------------------------------------------------------------------

TEST(TriageRules, Spo2AtTheThresholdIsNotRespiratoryDepression) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 90, 16));
  EXPECT_EQ(OutcomeOf(card, "respiratory.spo2_low"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_NE(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
}

TEST(TriageRules, Spo2BelowTheThresholdIsAnEmergency) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 89.9, 16));
  EXPECT_EQ(OutcomeOf(card, "respiratory.spo2_low"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  const cds::v1::TriageFinding* f = FindingOf(card, "respiratory.spo2_low");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->observed().find("89.9 %"), std::string::npos) << f->observed();
  EXPECT_NE(f->threshold().find("< 90 %"), std::string::npos) << f->threshold();
}

TEST(TriageRules, Spo2ThresholdFollowsTheSetting) {
  const SessionRequest request = SessionRequest::Calm().Vitals(60, 130, 80, 91, 16);
  EXPECT_EQ(OutcomeOf(Triage(request), "respiratory.spo2_low"), CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(request, {{"spo2_low_percent", 92}});
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_NE(FindingOf(card, "respiratory.spo2_low")->threshold().find("< 92 %"), std::string::npos);
}

TEST(TriageRules, RespiratoryRateBelowTenIsAnEmergencyAndTenIsNot) {
  EXPECT_EQ(OutcomeOf(Triage(SessionRequest::Calm().Vitals(60, 130, 80, 97, 10)),
                      "respiratory.rate_slow"),
            CRITERION_OUTCOME_NOT_MET);
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 97, 9));
  EXPECT_EQ(OutcomeOf(card, "respiratory.rate_slow"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_NE(CriterionOf(card, "respiratory.rate_slow")
                .description()
                .find("not in the clinical reference"),
            std::string::npos);
}

TEST(TriageRules, ShallowBreathingIsAnEmergencyEvenWhenResolved) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().CdsdSymptom(
      "shallow-breathing", cds::v1::SEVERITY_MILD, /*resolved=*/true));
  EXPECT_EQ(OutcomeOf(card, "respiratory.signs_reported"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
}

TEST(TriageRules, MissingSpo2AndRespiratoryRateAreUnknownNotNormal) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoVitals().Vitals(40, 130, 80, std::nullopt, std::nullopt));
  EXPECT_EQ(OutcomeOf(card, "respiratory.spo2_low"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(OutcomeOf(card, "respiratory.rate_slow"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[].spo2_percent"));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[].respiratory_rate"));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

// --- Seizure and loss of consciousness
// ------------------------------------------------------------

TEST(TriageRules, SeizureIsAnEmergency) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().SnomedSymptom(kSnomedSeizure, cds::v1::SEVERITY_SEVERE, true));
  EXPECT_EQ(OutcomeOf(card, "neuro.seizure"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
}

TEST(TriageRules, FaintingCodedAsSyncopeIsLossOfConsciousness) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom(kSnomedSyncope));
  EXPECT_EQ(OutcomeOf(card, "neuro.loss_of_consciousness"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
}

// --- Persistence beyond four hours
// -----------------------------------------------------------------

TEST(TriageRules, SymptomStillPresentAtExactlyFourHoursIsNotPersistent) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .MinutesSinceDose(240)
                                        .Vitals(230, 126, 80, 98, 16)
                                        .SnomedSymptom(kSnomedNausea));
  EXPECT_EQ(OutcomeOf(card, "effects.persisting_beyond_window"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE);
}

TEST(TriageRules, SymptomStillPresentBeyondFourHoursNeedsUrgentReview) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .MinutesSinceDose(241)
                                        .Vitals(230, 126, 80, 98, 16)
                                        .SnomedSymptom(kSnomedNausea));
  EXPECT_EQ(OutcomeOf(card, "effects.persisting_beyond_window"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
  EXPECT_NE(
      FindingOf(card, "effects.persisting_beyond_window")->observed().find("Nausea still present"),
      std::string::npos);
}

TEST(TriageRules, ResolvedSymptomBeyondFourHoursIsNotPersistent) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .MinutesSinceDose(300)
                 .Vitals(290, 126, 80, 98, 16)
                 .SnomedSymptom(kSnomedNausea, cds::v1::SEVERITY_MILD, /*resolved=*/true));
  EXPECT_EQ(OutcomeOf(card, "effects.persisting_beyond_window"), CRITERION_OUTCOME_NOT_MET);
}

TEST(TriageRules, BloodPressureNotBackNearBaselineBeyondFourHoursIsUrgent) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().MinutesSinceDose(250).Vitals(245, 150, 92, 98, 16));
  EXPECT_EQ(OutcomeOf(card, "effects.persisting_beyond_window"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
}

// --- Expected effects
// -------------------------------------------------------------------------------

TEST(TriageRules, MildNauseaInTheExpectedWindowIsRoutineWithSupportiveCare) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom(kSnomedNausea));
  EXPECT_EQ(OutcomeOf(card, "effects.expected"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_INFO);
  EXPECT_TRUE(HasAction(card, "Nausea:"));
}

TEST(TriageRules, EveryExpectedEffectCodeIsRoutineWhenMild) {
  for (std::string_view code :
       {"nausea", "vomiting", "dizziness", "vertigo", "dissociation", "feeling-drunk", "sedation",
        "hypoesthesia", "anxiety", "lethargy"}) {
    const cds::v1::Card card =
        Triage(SessionRequest::Calm().CdsdSymptom(code, cds::v1::SEVERITY_MILD, true));
    EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_ROUTINE) << code;
    EXPECT_EQ(FindingCount(card, "effects.expected"), 1) << code;
  }
}

TEST(TriageRules, SevereVomitingIsMonitor) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().SnomedSymptom(kSnomedVomiting, cds::v1::SEVERITY_SEVERE));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(FindingOf(card, "effects.expected")->level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

TEST(TriageRules, ExpectedEffectWithoutSeverityIsMonitorAndSaysWhatIsMissing) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().SnomedSymptom(kSnomedNausea, cds::v1::SEVERITY_UNSPECIFIED));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.symptoms[0].severity"));
}

TEST(TriageRules, ExpectedEffectWithoutTimeSinceDoseIsMonitor) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().NoMinutesSinceDose().SnomedSymptom(kSnomedNausea));
  EXPECT_EQ(FindingOf(card, "effects.expected")->level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.minutes_since_dose"));
}

// --- Over a course
// --------------------------------------------------------------------------------

TEST(TriageRules, UrinarySymptomsAreReferredAsPossibleCystitis) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().CourseSessions(12).SnomedSymptom(kSnomedDysuria));
  EXPECT_EQ(OutcomeOf(card, "course.urinary"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_TRUE(HasAction(card, "cystitis"));
}

TEST(TriageRules, JaundiceHoldsTheNextDose) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom(kSnomedJaundice));
  EXPECT_EQ(OutcomeOf(card, "course.liver"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
  EXPECT_TRUE(HasAction(card, "hold the next dose"));
}

TEST(TriageRules, AltAboveTheSiteLimitHoldsTheNextDose) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Lab("1742-6", 30, "U/L", kEvaluationSeconds - 30 * 86400)
                                        .Lab("1742-6", 64, "U/L", kEvaluationSeconds - 86400));
  EXPECT_EQ(OutcomeOf(card, "course.liver"), CRITERION_OUTCOME_MET);
  const cds::v1::TriageFinding* f = FindingOf(card, "course.liver");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->observed().find("64 U/L (previous 30 U/L)"), std::string::npos) << f->observed();
}

TEST(TriageRules, OlderRaisedAltDoesNotFireWhenTheLatestIsNormal) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .Lab("1742-6", 80, "U/L", kEvaluationSeconds - 30 * 86400)
                                        .Lab("1742-6", 35, "U/L", kEvaluationSeconds - 86400));
  EXPECT_EQ(OutcomeOf(card, "course.liver"), CRITERION_OUTCOME_NOT_MET);
}

TEST(TriageRules, BilirubinInMicromolesPerLitreIsConvertedBeforeComparison) {
  EXPECT_EQ(
      OutcomeOf(Triage(SessionRequest::Calm().Lab("1975-2", 25, "umol/L", kEvaluationSeconds)),
                "course.liver"),
      CRITERION_OUTCOME_MET);
  EXPECT_EQ(
      OutcomeOf(Triage(SessionRequest::Calm().Lab("1975-2", 15, "umol/L", kEvaluationSeconds)),
                "course.liver"),
      CRITERION_OUTCOME_NOT_MET);
}

TEST(TriageRules, LiverTestInAnUnknownUnitIsListedNotCompared) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Lab("1742-6", 2, "ukat/L", kEvaluationSeconds));
  EXPECT_EQ(OutcomeOf(card, "course.liver"), CRITERION_OUTCOME_NOT_MET);
  EXPECT_TRUE(HasMissingInput(card, "patient.observations[0]"));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

// --- Unknown symptoms and missing data
// --------------------------------------------------------------

TEST(TriageRules, UnrecognisedSymptomCodeIsListedForReviewAtMonitor) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm().Symptom("http://example.org/local", "X-42"));
  EXPECT_EQ(OutcomeOf(card, "symptom.unrecognised"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  const cds::v1::TriageFinding* f = FindingOf(card, "symptom.unrecognised");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->observed().find("X-42"), std::string::npos) << f->observed();
}

TEST(TriageRules, SnomedCodeOutsideTheCatalogueIsUnrecognisedNotDropped) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom("62315008"));
  EXPECT_EQ(FindingCount(card, "symptom.unrecognised"), 1);
}

TEST(TriageRules, RecognisedSymptomOutsideTheExpectedEffectsNeedsReview) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().SnomedSymptom(kSnomedPalpitations));
  EXPECT_EQ(OutcomeOf(card, "symptom.other_recognised"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

TEST(TriageRules, ReportWithNoVitalsIsNeverRoutine) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().NoVitals());
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
  EXPECT_EQ(OutcomeOf(card, "data.incomplete"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(OutcomeOf(card, "bp.severe"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(OutcomeOf(card, "respiratory.spo2_low"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(OutcomeOf(card, "respiratory.rate_slow"), CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals"));
  EXPECT_NE(card.triage().discharge().status(), cds::v1::DISCHARGE_STATUS_READY);
}

TEST(TriageRules, ImplausibleValueIsSetAsideAndListed) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(60, 130, 80, 150, 16));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[2].spo2_percent"));
  EXPECT_EQ(OutcomeOf(card, "data.incomplete"), CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_MONITOR);
}

TEST(TriageRules, ReadingWithoutTimeIsListed) {
  const cds::v1::Card card = Triage(SessionRequest::Calm().Vitals(std::nullopt, 128, 80, 98, 16));
  EXPECT_TRUE(HasMissingInput(card, "patient.session_report.vitals[2].minutes_after_dose"));
}

// --- Combinations
// -----------------------------------------------------------------------------------

TEST(TriageRules, HighestLevelWinsAndEveryFindingIsListed) {
  const cds::v1::Card card =
      Triage(SessionRequest::Calm()
                 .Baseline(130, 80)
                 .Vitals(40, 185, 100, 97, 16)    // rise +55 and severe: MONITOR, URGENT
                 .Vitals(60, 150, 90, 88, 14)     // SpO2 88: EMERGENCY
                 .SnomedSymptom(kSnomedNausea));  // ROUTINE
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_CRITICAL);
  for (std::string_view rule :
       {"respiratory.spo2_low", "bp.severe", "bp.rise_over_baseline", "effects.expected"}) {
    EXPECT_EQ(FindingCount(card, rule), 1) << rule;
  }
  EXPECT_EQ(card.summary().rfind("EMERGENCY: Respiratory depression", 0), 0u) << card.summary();
}

TEST(TriageRules, UrgentBeatsMonitorAndRoutine) {
  const cds::v1::Card card = Triage(SessionRequest::Calm()
                                        .SnomedSymptom(kSnomedNausea)
                                        .SnomedSymptom(kSnomedDysuria)
                                        .SnomedSymptom(kSnomedJaundice));
  EXPECT_EQ(card.triage().level(), cds::v1::TRIAGE_LEVEL_URGENT);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  EXPECT_EQ(card.triage().findings_size(), 3);
}

}  // namespace
}  // namespace cds::triage::testing
