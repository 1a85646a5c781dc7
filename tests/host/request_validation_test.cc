// Malformed EvaluateRequests are refused with every bad field named (AIP-193 field paths).
#include "server/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cdsd
