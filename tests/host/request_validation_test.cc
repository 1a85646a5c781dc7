// Malformed EvaluateRequests are refused with every bad field named (AIP-193 field paths).
#include "server/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/rpc_errors.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const cds::v1::EvaluateRequest& r) {
  std::vector<std::string> fields;
  for (const auto& v : ValidateEvaluateRequest(r)) fields.push_back(v.field);
  return fields;
}

TEST(RequestValidation, AcceptsAMinimalValidRequest) {
  EXPECT_THAT(Fields(testing::MinimalRequest()), IsEmpty());
}

TEST(RequestValidation, NamesEveryMissingRequiredField) {
  cds::v1::EvaluateRequest r;
  const auto fields = Fields(r);
  EXPECT_THAT(fields, Contains("hook"));
  EXPECT_THAT(fields, Contains("hook_instance"));
  EXPECT_THAT(fields, Contains("patient"));
}

TEST(RequestValidation, RefusesHookInstanceThatIsNotAUuid) {
  auto r = testing::MinimalRequest();
  r.set_hook_instance("not-a-uuid");
  EXPECT_THAT(Fields(r), Contains("hook_instance"));
}

TEST(RequestValidation, RefusesImpossibleCalendarDates) {
  auto r = testing::MinimalRequest();
  r.mutable_patient()->set_birth_date("2001-02-29");
  r.set_evaluation_date("2026-13-01");
  EXPECT_THAT(Fields(r), Contains("patient.birth_date"));
  EXPECT_THAT(Fields(r), Contains("evaluation_date"));
}

TEST(RequestValidation, RefusesBirthDateAfterEvaluationDate) {
  auto r = testing::MinimalRequest();
  r.set_evaluation_date("2020-01-01");
  r.mutable_patient()->set_birth_date("2021-01-01");
  EXPECT_THAT(Fields(r), Contains("patient.birth_date"));
}

TEST(RequestValidation, NamesObservationWithoutValueByIndex) {
  auto r = testing::MinimalRequest();
  r.mutable_patient()->add_observations()->mutable_code()->set_code("8480-6");
  auto* ok = r.mutable_patient()->add_observations();
  ok->mutable_code()->set_system("http://loinc.org");
  ok->mutable_code()->set_code("8480-6");
  ok->set_value(120);
  auto* bad = r.mutable_patient()->add_observations();
  bad->mutable_code()->set_system("http://loinc.org");
  bad->mutable_code()->set_code("8480-6");
  const auto fields = Fields(r);
  EXPECT_THAT(fields, Contains("patient.observations[0].code"));
  EXPECT_THAT(fields, Contains("patient.observations[0].value"));
  EXPECT_THAT(fields, Contains("patient.observations[2].value"));
  EXPECT_THAT(fields, ::testing::Not(Contains("patient.observations[1].value")));
}

TEST(RequestValidation, RefusesPhysiologicallyImpossibleVitals) {
  auto r = testing::MinimalRequest();
  auto* vitals = r.mutable_patient()->mutable_session_report()->add_vitals();
  vitals->set_systolic_mmhg(1400);
  vitals->set_spo2_percent(101);
  vitals->set_diastolic_mmhg(std::numeric_limits<double>::quiet_NaN());
  const auto fields = Fields(r);
  EXPECT_THAT(fields, Contains("patient.session_report.vitals[0].systolic_mmhg"));
  EXPECT_THAT(fields, Contains("patient.session_report.vitals[0].spo2_percent"));
  EXPECT_THAT(fields, Contains("patient.session_report.vitals[0].diastolic_mmhg"));
}

TEST(RequestValidation, RefusesConditionWithoutCodingAndDuplicateServiceIds) {
  auto r = testing::MinimalRequest();
  r.mutable_patient()->add_conditions();
  r.add_service_ids("a");
  r.add_service_ids("a");
  const auto fields = Fields(r);
  EXPECT_THAT(fields, Contains("patient.conditions[0].code.coding"));
  EXPECT_THAT(fields, Contains("service_ids[1]"));
}

TEST(RequestValidation, RefusesTrialWithNegativeDurationAndSessionWithoutDate) {
  auto r = testing::MinimalRequest();
  r.mutable_patient()->add_antidepressant_trials()->set_duration_weeks(-1);
  r.mutable_patient()->mutable_treatment_course()->add_sessions()->set_dose_mg(56);
  const auto fields = Fields(r);
  EXPECT_THAT(fields, Contains("patient.antidepressant_trials[0].duration_weeks"));
  EXPECT_THAT(fields, Contains("patient.treatment_course.sessions[0].date"));
}

TEST(RequestValidation, FeedbackNeedsOutcomeAndOverrideReason) {
  cds::v1::SubmitFeedbackRequest r;
  auto* f = r.add_feedback();
  f->set_card_uuid("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  f->set_outcome(cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  r.add_feedback()->set_card_uuid("nope");
  std::vector<std::string> fields;
  for (const auto& v : ValidateFeedbackRequest(r)) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("feedback[0].override_reason"));
  EXPECT_THAT(fields, Contains("feedback[1].card_uuid"));
  EXPECT_THAT(fields, Contains("feedback[1].outcome"));
}

cds::v1::Observation* AddLoinc(cds::v1::EvaluateRequest& r, const std::string& code, double value,
                               const std::string& unit) {
  auto* o = r.mutable_patient()->add_observations();
  o->mutable_code()->set_system("http://loinc.org");
  o->mutable_code()->set_code(code);
  o->set_value(value);
  o->set_unit(unit);
  return o;
}

std::string DescriptionOf(const std::vector<FieldViolation>& violations, const std::string& field) {
  for (const auto& v : violations) {
    if (v.field == field) return v.description;
  }
  return "";
}

TEST(RequestValidation, RefusesImplausibleObservationsWhereverTheyAppear) {
  auto r = testing::MinimalRequest();
  AddLoinc(r, "8480-6", -5, "mm[Hg]");         // [0] the review's systolic -5
  AddLoinc(r, "8480-6", 400, "");              // [1] no unit: mm[Hg] is the only one
  AddLoinc(r, "29463-7", 80, "kg");            // [2] fine
  AddLoinc(r, "29463-7", 8000, "kg");          // [3] a weight typed in 10 g units
  AddLoinc(r, "29463-7", 80000, "g");          // [4] fine: 80 kg in grams
  AddLoinc(r, "8302-2", -170, "furlong");      // [5] unknown unit: only the sign is checked
  AddLoinc(r, "44261-6", 31, "{score}");       // [6] PHQ-9 is 0-27
  AddLoinc(r, "59408-5", 97, "%");             // [7] fine
  auto* madrs = r.mutable_patient()->add_observations();  // [8] MADRS is 0-60
  madrs->mutable_code()->set_system("https://cdsd.dev/fhir/CodeSystem/observation");
  madrs->mutable_code()->set_code("madrs-total");
  madrs->set_value(61);
  r.mutable_patient()->mutable_weight()->CopyFrom(r.patient().observations(3));
  const auto violations = ValidateEvaluateRequest(r);
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[0].value"),
            "systolic blood pressure -5 mm[Hg] is outside the plausible range 20-350 mm[Hg]");
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[1].value"),
            "systolic blood pressure 400 mm[Hg] is outside the plausible range 20-350 mm[Hg]");
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[3].value"),
            "body weight 8000 kg is outside the plausible range 0.2-700 kg");
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[5].value"), "body height cannot be negative");
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[6].value"),
            "PHQ-9 total score 31 {score} is outside the plausible range 0-27 {score}");
  EXPECT_EQ(DescriptionOf(violations, "patient.observations[8].value"), "MADRS total 61 is outside 0-60");
  EXPECT_NE(DescriptionOf(violations, "patient.weight.value"), "");
  for (const char* fine : {"patient.observations[2].value", "patient.observations[4].value",
                           "patient.observations[7].value"}) {
    EXPECT_EQ(DescriptionOf(violations, fine), "") << fine;
  }
}

TEST(RequestValidation, RefusesAListLongerThanTheLimitNamingTheFieldAndTheLimit) {
  auto r = testing::MinimalRequest();
  for (int i = 0; i < 6; ++i) AddLoinc(r, "8867-4", 70, "/min");
  InputLimits limits;
  limits.max_list_items = 5;
  const auto violations = ValidateEvaluateRequest(r, limits);
  ASSERT_EQ(violations.size(), 1u) << "a request beyond a limit is not checked field by field";
  EXPECT_EQ(violations[0].field, "patient.observations");
  EXPECT_EQ(violations[0].description, "6 items, more than limits.max_list_items (5)");
  limits.max_list_items = 6;
  EXPECT_THAT(ValidateEvaluateRequest(r, limits), IsEmpty());
}

TEST(RequestValidation, RefusesAStringLongerThanTheLimitAtAnyDepth) {
  auto r = testing::MinimalRequest();
  auto* condition = r.mutable_patient()->add_conditions();
  auto* coding = condition->mutable_code()->add_coding();
  coding->set_system("http://snomed.info/sct");
  coding->set_code("370143000");
  coding->set_display(std::string(100, 'x'));
  InputLimits limits;
  limits.max_string_bytes = 64;
  const auto violations = ValidateEvaluateRequest(r, limits);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "patient.conditions[0].code.coding[0].display");
  EXPECT_EQ(violations[0].description, "100 bytes, more than limits.max_string_bytes (64)");
  cds::v1::SubmitFeedbackRequest feedback;
  feedback.add_feedback()->set_user_comment(std::string(65, 'c'));
  const auto feedback_violations = ValidateFeedbackRequest(feedback, limits);
  ASSERT_EQ(feedback_violations.size(), 1u);
  EXPECT_EQ(feedback_violations[0].field, "feedback[0].user_comment");
}

TEST(RequestValidation, StopsNamingViolationsAtTheCap) {
  auto r = testing::MinimalRequest();
  for (int i = 0; i < 50; ++i) {
    auto* c = r.mutable_patient()->add_conditions()->mutable_code()->add_coding();
    c->set_system(std::string(200, 's'));
  }
  InputLimits limits;
  limits.max_string_bytes = 64;
  EXPECT_EQ(ValidateEvaluateRequest(r, limits).size(), kMaxFieldViolations);
}

}  // namespace
}  // namespace cdsd
