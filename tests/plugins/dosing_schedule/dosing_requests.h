// Builders for the requests the dosing-schedule tests send: a patient, a course, sessions and
// dated observations, in as few lines as a test needs to state what it is about.
#ifndef CDS_TESTS_PLUGINS_DOSING_SCHEDULE_DOSING_REQUESTS_H_
#define CDS_TESTS_PLUGINS_DOSING_SCHEDULE_DOSING_REQUESTS_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>

#include <chrono>
#include <string>

namespace cds::dosing::testing {

inline sdk::Date D(const char* text) {
  return *sdk::ParseDate(text);
}

// Seconds since the epoch of noon UTC on `date`.
inline int64_t NoonUtc(const char* date) {
  return std::chrono::duration_cast<std::chrono::seconds>(D(date).time_since_epoch()).count() +
         12 * 3600;
}

class Request {
 public:
  Request(const char* hook, const char* evaluation_date) {
    input_.set_hook(hook);
    input_.set_hook_instance("d5a1c0de-0000-4000-8000-000000000001");
    input_.set_service_id("ketamine-dosing-schedule");
    input_.set_evaluation_date(evaluation_date);
    input_.mutable_evaluation_time()->set_seconds(NoonUtc(evaluation_date));
    input_.mutable_patient()->set_patient_id("test-patient");
  }

  Request& BornOn(const char* date) {
    patient().set_birth_date(date);
    return *this;
  }
  Request& Course(cds::v1::KetamineProduct product, cds::v1::KetamineIndication indication,
                  const char* start_date = "") {
    cds::v1::TreatmentCourse& c = *patient().mutable_treatment_course();
    c.set_product(product);
    c.set_indication(indication);
    c.set_start_date(start_date);
    return *this;
  }
  Request& EsketamineTrd(const char* start_date = "") {
    return Course(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY,
                  cds::v1::KETAMINE_INDICATION_TRD, start_date);
  }
  Request& EsketamineMdsi(const char* start_date = "") {
    return Course(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY,
                  cds::v1::KETAMINE_INDICATION_MDSI, start_date);
  }
  Request& IvKetamine(const char* start_date = "") {
    return Course(cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE, cds::v1::KETAMINE_INDICATION_TRD,
                  start_date);
  }
  Request& Session(const char* date, double dose_mg,
                   cds::v1::Tolerability tolerability = cds::v1::TOLERABILITY_WELL_TOLERATED) {
    cds::v1::TreatmentSession& s = *patient().mutable_treatment_course()->add_sessions();
    s.set_date(date);
    s.set_dose_mg(dose_mg);
    s.set_tolerability(tolerability);
    return *this;
  }
  Request& BaselineMadrs(double value) {
    patient().mutable_treatment_course()->set_baseline_madrs(value);
    return *this;
  }
  Request& Observation(std::string_view system, std::string_view code, double value,
                       const char* unit, const char* date) {
    cds::v1::Observation& o = *patient().add_observations();
    o.mutable_code()->set_system(std::string(system));
    o.mutable_code()->set_code(std::string(code));
    o.set_value(value);
    o.set_unit(unit);
    if (date != nullptr) o.mutable_effective_time()->set_seconds(NoonUtc(date));
    return *this;
  }
  Request& Madrs(double value, const char* date) {
    return Observation(sdk::systems::kCdsObservation, sdk::kMadrsTotalCode, value, "{score}", date);
  }
  Request& Phq9(double value, const char* date) {
    return Observation(sdk::systems::kLoinc, sdk::loinc::kPhq9Total, value, "{score}", date);
  }
  Request& Weight(double value, const char* unit, const char* date) {
    cds::v1::Observation& w = *patient().mutable_weight();
    w.mutable_code()->set_system(std::string(sdk::systems::kLoinc));
    w.mutable_code()->set_code(std::string(sdk::loinc::kBodyWeight));
    w.set_value(value);
    w.set_unit(unit);
    if (date != nullptr) w.mutable_effective_time()->set_seconds(NoonUtc(date));
    return *this;
  }
  // A diagnosis coded in ICD-10-CM, and the problem list marked as retrieved.
  Request& Diagnosis(const char* icd10cm) {
    cds::v1::Coding& c = *patient().add_conditions()->mutable_code()->add_coding();
    c.set_system(std::string(sdk::systems::kIcd10Cm));
    c.set_code(icd10cm);
    return ConditionsRetrieved();
  }
  Request& ConditionsRetrieved() {
    patient().mutable_retrieval()->set_conditions(cds::v1::RETRIEVAL_RETRIEVED);
    return *this;
  }
  // A draft order for an RxNorm code, `dose` in `unit`, optionally 1 every `period` `period_unit`.
  Request& DraftOrder(const char* rxnorm, double dose, const char* unit, double period = 0,
                      const char* period_unit = "") {
    cds::v1::DraftOrder& o = *input_.add_draft_orders();
    o.set_id("order-1");
    o.set_resource_type("MedicationRequest");
    cds::v1::Coding& c = *o.mutable_medication()->add_coding();
    c.set_system(std::string(sdk::systems::kRxNorm));
    c.set_code(rxnorm);
    o.mutable_dose()->set_value(dose);
    o.mutable_dose()->set_unit(unit);
    if (period > 0) {
      o.set_frequency(1);
      o.set_period(period);
      o.set_period_unit(period_unit);
    }
    o.set_status("draft");
    return *this;
  }
  Request& ChildPugh(cds::v1::ChildPughClass cls) {
    patient().set_child_pugh_class(cls);
    return *this;
  }

  cds::v1::PatientContext& patient() { return *input_.mutable_patient(); }
  const cds::plugin::v1::EvaluateInput& input() const { return input_; }
  cds::plugin::v1::EvaluateInput& mutable_input() { return input_; }

 private:
  cds::plugin::v1::EvaluateInput input_;
};

}  // namespace cds::dosing::testing

#endif  // CDS_TESTS_PLUGINS_DOSING_SCHEDULE_DOSING_REQUESTS_H_
