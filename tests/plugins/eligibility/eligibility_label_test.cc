// The label's indication and contraindications, and how every list the rules read honours its
// retrieval state: one test per rule at each boundary, in ICD-10-CM and SNOMED CT where both
// exist.
#include <cds/sdk/settings.h>
#include <gtest/gtest.h>

#include "eligibility_request.h"
#include "eligibility_service.h"

namespace cds::eligibility {
namespace {

using namespace cds::eligibility::testing;
using cds::v1::Card;

constexpr auto kMet = cds::v1::CRITERION_OUTCOME_MET;
constexpr auto kNotMet = cds::v1::CRITERION_OUTCOME_NOT_MET;
constexpr auto kUnknown = cds::v1::CRITERION_OUTCOME_UNKNOWN;
constexpr auto kEligible = cds::v1::ELIGIBILITY_STATUS_ELIGIBLE;
constexpr auto kIneligible = cds::v1::ELIGIBILITY_STATUS_INELIGIBLE;
constexpr auto kNeedsReview = cds::v1::ELIGIBILITY_STATUS_NEEDS_REVIEW;
constexpr std::string_view kIcd = cds::sdk::systems::kIcd10Cm;
constexpr std::string_view kSnomed = cds::sdk::systems::kSnomedCt;
constexpr std::string_view kRxNorm = cds::sdk::systems::kRxNorm;
constexpr const char* kIndication = "indication.major_depressive_disorder";
constexpr const char* kHypersensitivity = "contraindication.hypersensitivity";

Card Assess(const cds::plugin::v1::EvaluateInput& input) {
  EligibilityService service(nlohmann::json::object());
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() == 1 ? output.cards(0) : Card();
}

cds::v1::EligibilityStatus StatusOf(const Card& card) { return card.eligibility().status(); }

// The baseline with its MDD diagnosis replaced by `code`.
cds::plugin::v1::EvaluateInput WithDiagnosis(std::string_view system, std::string code,
                                             cds::v1::ConditionClinicalStatus status =
                                                 cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_conditions();
  AddCondition(*input.mutable_patient(), system, std::move(code), status);
  return input;
}

std::string CriterionText(const Card& card, std::string_view id) {
  const cds::v1::Criterion* c = FindCriterion(card, id);
  if (c == nullptr) return "";
  std::string text = c->explanation();
  for (const cds::v1::InputValue& v : c->inputs()) text += " | " + v.value();
  return text;
}

// ---- indication: major depressive disorder -------------------------------------------------

class MddCode : public ::testing::TestWithParam<std::pair<std::string_view, const char*>> {};

TEST_P(MddCode, ActiveMddDiagnosisMeetsTheIndication) {
  const Card card = Assess(WithDiagnosis(GetParam().first, GetParam().second));
  EXPECT_EQ(OutcomeOf(card, kIndication), kMet) << CriterionText(card, kIndication);
  EXPECT_EQ(StatusOf(card), kEligible);
}

INSTANTIATE_TEST_SUITE_P(IcdAndSnomed, MddCode,
                         ::testing::Values(std::make_pair(kIcd, "F32.0"),
                                           std::make_pair(kIcd, "F32.2"),
                                           std::make_pair(kIcd, "F32.9"),
                                           std::make_pair(kIcd, "F33.1"),
                                           std::make_pair(kIcd, "F33.9"),
                                           std::make_pair(kSnomed, "370143000"),
                                           std::make_pair(kSnomed, "36923009"),
                                           std::make_pair(kSnomed, "66344007")));

class OutsideIndicationCode
    : public ::testing::TestWithParam<std::pair<std::string_view, const char*>> {};

TEST_P(OutsideIndicationCode, BipolarDisorderIsOutsideTheIndication) {
  const Card card = Assess(WithDiagnosis(GetParam().first, GetParam().second));
  EXPECT_EQ(OutcomeOf(card, kIndication), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

INSTANTIATE_TEST_SUITE_P(IcdAndSnomed, OutsideIndicationCode,
                         ::testing::Values(std::make_pair(kIcd, "F31.4"),
                                           std::make_pair(kIcd, "F31.81"),
                                           std::make_pair(kIcd, "F30.10"),
                                           std::make_pair(kSnomed, "13746004")));

TEST(IndicationRule, BipolarDisorderAlongsideAnMddCodeIsStillOutsideTheIndication) {
  auto input = EligibleRequest();  // F33.2 active
  AddCondition(*input.mutable_patient(), kIcd, "F31.32");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kIndication), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_NE(CriterionText(card, kIndication).find("conflicts"), std::string::npos);
}

TEST(IndicationRule, ResolvedBipolarHistoryStillCounts) {
  const Card card = Assess(
      WithDiagnosis(kIcd, "F31.9", cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED));
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(IndicationRule, ProvisionalBipolarDiagnosisNeedsReview) {
  auto input = WithDiagnosis(kIcd, "F33.2");
  AddCondition(*input.mutable_patient(), kIcd, "F31.9")
      ->set_verification_status(cds::v1::VERIFICATION_STATUS_PROVISIONAL);
  // An active MDD code with only a provisional bipolar diagnosis: the bipolar question remains.
  const Card card = Assess(input);
  EXPECT_NE(StatusOf(card), kEligible);
}

TEST(IndicationRule, RefutedBipolarDiagnosisIsIgnored) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "F31.9")
      ->set_verification_status(cds::v1::VERIFICATION_STATUS_REFUTED);
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

class NonMddDepressionCode
    : public ::testing::TestWithParam<std::pair<std::string_view, const char*>> {};

TEST_P(NonMddDepressionCode, DepressionNotCodedAsMddNeedsReview) {
  const Card card = Assess(WithDiagnosis(GetParam().first, GetParam().second));
  EXPECT_EQ(OutcomeOf(card, kIndication), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

INSTANTIATE_TEST_SUITE_P(IcdAndSnomed, NonMddDepressionCode,
                         ::testing::Values(std::make_pair(kIcd, "F32.A"),
                                           std::make_pair(kIcd, "F32.89"),
                                           std::make_pair(kIcd, "F34.1"),
                                           std::make_pair(kSnomed, "35489007"),
                                           std::make_pair(kSnomed, "78667006")));

TEST(IndicationRule, MddCodedAsInRemissionNeedsReview) {
  for (const char* code : {"F32.4", "F32.5", "F33.40", "F33.42"}) {
    const Card card = Assess(WithDiagnosis(kIcd, code));
    EXPECT_EQ(OutcomeOf(card, kIndication), kUnknown) << code;
    EXPECT_EQ(StatusOf(card), kNeedsReview) << code;
  }
}

TEST(IndicationRule, MddWhoseStatusIsResolvedNeedsReview) {
  const Card card =
      Assess(WithDiagnosis(kSnomed, "370143000", cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED));
  EXPECT_EQ(OutcomeOf(card, kIndication), kUnknown);
}

TEST(IndicationRule, RetrievedDiagnosesWithoutMddAreOutsideTheIndication) {
  const Card card = Assess(WithDiagnosis(kIcd, "E03.9"));  // hypothyroidism only
  EXPECT_EQ(OutcomeOf(card, kIndication), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_FALSE(HasMissingInput(card, "patient.conditions"));
}

TEST(IndicationRule, RetrievedEmptyProblemListIsOutsideTheIndication) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_conditions();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kIndication), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(IndicationRule, DiagnosesNotRetrievedAreUnknownAndAMissingInput) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_conditions();
  input.mutable_patient()->mutable_retrieval()->set_conditions(cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kIndication), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.conditions"));
}

TEST(IndicationRule, EmptyDiagnosesOfAnUnstatedRetrievalAreNeverNone) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_conditions();
  input.mutable_patient()->mutable_retrieval()->clear_conditions();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kIndication), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.conditions"));
  // Every contraindication read from the diagnoses is unknown too, never "not met".
  EXPECT_EQ(OutcomeOf(card, "contraindication.aneurysmal_vascular_disease"), kUnknown);
  EXPECT_EQ(OutcomeOf(card, "contraindication.intracerebral_haemorrhage"), kUnknown);
}

TEST(IndicationRule, MddSentFromAListMarkedNotRetrievedStillCounts) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_retrieval()->set_conditions(cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kIndication), kMet);
  // ...but the contraindications cannot be ruled out from a partial list.
  EXPECT_EQ(OutcomeOf(card, "contraindication.arteriovenous_malformation"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(IndicationRule, UnverifiedCodesAreShownAsUnverified) {
  const Card card = Assess(WithDiagnosis(kSnomed, "370143000"));
  EXPECT_NE(CriterionText(card, kIndication).find("not verified"), std::string::npos);
}

// ---- retrieval of the other lists -------------------------------------------------------------

TEST(ListRetrieval, AllergiesNotRetrievedLeaveHypersensitivityUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_retrieval()->set_allergies(cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kHypersensitivity), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.allergies"));
}

TEST(ListRetrieval, AllergiesOfAnUnstatedRetrievalWhenEmptyAreUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_retrieval()->clear_allergies();
  EXPECT_EQ(OutcomeOf(Assess(input), kHypersensitivity), kUnknown);
}

TEST(ListRetrieval, RetrievedEmptyAllergyListRulesOutHypersensitivity) {
  const Card card = Assess(EligibleRequest());
  EXPECT_EQ(OutcomeOf(card, kHypersensitivity), kNotMet);
  EXPECT_FALSE(HasMissingInput(card, "patient.allergies"));
}

TEST(ListRetrieval, MedicationsNotRetrievedLeaveTheMedicineCautionsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_retrieval()->set_medications(cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.cns_depressants"), kUnknown);
  EXPECT_EQ(OutcomeOf(card, "caution.maois"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.medications"));
}

TEST(ListRetrieval, MedicationsNotRetrievedLeaveARequiredAntidepressantUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_medications();
  input.mutable_patient()->mutable_retrieval()->set_medications(cds::v1::RETRIEVAL_NOT_RETRIEVED);
  EligibilityService service(nlohmann::json{{"label_edition", "us-2019"}});
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  ASSERT_EQ(output.cards_size(), 1);
  EXPECT_EQ(OutcomeOf(output.cards(0), "concomitant.oral_antidepressant"), kUnknown);
}

TEST(ListRetrieval, RetrievedMedicationsWithoutCnsDepressantRuleTheCautionOut) {
  EXPECT_EQ(OutcomeOf(Assess(EligibleRequest()), "caution.cns_depressants"), kNotMet);
}

TEST(ListRetrieval, ObservationsNotRetrievedLeaveANormalBloodPressureUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_retrieval()->set_observations(
      cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.blood_pressure"), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.observations"));
}

TEST(ListRetrieval, HighBloodPressureFromAListNotRetrievedStillCounts) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  AddBloodPressure(*input.mutable_patient(), 150, 85);
  input.mutable_patient()->mutable_retrieval()->set_observations(
      cds::v1::RETRIEVAL_NOT_RETRIEVED);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.blood_pressure"), kMet);
}

// ---- hypersensitivity --------------------------------------------------------------------------

cds::v1::AllergyIntolerance* AddAllergy(cds::v1::PatientContext& p) {
  cds::v1::AllergyIntolerance* a = p.add_allergies();
  a->set_clinical_status(cds::v1::ALLERGY_CLINICAL_STATUS_ACTIVE);
  a->set_verification_status(cds::v1::VERIFICATION_STATUS_CONFIRMED);
  return a;
}

TEST(HypersensitivityNames, UncodedAllergyNamingTheDrugNeedsReview) {
  for (const char* text : {"Ketamine", "ESKETAMINE", "ketalar", "Spravato nasal spray"}) {
    auto input = EligibleRequest();
    AddAllergy(*input.mutable_patient())->mutable_substance()->set_text(text);
    const Card card = Assess(input);
    EXPECT_EQ(OutcomeOf(card, kHypersensitivity), kUnknown) << text;
    EXPECT_EQ(StatusOf(card), kNeedsReview) << text;
  }
}

TEST(HypersensitivityNames, LocalCodeWhoseDisplayNamesTheDrugNeedsReview) {
  auto input = EligibleRequest();
  SetCoding(AddAllergy(*input.mutable_patient())->mutable_substance(), "urn:local:allergen",
            "A-991", "Spravato 28 mg nasal device");
  EXPECT_EQ(OutcomeOf(Assess(input), kHypersensitivity), kUnknown);
}

TEST(HypersensitivityNames, ANameInsideAnotherWordDoesNotMatch) {
  auto input = EligibleRequest();
  AddAllergy(*input.mutable_patient())->mutable_substance()->set_text("Ketaminergic agents");
  EXPECT_EQ(OutcomeOf(Assess(input), kHypersensitivity), kNotMet);
}

TEST(HypersensitivityNames, UnrelatedAllergyRulesNothingIn) {
  auto input = EligibleRequest();
  SetCoding(AddAllergy(*input.mutable_patient())->mutable_substance(), kRxNorm, "7980",
            "penicillin G");
  EXPECT_EQ(OutcomeOf(Assess(input), kHypersensitivity), kNotMet);
}

TEST(HypersensitivityNames, CodedKetamineAllergyIsIneligibleWhateverItsText) {
  auto input = EligibleRequest();
  SetCoding(AddAllergy(*input.mutable_patient())->mutable_substance(), kRxNorm, "6130",
            "ketamine");
  EXPECT_EQ(StatusOf(Assess(input)), kIneligible);
}

// ---- contraindications: every arterial bed, every AVM, every intracerebral haemorrhage ------

struct ContraindicationCase {
  const char* criterion;
  std::string_view system;
  const char* code;
};

class LabelContraindication : public ::testing::TestWithParam<ContraindicationCase> {};

TEST_P(LabelContraindication, MakesThePatientIneligible) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), GetParam().system, GetParam().code);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, GetParam().criterion), kMet) << GetParam().code;
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST_P(LabelContraindication, ResolvedRecordIsNeverEligible) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), GetParam().system, GetParam().code,
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_NE(StatusOf(Assess(input)), kEligible) << GetParam().code;
}

INSTANTIATE_TEST_SUITE_P(
    EveryBed, LabelContraindication,
    ::testing::Values(
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "I25.41"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "I28.1"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "I72.2"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "Q25.43"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kSnomed, "85659009"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kIcd, "I28.0"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kIcd, "Q28.3"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kSnomed, "234141001"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kIcd, "S06.340A"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kIcd, "S06.35AS"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kIcd, "S06.369D"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kSnomed, "274100004"}));

TEST(IntracerebralHaemorrhageHistory, InactiveTraumaticHaemorrhageStillContraindicates) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "S06.360S",
               cds::v1::CONDITION_CLINICAL_STATUS_INACTIVE);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "contraindication.intracerebral_haemorrhage"), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(AneurysmBoundary, AorticEctasiaShortOfAnAneurysmNeedsReview) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I77.811");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "contraindication.aneurysmal_vascular_disease"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(AneurysmBoundary, CoronaryArteryDissectionAloneIsNotAnAneurysm) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I25.42");
  EXPECT_EQ(OutcomeOf(Assess(input), "contraindication.aneurysmal_vascular_disease"), kNotMet);
}

// ---- blood-pressure tiers ----------------------------------------------------------------------

constexpr const char* kBpCaution = "caution.blood_pressure";
constexpr const char* kBpDefer = "contraindication.blood_pressure_uncontrolled";

Card AssessBloodPressure(double systolic, double diastolic) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  AddBloodPressure(*input.mutable_patient(), systolic, diastolic);
  return Assess(input);
}

TEST(BloodPressureTiers, OneFortyOneIsAWarningToWeighTheRisk) {
  const Card card = AssessBloodPressure(141, 85);
  EXPECT_EQ(OutcomeOf(card, kBpCaution), kMet);
  EXPECT_EQ(OutcomeOf(card, kBpDefer), kNotMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(BloodPressureTiers, JustBelowOneEightyIsStillOnlyAWarning) {
  const Card card = AssessBloodPressure(179, 109);
  EXPECT_EQ(OutcomeOf(card, kBpDefer), kNotMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(BloodPressureTiers, SystolicOneEightyIsNotEligibleTodayAndCritical) {
  const Card card = AssessBloodPressure(180, 95);
  EXPECT_EQ(OutcomeOf(card, kBpDefer), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_CRITICAL);
  EXPECT_NE(card.summary().find("not today"), std::string::npos) << card.summary();
}

TEST(BloodPressureTiers, DiastolicOneTenAloneIsNotEligibleToday) {
  const Card card = AssessBloodPressure(150, 110);
  EXPECT_EQ(OutcomeOf(card, kBpDefer), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(BloodPressureTiers, MissingReadingLeavesBothTiersUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kBpDefer), kUnknown);
  EXPECT_EQ(OutcomeOf(card, kBpCaution), kUnknown);
  EXPECT_NE(StatusOf(card), kEligible);
}

TEST(BloodPressureTiers, DeferThresholdsMustStayAboveTheCautionThresholds) {
  EXPECT_THROW(EligibilityService(nlohmann::json{{"bp_defer_systolic", 140}}),
               cds::sdk::SettingsError);
}

// ---- cautions of the label -------------------------------------------------------------------

struct CautionCase {
  const char* criterion;
  std::string_view system;
  const char* code;
};

class LabelCaution : public ::testing::TestWithParam<CautionCase> {};

TEST_P(LabelCaution, CodedConditionNeedsReview) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), GetParam().system, GetParam().code);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, GetParam().criterion), kMet) << GetParam().code;
  EXPECT_EQ(StatusOf(card), kNeedsReview) << GetParam().code;
}

constexpr const char* kCerebral = "caution.cerebrovascular_or_intracranial_pressure";
constexpr const char* kCardioResp = "caution.clinically_significant_cardiorespiratory";

INSTANTIATE_TEST_SUITE_P(
    IcdAndSnomed, LabelCaution,
    ::testing::Values(CautionCase{kCerebral, kIcd, "I63.9"}, CautionCase{kCerebral, kIcd, "G45.9"},
                      CautionCase{kCerebral, kIcd, "S06.0X0A"},
                      CautionCase{kCerebral, kIcd, "Z98.2"}, CautionCase{kCerebral, kIcd, "G93.2"},
                      CautionCase{kCerebral, kSnomed, "230690007"},
                      CautionCase{kCerebral, kSnomed, "266257000"},
                      CautionCase{kCardioResp, kIcd, "J44.9"},
                      CautionCase{kCardioResp, kIcd, "G47.33"},
                      CautionCase{kCardioResp, kIcd, "I50.22"},
                      CautionCase{kCardioResp, kIcd, "I35.0"},
                      CautionCase{kCardioResp, kIcd, "I48.91"},
                      CautionCase{kCardioResp, kIcd, "I25.2"},
                      CautionCase{kCardioResp, kSnomed, "13645005"},
                      CautionCase{kCardioResp, kSnomed, "84114007"},
                      CautionCase{"caution.dialysis", kIcd, "Z99.2"},
                      CautionCase{"caution.dialysis", kSnomed, "105502003"}));

TEST(CerebrovascularCaution, StrokeHistoryCountsWhateverItsStatus) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I63.50",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(OutcomeOf(Assess(input), kCerebral), kMet);
}

TEST(CardiorespiratoryCaution, ResolvedArrhythmiaDoesNotCount) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I48.0",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(OutcomeOf(Assess(input), kCardioResp), kNotMet);
}

// ---- recent myocardial infarction ------------------------------------------------------------

constexpr const char* kRecentMi = "caution.recent_myocardial_infarction";
constexpr const char* kEuRecentEvent = "contraindication.recent_cardiovascular_event";

cds::plugin::v1::EvaluateInput WithInfarction(std::string_view system, const char* code,
                                              const char* onset) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), system, code,
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED)
      ->set_onset_date(onset);
  return input;
}

Card AssessEu(const cds::plugin::v1::EvaluateInput& input) {
  EligibilityService service(nlohmann::json{{"label_edition", "eu"}});
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() == 1 ? output.cards(0) : Card();
}

TEST(RecentInfarction, ExactlyTwelveMonthsAgoNeedsCarefulAssessment) {
  // 2025-11-20 is 365 days before the evaluation date 2026-11-20.
  const Card card = Assess(WithInfarction(kIcd, "I21.4", "2025-11-20"));
  EXPECT_EQ(OutcomeOf(card, kRecentMi), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(RecentInfarction, ADayOlderThanTwelveMonthsDoesNotCount) {
  const Card card = Assess(WithInfarction(kSnomed, "57054005", "2025-11-19"));
  EXPECT_EQ(OutcomeOf(card, kRecentMi), kNotMet);
}

TEST(RecentInfarction, NoOnsetDateIsUnknownAndAsksForIt) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I21.9");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kRecentMi), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.conditions[1].onset_date"));
}

TEST(RecentInfarction, UsEditionDoesNotApplyTheEuContraindication) {
  const Card card = Assess(WithInfarction(kIcd, "I21.4", "2026-11-01"));
  EXPECT_EQ(OutcomeOf(card, kEuRecentEvent), cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(RecentInfarction, EuEditionSixWeeksIsAContraindication) {
  // 2026-10-09 is 42 days before 2026-11-20.
  const Card card = AssessEu(WithInfarction(kIcd, "I21.4", "2026-10-09"));
  EXPECT_EQ(OutcomeOf(card, kEuRecentEvent), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(RecentInfarction, EuEditionOneDayOutsideSixWeeksNeedsReviewOnly) {
  const Card card = AssessEu(WithInfarction(kSnomed, "22298006", "2026-10-08"));
  EXPECT_EQ(OutcomeOf(card, kEuRecentEvent), kNotMet);
  EXPECT_EQ(OutcomeOf(card, kRecentMi), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

// ---- pregnancy codes ---------------------------------------------------------------------------

class PregnancyCode : public ::testing::TestWithParam<std::pair<std::string_view, const char*>> {};

TEST_P(PregnancyCode, CodedPregnancyContradictingNotPregnantNeedsReview) {
  auto input = EligibleRequest();  // pregnancy_status NOT_PREGNANT
  AddCondition(*input.mutable_patient(), GetParam().first, GetParam().second);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.pregnancy"), kMet) << GetParam().second;
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_NE(CriterionText(card, "caution.pregnancy").find("conflicts"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(IcdAndSnomed, PregnancyCode,
                         ::testing::Values(std::make_pair(kIcd, "Z3A.12"),
                                           std::make_pair(kIcd, "Z34.01"),
                                           std::make_pair(kIcd, "O09.511"),
                                           std::make_pair(kIcd, "O9A.111"),
                                           std::make_pair(kIcd, "Z33.1"),
                                           std::make_pair(kSnomed, "77386006")));

TEST(PregnancyCodes, ResolvedPregnancyCodeIsAPastPregnancy) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "Z3A.30",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.pregnancy"), kNotMet);
}

// ---- wording -----------------------------------------------------------------------------------

TEST(EligibleWording, SaysNoCodedContraindicationAndWhatCodesCannotShow) {
  const Card card = Assess(EligibleRequest());
  ASSERT_EQ(StatusOf(card), kEligible);
  EXPECT_NE(card.summary().find("no coded contraindication found"), std::string::npos)
      << card.summary();
  EXPECT_NE(card.detail().find("excipient"), std::string::npos);
}

TEST(EligibleWording, ANotEligibleCardDoesNotClaimWhatCodesCannotShow) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I61.9");
  const Card card = Assess(input);
  EXPECT_EQ(card.detail().find("What this check cannot see"), std::string::npos);
}

TEST(Sources, CardsCiteTheDailyMedLabelWithItsRevision) {
  const Card card = Assess(EligibleRequest());
  bool dailymed = false;
  for (const cds::v1::Citation& c : card.citations()) {
    if (c.url().find("dailymed.nlm.nih.gov") != std::string::npos &&
        c.url().find("d81a6a79-a74a-44b7-822c-0dfa3036eaed") != std::string::npos &&
        c.edition().find("revised 1/2025") != std::string::npos) {
      dailymed = true;
    }
  }
  EXPECT_TRUE(dailymed);
}

}  // namespace
}  // namespace cds::eligibility
