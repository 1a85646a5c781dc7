// Builds session-monitoring requests for the side-effect triage tests, and reads the answer:
// a calm, complete session to start from, setters for each input a rule reads, and lookups of
// criteria and findings by id.
#ifndef CDS_TESTS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_REQUEST_H_
#define CDS_TESTS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_REQUEST_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "side_effect_triage.h"

namespace cds::triage::testing {

// 2026-11-21T10:00:00Z.
inline constexpr int64_t kEvaluationSeconds = 1795255200;

class SessionRequest {
 public:
  SessionRequest() {
    input_.set_hook("session-monitoring");
    input_.set_hook_instance("test-hook-instance");
    input_.set_service_id("ketamine-side-effect-triage");
    input_.set_evaluation_date("2026-11-21");
    input_.mutable_evaluation_time()->set_seconds(kEvaluationSeconds);
    input_.mutable_patient()->set_patient_id("test-patient");
    report()->set_product(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
    report()->set_dose_mg(56);
  }

  // A complete, unremarkable session at 130 minutes: baseline 124/78 (SpO2 98 %, heart rate 72),
  // readings at 40 and 120 min close to it (SpO2 98 %, respiratory rate 16, heart rate 72-76),
  // symptoms checked and none found, medication list retrieved and empty, and at 120 min an
  // awake sedation assessment (MOAA/S 5), no dissociation (CADSS 0) and every readiness-to-leave
  // check YES.
  static SessionRequest Calm() {
    SessionRequest r;
    r.MinutesSinceDose(130)
        .Baseline(124, 78)
        .Vitals(40, 138, 84, 98, 16, 76)
        .Vitals(120, 128, 80, 98, 16, 72)
        .SymptomsChecked()
        .MedicationsRetrieved()
        .Sedation(120, cds::v1::SEDATION_SCALE_MOAA_S, 5)
        .Cadss(120, 0)
        .Readiness(120);
    return r;
  }

  SessionRequest& MinutesSinceDose(int minutes) {
    report()->set_minutes_since_dose(minutes);
    return *this;
  }
  SessionRequest& NoMinutesSinceDose() {
    report()->clear_minutes_since_dose();
    return *this;
  }
  SessionRequest& Baseline(double systolic, double diastolic, std::optional<double> spo2 = 98,
                           std::optional<double> heart_rate = 72) {
    cds::v1::VitalSigns* b = report()->mutable_baseline();
    b->set_systolic_mmhg(systolic);
    b->set_diastolic_mmhg(diastolic);
    spo2 ? b->set_spo2_percent(*spo2) : b->clear_spo2_percent();
    heart_rate ? b->set_heart_rate_bpm(*heart_rate) : b->clear_heart_rate_bpm();
    return *this;
  }
  SessionRequest& SymptomsChecked() {
    report()->set_symptoms_retrieval(cds::v1::RETRIEVAL_RETRIEVED);
    return *this;
  }
  SessionRequest& SymptomsNotStated() {
    report()->set_symptoms_retrieval(cds::v1::RETRIEVAL_UNSPECIFIED);
    return *this;
  }
  SessionRequest& MedicationsRetrieved() {
    input_.mutable_patient()->mutable_retrieval()->set_medications(cds::v1::RETRIEVAL_RETRIEVED);
    return *this;
  }
  SessionRequest& MedicationsNotRetrieved() {
    input_.mutable_patient()->mutable_retrieval()->set_medications(
        cds::v1::RETRIEVAL_NOT_RETRIEVED);
    return *this;
  }
  SessionRequest& Medication(std::string_view rxnorm,
                             cds::v1::MedicationStatus status = cds::v1::MEDICATION_STATUS_ACTIVE) {
    cds::v1::MedicationStatement* m = input_.mutable_patient()->add_medications();
    cds::v1::Coding* c = m->mutable_medication()->add_coding();
    c->set_system(std::string(cds::sdk::systems::kRxNorm));
    c->set_code(std::string(rxnorm));
    m->set_status(status);
    return *this;
  }
  SessionRequest& NoSedationAssessments() {
    report()->clear_sedation_assessments();
    return *this;
  }
  SessionRequest& Sedation(std::optional<int> minute, cds::v1::SedationScale scale, int score) {
    cds::v1::SedationAssessment* a = report()->add_sedation_assessments();
    if (minute) a->set_minutes_after_dose(*minute);
    a->set_scale(scale);
    a->set_score(score);
    return *this;
  }
  SessionRequest& NoDissociationAssessments() {
    report()->clear_dissociation_assessments();
    return *this;
  }
  SessionRequest& Cadss(std::optional<int> minute, int score) {
    cds::v1::DissociationAssessment* a = report()->add_dissociation_assessments();
    if (minute) a->set_minutes_after_dose(*minute);
    a->set_measure(cds::v1::DISSOCIATION_MEASURE_CADSS);
    a->set_score(score);
    return *this;
  }
  SessionRequest& DissociationJudged(int minute, cds::v1::Assessment present) {
    cds::v1::DissociationAssessment* a = report()->add_dissociation_assessments();
    a->set_minutes_after_dose(minute);
    a->set_measure(cds::v1::DISSOCIATION_MEASURE_CLINICIAN_JUDGEMENT);
    a->set_present(present);
    return *this;
  }
  SessionRequest& NoReadiness() {
    report()->clear_readiness_to_leave();
    return *this;
  }
  SessionRequest& Readiness(std::optional<int> minute,
                            cds::v1::Assessment walks = cds::v1::ASSESSMENT_YES,
                            cds::v1::Assessment oriented = cds::v1::ASSESSMENT_YES,
                            cds::v1::Assessment escort = cds::v1::ASSESSMENT_YES) {
    cds::v1::ReadinessToLeave* r = report()->mutable_readiness_to_leave();
    minute ? r->set_minutes_after_dose(*minute) : r->clear_minutes_after_dose();
    r->set_walks_unaided(walks);
    r->set_oriented(oriented);
    r->set_escort_or_transport_arranged(escort);
    return *this;
  }
  SessionRequest& Review(std::string_view rule_id, std::optional<int> minute) {
    cds::v1::EscalationReview* r = report()->add_escalation_reviews();
    r->set_rule_id(std::string(rule_id));
    if (minute) r->set_minutes_after_dose(*minute);
    return *this;
  }
  SessionRequest& ChildPugh(cds::v1::ChildPughClass value) {
    input_.mutable_patient()->set_child_pugh_class(value);
    return *this;
  }
  SessionRequest& IvInfusion(std::optional<int> infusion_minutes) {
    report()->set_product(cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
    infusion_minutes ? report()->set_infusion_minutes(*infusion_minutes)
                     : report()->clear_infusion_minutes();
    return *this;
  }
  // Sets the SymptomStatus of the most recently added symptom.
  SessionRequest& LastSymptomStatus(cds::v1::SymptomStatus status,
                                    std::optional<int> assessed_minute = std::nullopt) {
    cds::v1::Symptom* s = report()->mutable_symptoms(report()->symptoms_size() - 1);
    s->set_status(status);
    if (assessed_minute) s->set_assessed_minutes_after_dose(*assessed_minute);
    return *this;
  }
  SessionRequest& NoBaseline() {
    report()->clear_baseline();
    return *this;
  }
  SessionRequest& NoVitals() {
    report()->clear_vitals();
    return *this;
  }
  SessionRequest& Vitals(std::optional<int> minute, std::optional<double> systolic,
                         std::optional<double> diastolic, std::optional<double> spo2,
                         std::optional<double> respiratory_rate,
                         std::optional<double> heart_rate = 72) {
    cds::v1::VitalSigns* v = report()->add_vitals();
    if (minute) v->set_minutes_after_dose(*minute);
    if (systolic) v->set_systolic_mmhg(*systolic);
    if (diastolic) v->set_diastolic_mmhg(*diastolic);
    if (spo2) v->set_spo2_percent(*spo2);
    if (respiratory_rate) v->set_respiratory_rate(*respiratory_rate);
    if (heart_rate) v->set_heart_rate_bpm(*heart_rate);
    return *this;
  }
  SessionRequest& Symptom(std::string_view system, std::string_view code,
                          cds::v1::Severity severity = cds::v1::SEVERITY_MILD,
                          bool resolved = false, std::optional<int> onset = 20) {
    cds::v1::Symptom* s = report()->add_symptoms();
    cds::v1::Coding* c = s->mutable_code()->add_coding();
    c->set_system(std::string(system));
    c->set_code(std::string(code));
    s->set_severity(severity);
    s->set_resolved(resolved);
    if (onset) s->set_onset_minutes_after_dose(*onset);
    return *this;
  }
  SessionRequest& CdsdSymptom(std::string_view code,
                              cds::v1::Severity severity = cds::v1::SEVERITY_MILD,
                              bool resolved = false) {
    return Symptom(cds::sdk::systems::kCdsSymptom, code, severity, resolved);
  }
  SessionRequest& SnomedSymptom(std::string_view code,
                                cds::v1::Severity severity = cds::v1::SEVERITY_MILD,
                                bool resolved = false) {
    return Symptom(cds::sdk::systems::kSnomedCt, code, severity, resolved);
  }
  SessionRequest& Lab(std::string_view loinc, double value, std::string_view unit,
                      int64_t seconds) {
    cds::v1::Observation* o = input_.mutable_patient()->add_observations();
    o->mutable_code()->set_system(std::string(cds::sdk::systems::kLoinc));
    o->mutable_code()->set_code(std::string(loinc));
    o->set_value(value);
    o->set_unit(std::string(unit));
    o->mutable_effective_time()->set_seconds(seconds);
    return *this;
  }
  SessionRequest& CourseSessions(int count) {
    for (int i = 0; i < count; ++i) {
      input_.mutable_patient()->mutable_treatment_course()->add_sessions()->set_dose_mg(56);
    }
    return *this;
  }
  SessionRequest& Hook(std::string hook) {
    input_.set_hook(std::move(hook));
    return *this;
  }

  cds::v1::SessionReport* report() { return input_.mutable_patient()->mutable_session_report(); }
  const cds::plugin::v1::EvaluateInput& input() const { return input_; }
  cds::plugin::v1::EvaluateInput& mutable_input() { return input_; }

 private:
  cds::plugin::v1::EvaluateInput input_;
};

// Runs the triage with `settings` and returns its one card.
inline cds::v1::Card Triage(const SessionRequest& request,
                            const nlohmann::json& settings = nlohmann::json::object()) {
  const SideEffectTriage plugin(settings);
  cds::plugin::v1::EvaluateOutput output;
  plugin.Evaluate(request.input(), output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() == 1 ? output.cards(0) : cds::v1::Card();
}

inline const cds::v1::Criterion& CriterionOf(const cds::v1::Card& card, std::string_view id) {
  for (const cds::v1::Criterion& c : card.criteria()) {
    if (c.id() == id) return c;
  }
  ADD_FAILURE() << "no criterion " << id;
  static const cds::v1::Criterion kNone;
  return kNone;
}

inline cds::v1::CriterionOutcome OutcomeOf(const cds::v1::Card& card, std::string_view id) {
  return CriterionOf(card, id).outcome();
}

inline int FindingCount(const cds::v1::Card& card, std::string_view rule_id) {
  int n = 0;
  for (const cds::v1::TriageFinding& f : card.triage().findings()) n += f.rule_id() == rule_id;
  return n;
}

inline const cds::v1::TriageFinding* FindingOf(const cds::v1::Card& card,
                                               std::string_view rule_id) {
  for (const cds::v1::TriageFinding& f : card.triage().findings()) {
    if (f.rule_id() == rule_id) return &f;
  }
  return nullptr;
}

inline bool HasMissingInput(const cds::v1::Card& card, std::string_view path) {
  for (const cds::v1::MissingInput& m : card.missing_inputs()) {
    if (m.path() == path) return true;
  }
  return false;
}

inline cds::v1::TriageLevel LevelOf(const cds::v1::Card& card) { return card.triage().level(); }

inline cds::v1::DischargeStatus DischargeOf(const cds::v1::Card& card) {
  return card.triage().discharge().status();
}

inline bool HasAction(const cds::v1::Card& card, std::string_view fragment) {
  for (const std::string& a : card.triage().actions()) {
    if (a.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace cds::triage::testing

#endif  // CDS_TESTS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_REQUEST_H_
