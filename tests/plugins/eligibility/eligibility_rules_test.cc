// One test per eligibility rule, at the boundaries the clinical reference sets, run through the
// service class (the plugin's code without the ABI export).
#include <cds/sdk/plugin.h>
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
constexpr auto kNotApplicable = cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;
constexpr auto kEligible = cds::v1::ELIGIBILITY_STATUS_ELIGIBLE;
constexpr auto kIneligible = cds::v1::ELIGIBILITY_STATUS_INELIGIBLE;
constexpr auto kNeedsReview = cds::v1::ELIGIBILITY_STATUS_NEEDS_REVIEW;
constexpr std::string_view kIcd = cds::sdk::systems::kIcd10Cm;
constexpr std::string_view kSnomed = cds::sdk::systems::kSnomedCt;
constexpr std::string_view kRxNorm = cds::sdk::systems::kRxNorm;

Card Assess(const cds::plugin::v1::EvaluateInput& input,
            const nlohmann::json& settings = nlohmann::json::object()) {
  EligibilityService service(settings);
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() == 1 ? output.cards(0) : Card();
}

cds::v1::EligibilityStatus StatusOf(const Card& card) { return card.eligibility().status(); }

bool Lists(const google::protobuf::RepeatedPtrField<std::string>& ids, std::string_view id) {
  for (const std::string& i : ids) {
    if (i == id) return true;
  }
  return false;
}

// ---- the baseline and the card's shape ----------------------------------------------------

TEST(EligibilityCard, CompleteAdultWithTwoFailedTrialsIsEligibleWithInfoIndicator) {
  const Card card = Assess(EligibleRequest());
  EXPECT_EQ(StatusOf(card), kEligible) << card.detail();
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_INFO);
  EXPECT_EQ(card.missing_inputs_size(), 0);
  EXPECT_EQ(card.eligibility().product(), cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  EXPECT_EQ(card.eligibility().indication(), cds::v1::KETAMINE_INDICATION_TRD);
  EXPECT_EQ(card.eligibility().label_edition(), "us-2025");
  EXPECT_FALSE(card.eligibility().product_assumed());
  EXPECT_EQ(card.knowledge_version(), EmbeddedKnowledge().version());
}

TEST(EligibilityCard, EveryCriterionIsListedWithDescriptionOutcomeRoleAndCitedSources) {
  const Card card = Assess(EligibleRequest());
  ASSERT_EQ(card.criteria_size(), static_cast<int>(EmbeddedKnowledge().criteria().size()));
  for (const cds::v1::Criterion& c : card.criteria()) {
    EXPECT_FALSE(c.description().empty()) << c.id();
    EXPECT_FALSE(c.explanation().empty()) << c.id();
    EXPECT_FALSE(c.role().empty()) << c.id();
    EXPECT_NE(c.outcome(), cds::v1::CRITERION_OUTCOME_UNSPECIFIED) << c.id();
    EXPECT_EQ(c.description().find('{'), std::string::npos) << "unfilled threshold in " << c.id();
    if (c.outcome() != kNotApplicable) {
      EXPECT_GT(c.citation_ids_size(), 0) << c.id();
    }
    for (const std::string& id : c.citation_ids()) {
      bool on_card = false;
      for (const cds::v1::Citation& citation : card.citations()) on_card |= citation.id() == id;
      EXPECT_TRUE(on_card) << c.id() << " cites " << id << " which the card does not list";
    }
  }
  for (const cds::v1::Citation& citation : card.citations()) {
    EXPECT_FALSE(citation.title().empty()) << citation.id();
    EXPECT_FALSE(citation.edition().empty()) << citation.id();
  }
  EXPECT_FALSE(card.source().label().empty());
  EXPECT_FALSE(card.source().url().empty());
}

TEST(EligibilityCard, DetailIsMarkdownWithCriteriaTableAndSources) {
  const Card card = Assess(EligibleRequest());
  EXPECT_NE(card.detail().find("| Criterion | Outcome | Values used | Basis |"), std::string::npos);
  EXPECT_NE(card.detail().find("#### Sources"), std::string::npos);
  EXPECT_NE(card.detail().find("Label edition:** us-2025"), std::string::npos);
  EXPECT_NE(card.detail().find("sertraline"), std::string::npos);
}

TEST(EligibilityCard, SummaryStaysUnder140CharactersWithManyReasons) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.clear_observations();
  p.clear_pregnancy_status();
  p.clear_breastfeeding_status();
  AddCondition(p, kIcd, "F20.9");
  AddCondition(p, kIcd, "F11.20");
  AddCondition(p, kIcd, "I21.4");
  AddMedication(p, "6470", 2);
  AddMedication(p, "6901", 20);
  AddMedication(p, "8123", 45);
  const Card card = Assess(input);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_LT(card.summary().size(), 140u) << card.summary();
  EXPECT_NE(card.summary().find("more"), std::string::npos) << card.summary();
}

TEST(EligibilityCard, SameRequestGivesIdenticalBytes) {
  const auto input = EligibleRequest();
  EXPECT_EQ(Assess(input).SerializeAsString(), Assess(input).SerializeAsString());
}

// ---- product, indication and hooks ----------------------------------------------------------

TEST(EligibilityCourse, PatientViewWithoutCourseAssessesTheDefaultAndSaysSo) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_treatment_course();
  const Card card = Assess(input);
  EXPECT_EQ(card.eligibility().product(), cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  EXPECT_EQ(card.eligibility().indication(), cds::v1::KETAMINE_INDICATION_TRD);
  EXPECT_TRUE(card.eligibility().product_assumed());
  EXPECT_TRUE(card.eligibility().indication_assumed());
  EXPECT_NE(card.detail().find("default_product"), std::string::npos);
}

TEST(EligibilityCourse, DefaultProductSettingChoosesIvKetamine) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_treatment_course();
  const Card card = Assess(input, {{"default_product", "iv-racemic-ketamine"}});
  EXPECT_EQ(card.eligibility().product(), cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
}

TEST(EligibilityCourse, OrderSelectWithoutKetamineCourseReturnsNoCard) {
  auto input = EligibleRequest();
  input.set_hook("order-select");
  input.mutable_patient()->clear_treatment_course();
  EligibilityService service(nlohmann::json::object());
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(input, output);
  EXPECT_EQ(output.cards_size(), 0);
}

TEST(EligibilityCourse, OrderSelectForEsketamineReturnsTheCard) {
  auto input = EligibleRequest();
  input.set_hook("order-select");
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

TEST(EligibilityCourse, UnknownHookIsUnsupported) {
  auto input = EligibleRequest();
  input.set_hook("medication-prescribe");
  EligibilityService service(nlohmann::json::object());
  cds::plugin::v1::EvaluateOutput output;
  EXPECT_THROW(service.Evaluate(input, output), cds::sdk::Unsupported);
}

TEST(EligibilityCourse, MissingEvaluationDateIsAnInvalidRequest) {
  auto input = EligibleRequest();
  input.clear_evaluation_date();
  EligibilityService service(nlohmann::json::object());
  cds::plugin::v1::EvaluateOutput output;
  EXPECT_THROW(service.Evaluate(input, output), cds::sdk::InvalidRequest);
}

// ---- age -------------------------------------------------------------------------------------

TEST(AgeRule, SeventeenYearOldIsIneligible) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_birth_date("2008-11-21");  // 18 tomorrow
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "eligibility.adult"), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_TRUE(Lists(card.eligibility().contraindication_ids(), "eligibility.adult"));
  EXPECT_NE(card.summary().find("under 18"), std::string::npos) << card.summary();
}

TEST(AgeRule, EighteenYearOldOnTheBirthdayIsAdult) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_birth_date("2008-11-20");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "eligibility.adult"), kMet);
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(AgeRule, MissingBirthDateIsUnknownAndNeedsReview) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_birth_date();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "eligibility.adult"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.birth_date"));
}

TEST(AgeRule, MinimumAgeIsASetting) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_birth_date("2005-01-01");  // 21
  EXPECT_EQ(OutcomeOf(Assess(input, {{"minimum_age", 22}}), "eligibility.adult"), kNotMet);
}

// ---- blood pressure ----------------------------------------------------------------------------

Card AssessWithBloodPressure(double systolic, double diastolic) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  AddBloodPressure(*input.mutable_patient(), systolic, diastolic);
  return Assess(input);
}

TEST(BloodPressureRule, ExactlyOneFortyOverNinetyIsNotAbove) {
  const Card card = AssessWithBloodPressure(140, 90);
  EXPECT_EQ(OutcomeOf(card, "caution.blood_pressure"), kNotMet);
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(BloodPressureRule, SystolicOneFortyOneNeedsReview) {
  const Card card = AssessWithBloodPressure(141, 90);
  EXPECT_EQ(OutcomeOf(card, "caution.blood_pressure"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  EXPECT_TRUE(Lists(card.eligibility().review_criterion_ids(), "caution.blood_pressure"));
}

TEST(BloodPressureRule, DiastolicNinetyOneNeedsReview) {
  const Card card = AssessWithBloodPressure(140, 91);
  EXPECT_EQ(OutcomeOf(card, "caution.blood_pressure"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(BloodPressureRule, MissingBloodPressureIsUnknownNeverNormal) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.blood_pressure"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.observations[http://loinc.org|8480-6]"));
  EXPECT_TRUE(HasMissingInput(card, "patient.observations[http://loinc.org|8462-4]"));
}

TEST(BloodPressureRule, NormalReadingOlderThanTheLimitIsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  AddBloodPressure(*input.mutable_patient(), 120, 80, kEvaluationSeconds - 31 * kDay);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.blood_pressure"), kUnknown);
  EXPECT_EQ(
      OutcomeOf(Assess(input, {{"blood_pressure_max_age_days", 0}}), "caution.blood_pressure"),
      kNotMet);
}

TEST(BloodPressureRule, OldHighReadingStillNeedsReview) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_observations();
  AddBloodPressure(*input.mutable_patient(), 165, 95, kEvaluationSeconds - 90 * kDay);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.blood_pressure"), kMet);
}

TEST(BloodPressureRule, UndatedNormalReadingIsUnknown) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.clear_observations();
  AddBloodPressure(p, 120, 80);
  for (auto& o : *p.mutable_observations()) o.clear_effective_time();
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.blood_pressure"), kUnknown);
}

TEST(BloodPressureRule, LatestReadingDecides) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.clear_observations();
  AddBloodPressure(p, 150, 95, kEvaluationSeconds - 10 * kDay);
  AddBloodPressure(p, 130, 85, kEvaluationSeconds - 1 * kDay);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.blood_pressure"), kNotMet);
}

TEST(BloodPressureRule, ThresholdsAreSettings) {
  auto input = EligibleRequest();
  EXPECT_EQ(OutcomeOf(Assess(input, {{"bp_caution_systolic", 125}}), "caution.blood_pressure"),
            kMet);
}

// ---- treatment-resistant depression ---------------------------------------------------------

Card AssessWithTrials(const std::vector<std::tuple<std::string, double, double>>& trials,
                      const nlohmann::json& settings = nlohmann::json::object()) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.clear_antidepressant_trials();
  for (const auto& [drug, weeks, improvement] : trials) {
    AddTrial(p, drug, cds::v1::ASSESSMENT_YES, weeks, improvement);
  }
  return Assess(input, settings);
}

constexpr const char* kTrd = "trd.failed_antidepressant_trials";

TEST(TrdRule, TwoDifferentFailedTrialsMeetTheDefinition) {
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 6, 10}, {"39786", 6, 10}}), kTrd), kMet);
}

TEST(TrdRule, OneFailedTrialIsIneligible) {
  const Card card = AssessWithTrials({{"36437", 8, 10}});
  EXPECT_EQ(OutcomeOf(card, kTrd), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  // Not a contraindication: an unmet requirement is a warning, not critical.
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(TrdRule, TwoTrialsOfTheSameDrugCountOnce) {
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 8, 10}, {"36437", 10, 5}}), kTrd), kNotMet);
}

TEST(TrdRule, FiveWeekTrialDoesNotCountButSixWeeksDoes) {
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 8, 10}, {"39786", 5, 10}}), kTrd), kNotMet);
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 8, 10}, {"39786", 6, 10}}), kTrd), kMet);
}

TEST(TrdRule, ImprovementAtTheThresholdIsNonResponseByDefault) {
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 8, 10}, {"39786", 8, 25}}), kTrd), kMet);
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 8, 10}, {"39786", 8, 25.5}}), kTrd), kNotMet);
}

TEST(TrdRule, BelowComparisonExcludesTheThresholdItself) {
  const nlohmann::json consensus = {{"non_response_max_improvement_percent", 50},
                                    {"non_response_comparison", "below"},
                                    {"adequate_trial_weeks", 4}};
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 4, 10}, {"39786", 4, 50}}, consensus), kTrd),
            kNotMet);
  EXPECT_EQ(OutcomeOf(AssessWithTrials({{"36437", 4, 10}, {"39786", 4, 49.9}}, consensus), kTrd),
            kMet);
}

TEST(TrdRule, InadequateDoseDoesNotCount) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_antidepressant_trials(1)->set_adequate_dose(
      cds::v1::ASSESSMENT_NO);
  EXPECT_EQ(OutcomeOf(Assess(input), kTrd), kNotMet);
}

TEST(TrdRule, TrialWithUnknownDurationLeavesTheDefinitionUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_antidepressant_trials(1)->clear_duration_weeks();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.antidepressant_trials[1].duration_weeks"));
}

TEST(TrdRule, UnknownTrialsThatCannotReachTheMinimumDoNotMakeItUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_antidepressant_trials(1)->clear_percent_improvement();
  EXPECT_EQ(OutcomeOf(Assess(input, {{"min_failed_trials", 3}}), kTrd), kNotMet);
}

TEST(TrdRule, UnknownFieldIsIgnoredWhenAKnownFieldRulesTheTrialOut) {
  auto input = EligibleRequest();
  auto& trial = *input.mutable_patient()->mutable_antidepressant_trials(1);
  trial.set_duration_weeks(3);
  trial.clear_percent_improvement();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kNotMet);
  EXPECT_FALSE(HasMissingInput(card, "patient.antidepressant_trials[1].percent_improvement"));
}

TEST(TrdRule, TrialsNotRetrievedAreUnknownAndNameTheMissingHistory) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_antidepressant_trials();
  input.mutable_patient()->mutable_retrieval()->set_antidepressant_trials(
      cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.antidepressant_trials"));
}

TEST(TrdRule, EmptyTrialListOfAnUnstatedRetrievalIsUnknownNeverNone) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_antidepressant_trials();
  input.mutable_patient()->mutable_retrieval()->clear_antidepressant_trials();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.antidepressant_trials"));
}

TEST(TrdRule, RetrievedEmptyTrialHistoryDoesNotMeetTheDefinition) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_antidepressant_trials();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kNotMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_FALSE(HasMissingInput(card, "patient.antidepressant_trials"));
}

TEST(TrdRule, OneFailedTrialFromAListNotRetrievedIsUnknownNotIneligible) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_antidepressant_trials()->RemoveLast();
  input.mutable_patient()->mutable_retrieval()->set_antidepressant_trials(
      cds::v1::RETRIEVAL_NOT_RETRIEVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.antidepressant_trials"));
}

TEST(TrdRule, UnrecognisedTrialDrugIsUnknownNotFailed) {
  const Card card = AssessWithTrials({{"36437", 8, 10}, {"6448", 8, 10}});  // lithium
  EXPECT_EQ(OutcomeOf(card, kTrd), kUnknown);
}

TEST(TrdRule, TrialDrugIsRecognisedFromItsNameWhenCodedAsAClinicalDrug) {
  auto input = EligibleRequest();
  auto& drug = *input.mutable_patient()->mutable_antidepressant_trials(1)->mutable_drug();
  drug.clear_coding();
  SetCoding(&drug, kRxNorm, "313583", "Venlafaxine 75 MG Oral Capsule");
  EXPECT_EQ(OutcomeOf(Assess(input), kTrd), kMet);
}

TEST(TrdRule, MdsiDoesNotRequireTreatmentResistance) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_antidepressant_trials();
  input.mutable_patient()->mutable_treatment_course()->set_indication(
      cds::v1::KETAMINE_INDICATION_MDSI);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kTrd), kNotApplicable);
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(TrdRule, MoreFailedTrialsThanTheStudiedLimitNeedsReview) {
  const std::vector<std::tuple<std::string, double, double>> three = {
      {"36437", 8, 10}, {"39786", 8, 10}, {"72625", 8, 10}};
  EXPECT_EQ(OutcomeOf(AssessWithTrials(three), "trd.trial_history_limit"), kNotApplicable);
  const Card card = AssessWithTrials(three, {{"max_trials_counted", 2}});
  EXPECT_EQ(OutcomeOf(card, "trd.trial_history_limit"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_EQ(
      OutcomeOf(AssessWithTrials(three, {{"max_trials_counted", 3}}), "trd.trial_history_limit"),
      kNotMet);
}

// ---- contraindications -------------------------------------------------------------------------

struct ContraindicationCase {
  const char* criterion;
  std::string_view system;
  const char* code;
};

class ContraindicationRule : public ::testing::TestWithParam<ContraindicationCase> {};

TEST_P(ContraindicationRule, CodedConditionMakesThePatientIneligibleWithCriticalIndicator) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), GetParam().system, GetParam().code);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, GetParam().criterion), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_CRITICAL);
  EXPECT_TRUE(Lists(card.eligibility().contraindication_ids(), GetParam().criterion));
}

INSTANTIATE_TEST_SUITE_P(
    IcdAndSnomed, ContraindicationRule,
    ::testing::Values(
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "I71.4"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kIcd, "I67.1"},
        ContraindicationCase{"contraindication.aneurysmal_vascular_disease", kSnomed, "233985008"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kIcd, "Q28.2"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kIcd, "Q27.30"},
        ContraindicationCase{"contraindication.arteriovenous_malformation", kSnomed, "204493007"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kIcd, "I61.9"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kIcd, "I69.151"},
        ContraindicationCase{"contraindication.intracerebral_haemorrhage", kSnomed, "274100004"}));

TEST(ContraindicationHistory, ResolvedIntracerebralHaemorrhageStillCounts) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I61.0",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(StatusOf(Assess(input)), kIneligible);
}

TEST(ContraindicationHistory, ResolvedAneurysmNeedsReviewRatherThanEligible) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I71.4",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "contraindication.aneurysmal_vascular_disease"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(ContraindicationHistory, RefutedConditionIsIgnored) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I71.4")
      ->set_verification_status(cds::v1::VERIFICATION_STATUS_REFUTED);
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

TEST(ContraindicationHistory, SubarachnoidHaemorrhageRaisesAPossibleAneurysm) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I60.7");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "contraindication.aneurysmal_vascular_disease"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(ContraindicationHistory, IvKetamineCitesTheInjectionLabel) {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_treatment_course()->set_product(
      cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
  AddCondition(*input.mutable_patient(), kIcd, "I71.4");
  const Card card = Assess(input);
  EXPECT_EQ(StatusOf(card), kIneligible);
  const cds::v1::Criterion* c = FindCriterion(card, "contraindication.aneurysmal_vascular_disease");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->citation_ids(0), "S35");
}

constexpr const char* kHypersensitivity = "contraindication.hypersensitivity";

cds::v1::AllergyIntolerance* AddAllergy(cds::v1::PatientContext& p, std::string_view system,
                                        std::string code) {
  cds::v1::AllergyIntolerance* a = p.add_allergies();
  SetCoding(a->mutable_substance(), system, std::move(code));
  a->set_clinical_status(cds::v1::ALLERGY_CLINICAL_STATUS_ACTIVE);
  a->set_verification_status(cds::v1::VERIFICATION_STATUS_CONFIRMED);
  return a;
}

TEST(HypersensitivityRule, KetamineAllergyCodedInRxNormIsIneligible) {
  auto input = EligibleRequest();
  AddAllergy(*input.mutable_patient(), kRxNorm, "6130");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kHypersensitivity), kMet);
  EXPECT_EQ(StatusOf(card), kIneligible);
}

TEST(HypersensitivityRule, EsketamineAllergyCodedInRxNormIsIneligible) {
  auto input = EligibleRequest();
  AddAllergy(*input.mutable_patient(), kRxNorm, "2107304");
  EXPECT_EQ(StatusOf(Assess(input)), kIneligible);
}

TEST(HypersensitivityRule, KetamineAllergyCodedInSnomedIsIneligible) {
  auto input = EligibleRequest();
  AddAllergy(*input.mutable_patient(), kSnomed, "373464007");
  EXPECT_EQ(StatusOf(Assess(input)), kIneligible);
}

TEST(HypersensitivityRule, IcdAnaestheticAllergyStatusOnlyRaisesAQuestion) {
  // ICD-10-CM has no ketamine-specific allergy code: Z88.4 covers every anaesthetic agent.
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "Z88.4");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kHypersensitivity), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(HypersensitivityRule, ResolvedAllergyNeedsReview) {
  auto input = EligibleRequest();
  AddAllergy(*input.mutable_patient(), kRxNorm, "6130")
      ->set_clinical_status(cds::v1::ALLERGY_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(OutcomeOf(Assess(input), kHypersensitivity), kUnknown);
}

// ---- cautions
// ------------------------------------------------------------------------------------

TEST(PregnancyRule, PregnantNeedsReview) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_pregnancy_status(cds::v1::PREGNANCY_STATUS_PREGNANT);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.pregnancy"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(PregnancyRule, MissingStatusForAWomanIsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_pregnancy_status();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.pregnancy"), kUnknown);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(HasMissingInput(card, "patient.pregnancy_status"));
}

TEST(PregnancyRule, MissingStatusWithSexNotRecordedIsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_pregnancy_status();
  input.mutable_patient()->clear_sex();
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.pregnancy"), kUnknown);
}

TEST(PregnancyRule, RecordedUnknownStatusIsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_pregnancy_status(cds::v1::PREGNANCY_STATUS_UNKNOWN);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.pregnancy"), kUnknown);
}

TEST(PregnancyRule, DoesNotApplyToARecordedMale) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.set_sex(cds::v1::ADMINISTRATIVE_SEX_MALE);
  p.clear_pregnancy_status();
  p.clear_breastfeeding_status();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.pregnancy"), kNotApplicable);
  EXPECT_EQ(OutcomeOf(card, "caution.breastfeeding"), kNotApplicable);
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(PregnancyRule, CodedCurrentPregnancyWinsOverANotPregnantStatus) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kSnomed, "77386006");
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.pregnancy"), kMet);
}

TEST(BreastfeedingRule, BreastfeedingNeedsReview) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_breastfeeding_status(cds::v1::BREASTFEEDING_STATUS_BREASTFEEDING);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.breastfeeding"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(BreastfeedingRule, MissingStatusForAWomanIsUnknown) {
  auto input = EligibleRequest();
  input.mutable_patient()->clear_breastfeeding_status();
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.breastfeeding"), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.breastfeeding_status"));
}

struct CodedCautionCase {
  const char* criterion;
  std::string_view system;
  const char* code;
};

class CodedCautionRule : public ::testing::TestWithParam<CodedCautionCase> {};

TEST_P(CodedCautionRule, ActiveConditionNeedsReview) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), GetParam().system, GetParam().code);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, GetParam().criterion), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_TRUE(Lists(card.eligibility().review_criterion_ids(), GetParam().criterion));
}

INSTANTIATE_TEST_SUITE_P(
    IcdAndSnomed, CodedCautionRule,
    ::testing::Values(CodedCautionCase{"caution.psychosis_history", kIcd, "F20.9"},
                      CodedCautionCase{"caution.psychosis_history", kIcd, "F33.3"},
                      CodedCautionCase{"caution.psychosis_history", kSnomed, "69322001"},
                      CodedCautionCase{"caution.substance_use_disorder", kIcd, "F11.20"},
                      CodedCautionCase{"caution.substance_use_disorder", kSnomed, "66214007"},
                      CodedCautionCase{"caution.unstable_cardiorespiratory", kIcd, "I21.4"},
                      CodedCautionCase{"caution.unstable_cardiorespiratory", kSnomed, "65710008"}));

TEST(CodedCautionHistory, RemittedSubstanceUseDisorderStillCounts) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "F10.21",
               cds::v1::CONDITION_CLINICAL_STATUS_REMISSION);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.substance_use_disorder"), kMet);
}

TEST(CodedCautionHistory, NicotineDependenceIsNotASubstanceUseCaution) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "F17.210");
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

TEST(CodedCautionHistory, ResolvedMyocardialInfarctionIsNotUnstable) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "I21.4",
               cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.unstable_cardiorespiratory"), kNotMet);
}

TEST(CodedCautionHistory, ConditionWithoutStatusCountsAsCurrent) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "J96.01",
               cds::v1::CONDITION_CLINICAL_STATUS_UNSPECIFIED);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.unstable_cardiorespiratory"), kMet);
}

TEST(HepaticRule, ChildPughCIsNotRecommended) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_child_pugh_class(cds::v1::CHILD_PUGH_CLASS_C);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.severe_hepatic_impairment"), kMet);
  EXPECT_EQ(OutcomeOf(card, "caution.moderate_hepatic_impairment"), kNotMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(HepaticRule, ChildPughBNeedsLongerMonitoring) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_child_pugh_class(cds::v1::CHILD_PUGH_CLASS_B);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.moderate_hepatic_impairment"), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(HepaticRule, ChildPughAIsEligible) {
  auto input = EligibleRequest();
  input.mutable_patient()->set_child_pugh_class(cds::v1::CHILD_PUGH_CLASS_A);
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

TEST(HepaticRule, CirrhosisWithoutChildPughClassIsUnknown) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "K74.60");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "caution.severe_hepatic_impairment"), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.child_pugh_class"));
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

struct MedicineCautionCase {
  const char* criterion;
  const char* rxnorm;
};

class MedicineCautionRule : public ::testing::TestWithParam<MedicineCautionCase> {};

TEST_P(MedicineCautionRule, ActiveMedicineNeedsReview) {
  auto input = EligibleRequest();
  AddMedication(*input.mutable_patient(), GetParam().rxnorm, 1);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, GetParam().criterion), kMet);
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

INSTANTIATE_TEST_SUITE_P(
    Classes, MedicineCautionRule,
    ::testing::Values(MedicineCautionCase{"caution.cns_depressants", "6470"},    // lorazepam
                      MedicineCautionCase{"caution.cns_depressants", "7804"},    // oxycodone
                      MedicineCautionCase{"caution.cns_depressants", "39993"},   // zolpidem
                      MedicineCautionCase{"caution.psychostimulants", "6901"},   // methylphenidate
                      MedicineCautionCase{"caution.psychostimulants", "30125"},  // modafinil
                      MedicineCautionCase{"caution.maois", "8123"}));            // phenelzine

TEST(MedicineCautionStatus, StoppedMedicineDoesNotCount) {
  auto input = EligibleRequest();
  AddMedication(*input.mutable_patient(), "6470", 1, cds::v1::MEDICATION_STATUS_STOPPED);
  EXPECT_EQ(StatusOf(Assess(input)), kEligible);
}

TEST(MedicineCautionStatus, MedicineWithoutStatusIsTreatedAsPossiblyTaken) {
  auto input = EligibleRequest();
  AddMedication(*input.mutable_patient(), "6470", 1, cds::v1::MEDICATION_STATUS_UNSPECIFIED);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.cns_depressants"), kMet);
}

TEST(MedicineCautionStatus, MedicineNamedButCodedAsAClinicalDrugIsRecognised) {
  auto input = EligibleRequest();
  auto* m = input.mutable_patient()->add_medications();
  SetCoding(m->mutable_medication(), kRxNorm, "197901", "");
  m->set_name("LORazepam 1 mg tablet");
  m->set_status(cds::v1::MEDICATION_STATUS_ACTIVE);
  EXPECT_EQ(OutcomeOf(Assess(input), "caution.cns_depressants"), kMet);
}

TEST(LamotrigineRule, IsInformationOnlyAndNeverACaution) {
  auto input = EligibleRequest();
  AddMedication(*input.mutable_patient(), "28439", 200);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "information.lamotrigine"), kMet);
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(RenalRule, IsInformationOnly) {
  auto input = EligibleRequest();
  AddCondition(*input.mutable_patient(), kIcd, "N18.4");
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, "information.renal_impairment"), kMet);
  EXPECT_EQ(StatusOf(card), kEligible);
}

// ---- benzodiazepine dose (IV ketamine)
// ------------------------------------------------------------

cds::plugin::v1::EvaluateInput IvRequest() {
  auto input = EligibleRequest();
  input.mutable_patient()->mutable_treatment_course()->set_product(
      cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
  return input;
}

constexpr const char* kBenzoDose = "caution.benzodiazepine_dose";

TEST(BenzodiazepineDoseRule, LorazepamOnePointTwoMilligramsIsAboveEightDiazepamEquivalent) {
  auto input = IvRequest();
  AddMedication(*input.mutable_patient(), "6470", 1.2);  // 12 mg diazepam-equivalent
  EXPECT_EQ(OutcomeOf(Assess(input), kBenzoDose), kMet);
}

TEST(BenzodiazepineDoseRule, ExactlyEightMilligramsIsNotAbove) {
  auto input = IvRequest();
  AddMedication(*input.mutable_patient(), "3322", 8);  // diazepam
  EXPECT_EQ(OutcomeOf(Assess(input), kBenzoDose), kNotMet);
}

TEST(BenzodiazepineDoseRule, DosesOfSeveralBenzodiazepinesAreSummed) {
  auto input = IvRequest();
  AddMedication(*input.mutable_patient(), "3322", 5);
  AddMedication(*input.mutable_patient(), "2598", 0.25);  // clonazepam: 5 mg equivalent
  EXPECT_EQ(OutcomeOf(Assess(input), kBenzoDose), kMet);
}

TEST(BenzodiazepineDoseRule, MissingDailyDoseIsUnknown) {
  auto input = IvRequest();
  AddMedication(*input.mutable_patient(), "6470", std::nullopt);
  const Card card = Assess(input);
  EXPECT_EQ(OutcomeOf(card, kBenzoDose), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.medications[1].daily_dose"));
}

TEST(BenzodiazepineDoseRule, BenzodiazepineWithoutAnEquivalentIsUnknown) {
  auto input = IvRequest();
  AddMedication(*input.mutable_patient(), "6960", 5);  // midazolam
  EXPECT_EQ(OutcomeOf(Assess(input), kBenzoDose), kUnknown);
}

TEST(BenzodiazepineDoseRule, DoesNotApplyToEsketamine) {
  auto input = EligibleRequest();
  AddMedication(*input.mutable_patient(), "6470", 4);
  EXPECT_EQ(OutcomeOf(Assess(input), kBenzoDose), kNotApplicable);
}

// ---- label editions and the concomitant oral antidepressant
// ----------------------------------------

constexpr const char* kOral = "concomitant.oral_antidepressant";

cds::plugin::v1::EvaluateInput RequestWithAntidepressant(std::optional<std::string> rxnorm) {
  auto input = EligibleRequest();
  auto& p = *input.mutable_patient();
  p.clear_medications();
  if (rxnorm) AddMedication(p, *rxnorm, 150);
  return input;
}

TEST(LabelEditionRule, Us2025AllowsEsketamineAloneForTrd) {
  const Card card = Assess(RequestWithAntidepressant(std::nullopt), {{"label_edition", "us-2025"}});
  EXPECT_EQ(OutcomeOf(card, kOral), kNotApplicable);
  EXPECT_FALSE(card.eligibility().requires_oral_antidepressant());
  EXPECT_EQ(StatusOf(card), kEligible);
}

TEST(LabelEditionRule, Us2019RequiresAnOralAntidepressantForTrd) {
  const Card card = Assess(RequestWithAntidepressant(std::nullopt), {{"label_edition", "us-2019"}});
  EXPECT_EQ(OutcomeOf(card, kOral), kNotMet);
  EXPECT_TRUE(card.eligibility().requires_oral_antidepressant());
  // A treatment to start alongside, not a contraindication.
  EXPECT_EQ(StatusOf(card), kNeedsReview);
  EXPECT_EQ(
      OutcomeOf(Assess(RequestWithAntidepressant("42347"), {{"label_edition", "us-2019"}}), kOral),
      kMet);  // bupropion
}

TEST(LabelEditionRule, EuRequiresAnSsriOrSnri) {
  const nlohmann::json eu = {{"label_edition", "eu"}};
  EXPECT_EQ(OutcomeOf(Assess(RequestWithAntidepressant("42347"), eu), kOral), kNotMet);
  EXPECT_EQ(OutcomeOf(Assess(RequestWithAntidepressant("36437"), eu), kOral), kMet);  // sertraline
  EXPECT_EQ(OutcomeOf(Assess(RequestWithAntidepressant("72625"), eu), kOral), kMet);  // duloxetine
}

TEST(LabelEditionRule, MdsiAlwaysRequiresAnOralAntidepressant) {
  auto input = RequestWithAntidepressant(std::nullopt);
  input.mutable_patient()->mutable_treatment_course()->set_indication(
      cds::v1::KETAMINE_INDICATION_MDSI);
  const Card card = Assess(input, {{"label_edition", "us-2025"}});
  EXPECT_EQ(OutcomeOf(card, kOral), kNotMet);
  EXPECT_TRUE(card.eligibility().requires_oral_antidepressant());
  EXPECT_EQ(StatusOf(card), kNeedsReview);
}

TEST(LabelEditionRule, AntidepressantWithoutStatusLeavesTheRequirementUnknown) {
  auto input = RequestWithAntidepressant(std::nullopt);
  AddMedication(*input.mutable_patient(), "36437", 100, cds::v1::MEDICATION_STATUS_UNSPECIFIED);
  const Card card = Assess(input, {{"label_edition", "us-2019"}});
  EXPECT_EQ(OutcomeOf(card, kOral), kUnknown);
  EXPECT_TRUE(HasMissingInput(card, "patient.medications[0].status"));
}

TEST(LabelEditionRule, IntendedAntidepressantSatisfiesTheRequirement) {
  auto input = RequestWithAntidepressant(std::nullopt);
  AddMedication(*input.mutable_patient(), "36437", 50, cds::v1::MEDICATION_STATUS_INTENDED);
  EXPECT_EQ(OutcomeOf(Assess(input, {{"label_edition", "us-2019"}}), kOral), kMet);
}

TEST(LabelEditionRule, DoesNotApplyToIvKetamine) {
  auto input = RequestWithAntidepressant(std::nullopt);
  input.mutable_patient()->mutable_treatment_course()->set_product(
      cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
  const Card card = Assess(input, {{"label_edition", "us-2019"}});
  EXPECT_EQ(OutcomeOf(card, kOral), kNotApplicable);
  EXPECT_FALSE(card.eligibility().requires_oral_antidepressant());
}

}  // namespace
}  // namespace cds::eligibility
