// Builds eligibility requests for the tests: a complete, eligible baseline patient that each
// test changes in one place, plus small helpers to read the resulting card.
#ifndef CDS_TESTS_PLUGINS_ELIGIBILITY_ELIGIBILITY_REQUEST_H_
#define CDS_TESTS_PLUGINS_ELIGIBILITY_ELIGIBILITY_REQUEST_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>

#include <optional>
#include <string>

namespace cds::eligibility::testing {

inline constexpr const char* kEvaluationDate = "2026-11-20";
// 2026-11-20T10:00:00Z.
inline constexpr std::int64_t kEvaluationSeconds = 1795168800;
inline constexpr std::int64_t kDay = 86400;

inline cds::v1::Coding* SetCoding(cds::v1::CodeableConcept* concept_out, std::string_view system,
                                  std::string code, std::string display = "") {
  cds::v1::Coding* coding = concept_out->add_coding();
  coding->set_system(std::string(system));
  coding->set_code(std::move(code));
  coding->set_display(std::move(display));
  return coding;
}

inline cds::v1::AntidepressantTrial* AddTrial(cds::v1::PatientContext& patient, std::string rxnorm,
                                              cds::v1::Assessment adequate,
                                              std::optional<double> weeks,
                                              std::optional<double> improvement) {
  cds::v1::AntidepressantTrial* trial = patient.add_antidepressant_trials();
  SetCoding(trial->mutable_drug(), cds::sdk::systems::kRxNorm, std::move(rxnorm));
  trial->set_adequate_dose(adequate);
  if (weeks) trial->set_duration_weeks(*weeks);
  if (improvement) trial->set_percent_improvement(*improvement);
  return trial;
}

inline cds::v1::Observation* AddObservation(cds::v1::PatientContext& patient,
                                            std::string_view loinc, double value,
                                            std::int64_t seconds, std::string unit = "mm[Hg]") {
  cds::v1::Observation* o = patient.add_observations();
  o->mutable_code()->set_system(std::string(cds::sdk::systems::kLoinc));
  o->mutable_code()->set_code(std::string(loinc));
  o->set_value(value);
  o->set_unit(std::move(unit));
  o->mutable_effective_time()->set_seconds(seconds);
  return o;
}

inline void AddBloodPressure(cds::v1::PatientContext& patient, double systolic, double diastolic,
                             std::int64_t seconds = kEvaluationSeconds - 2 * kDay) {
  AddObservation(patient, cds::sdk::loinc::kSystolicBp, systolic, seconds);
  AddObservation(patient, cds::sdk::loinc::kDiastolicBp, diastolic, seconds);
}

inline cds::v1::Condition* AddCondition(
    cds::v1::PatientContext& patient, std::string_view system, std::string code,
    cds::v1::ConditionClinicalStatus status = cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE) {
  cds::v1::Condition* condition = patient.add_conditions();
  SetCoding(condition->mutable_code(), system, std::move(code));
  condition->set_clinical_status(status);
  condition->set_verification_status(cds::v1::VERIFICATION_STATUS_CONFIRMED);
  return condition;
}

inline cds::v1::MedicationStatement* AddMedication(
    cds::v1::PatientContext& patient, std::string rxnorm, std::optional<double> mg_per_day,
    cds::v1::MedicationStatus status = cds::v1::MEDICATION_STATUS_ACTIVE) {
  cds::v1::MedicationStatement* m = patient.add_medications();
  SetCoding(m->mutable_medication(), cds::sdk::systems::kRxNorm, std::move(rxnorm));
  if (mg_per_day) {
    m->mutable_daily_dose()->set_value(*mg_per_day);
    m->mutable_daily_dose()->set_unit("mg/d");
  }
  m->set_status(status);
  return m;
}

// Every list of the patient marked as looked up, so that empty lists mean "none".
inline void MarkAllListsRetrieved(cds::v1::PatientContext& p) {
  cds::v1::ListRetrieval& r = *p.mutable_retrieval();
  r.set_conditions(cds::v1::RETRIEVAL_RETRIEVED);
  r.set_allergies(cds::v1::RETRIEVAL_RETRIEVED);
  r.set_medications(cds::v1::RETRIEVAL_RETRIEVED);
  r.set_antidepressant_trials(cds::v1::RETRIEVAL_RETRIEVED);
  r.set_observations(cds::v1::RETRIEVAL_RETRIEVED);
}

// An adult woman with active recurrent major depressive disorder, two failed adequate trials, a
// normal recent blood pressure, on escitalopram, not pregnant or breastfeeding, every list
// retrieved (no allergies), about to start esketamine for TRD: eligible under every label
// edition.
inline cds::plugin::v1::EvaluateInput EligibleRequest() {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook("patient-view");
  input.set_hook_instance("5a1c1ef2-3a43-4d7e-9a34-0f1e2d3c4b5a");
  input.set_service_id("ketamine-eligibility");
  input.set_evaluation_date(kEvaluationDate);
  input.mutable_evaluation_time()->set_seconds(kEvaluationSeconds);
  cds::v1::PatientContext& p = *input.mutable_patient();
  p.set_patient_id("test-patient");
  p.set_birth_date("1980-03-15");
  p.set_sex(cds::v1::ADMINISTRATIVE_SEX_FEMALE);
  p.set_pregnancy_status(cds::v1::PREGNANCY_STATUS_NOT_PREGNANT);
  p.set_breastfeeding_status(cds::v1::BREASTFEEDING_STATUS_NOT_BREASTFEEDING);
  AddTrial(p, "36437", cds::v1::ASSESSMENT_YES, 8, 10);  // sertraline
  AddTrial(p, "39786", cds::v1::ASSESSMENT_YES, 8, 20);  // venlafaxine
  AddBloodPressure(p, 128, 82);
  AddMedication(p, "321988", 10);  // escitalopram
  AddCondition(p, cds::sdk::systems::kIcd10Cm, "F33.2");  // MDD, recurrent, severe
  MarkAllListsRetrieved(p);
  p.mutable_treatment_course()->set_product(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  p.mutable_treatment_course()->set_indication(cds::v1::KETAMINE_INDICATION_TRD);
  return input;
}

inline const cds::v1::Criterion* FindCriterion(const cds::v1::Card& card, std::string_view id) {
  for (const cds::v1::Criterion& c : card.criteria()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

inline cds::v1::CriterionOutcome OutcomeOf(const cds::v1::Card& card, std::string_view id) {
  const cds::v1::Criterion* c = FindCriterion(card, id);
  return c ? c->outcome() : cds::v1::CRITERION_OUTCOME_UNSPECIFIED;
}

inline bool HasMissingInput(const cds::v1::Card& card, std::string_view path) {
  for (const cds::v1::MissingInput& m : card.missing_inputs()) {
    if (m.path() == path) return true;
  }
  return false;
}

}  // namespace cds::eligibility::testing

#endif  // CDS_TESTS_PLUGINS_ELIGIBILITY_ELIGIBILITY_REQUEST_H_
