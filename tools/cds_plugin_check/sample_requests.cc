// Synthesised and file-based sample requests. Every field that depends on time is fixed, so the
// same plugin always receives the same bytes (the determinism check depends on it).
#include "sample_requests.h"

#include <cds/v1/decision_support.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

namespace cds_plugin_check {
namespace {

using google::protobuf::util::TimeUtil;

// The instant synthesised requests (and request files without one) are evaluated at.
constexpr char kEvaluationTime[] = "2026-11-20T10:00:00Z";
constexpr char kEvaluationDate[] = "2026-11-20";

constexpr char kLoinc[] = "http://loinc.org";
constexpr char kIcd10Cm[] = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr char kSnomedCt[] = "http://snomed.info/sct";
constexpr char kRxNorm[] = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr char kCdsObservation[] = "https://cdsd.dev/fhir/CodeSystem/observation";

google::protobuf::Timestamp At(const char* rfc3339) {
  google::protobuf::Timestamp t;
  TimeUtil::FromString(rfc3339, &t);
  return t;
}

void SetCoding(cds::v1::Coding* coding, const char* system, const char* code, const char* display) {
  coding->set_system(system);
  coding->set_code(code);
  coding->set_display(display);
}

void AddObservation(cds::v1::PatientContext& patient, const char* system, const char* code,
                    const char* display, double value, const char* unit, const char* when) {
  cds::v1::Observation* o = patient.add_observations();
  SetCoding(o->mutable_code(), system, code, display);
  o->set_value(value);
  o->set_unit(unit);
  *o->mutable_effective_time() = At(when);
}

cds::v1::VitalSigns Vitals(int minutes, double systolic, double diastolic, double heart_rate,
                           double spo2, double respiratory_rate) {
  cds::v1::VitalSigns v;
  v.set_minutes_after_dose(minutes);
  v.set_systolic_mmhg(systolic);
  v.set_diastolic_mmhg(diastolic);
  v.set_heart_rate_bpm(heart_rate);
  v.set_spo2_percent(spo2);
  v.set_respiratory_rate(respiratory_rate);
  return v;
}

// An adult with treatment-resistant depression part-way through an esketamine course, with a
// session in progress: every message of the payload is populated at least once.
cds::v1::PatientContext RichPatient() {
  cds::v1::PatientContext p;
  p.set_patient_id("cds-plugin-check-rich-patient");
  p.set_birth_date("1980-03-15");
  p.set_sex(cds::v1::ADMINISTRATIVE_SEX_FEMALE);
  SetCoding(p.mutable_weight()->mutable_code(), kLoinc, "29463-7", "Body weight");
  p.mutable_weight()->set_value(70.5);
  p.mutable_weight()->set_unit("kg");
  *p.mutable_weight()->mutable_effective_time() = At("2026-11-18T09:05:00Z");
  SetCoding(p.mutable_height()->mutable_code(), kLoinc, "8302-2", "Body height");
  p.mutable_height()->set_value(166);
  p.mutable_height()->set_unit("cm");
  *p.mutable_height()->mutable_effective_time() = At("2026-11-18T09:05:00Z");
  p.set_pregnancy_status(cds::v1::PREGNANCY_STATUS_NOT_PREGNANT);
  p.set_breastfeeding_status(cds::v1::BREASTFEEDING_STATUS_NOT_BREASTFEEDING);
  p.set_child_pugh_class(cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED);

  cds::v1::Condition* depression = p.add_conditions();
  SetCoding(depression->mutable_code()->add_coding(), kIcd10Cm, "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features");
  depression->mutable_code()->set_text("Major depressive disorder, recurrent, severe");
  depression->set_clinical_status(cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE);
  depression->set_verification_status(cds::v1::VERIFICATION_STATUS_CONFIRMED);
  depression->set_onset_date("2025-09-01");
  cds::v1::Condition* hypertension = p.add_conditions();
  SetCoding(hypertension->mutable_code()->add_coding(), kSnomedCt, "38341003", "Hypertensive disorder");
  hypertension->set_clinical_status(cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE);
  hypertension->set_verification_status(cds::v1::VERIFICATION_STATUS_PROVISIONAL);

  cds::v1::AllergyIntolerance* allergy = p.add_allergies();
  SetCoding(allergy->mutable_substance()->add_coding(), kRxNorm, "7980", "penicillin G");
  allergy->set_clinical_status(cds::v1::ALLERGY_CLINICAL_STATUS_ACTIVE);
  allergy->set_verification_status(cds::v1::VERIFICATION_STATUS_CONFIRMED);
  allergy->set_reaction("urticaria");

  cds::v1::MedicationStatement* ssri = p.add_medications();
  SetCoding(ssri->mutable_medication()->add_coding(), kRxNorm, "321988", "escitalopram");
  ssri->set_name("Escitalopram 20 mg tablet");
  ssri->mutable_daily_dose()->set_value(20);
  ssri->mutable_daily_dose()->set_unit("mg/d");
  ssri->set_status(cds::v1::MEDICATION_STATUS_ACTIVE);

  for (auto [code, name, weeks, improvement, start] :
       {std::tuple{"36437", "sertraline", 8.0, 15.0, "2025-09-15"},
        std::tuple{"39786", "venlafaxine", 10.0, 20.0, "2026-01-20"}}) {
    cds::v1::AntidepressantTrial* trial = p.add_antidepressant_trials();
    SetCoding(trial->mutable_drug()->add_coding(), kRxNorm, code, name);
    trial->set_adequate_dose(cds::v1::ASSESSMENT_YES);
    trial->set_duration_weeks(weeks);
    trial->set_percent_improvement(improvement);
    trial->set_start_date(start);
  }

  const char* visit = "2026-11-20T09:00:00Z";
  AddObservation(p, kLoinc, "8480-6", "Systolic blood pressure", 128, "mm[Hg]", visit);
  AddObservation(p, kLoinc, "8462-4", "Diastolic blood pressure", 82, "mm[Hg]", visit);
  AddObservation(p, kLoinc, "8867-4", "Heart rate", 74, "/min", visit);
  AddObservation(p, kLoinc, "59408-5", "Oxygen saturation", 98, "%", visit);
  AddObservation(p, kLoinc, "9279-1", "Respiratory rate", 14, "/min", visit);
  AddObservation(p, kLoinc, "44261-6", "PHQ-9 total score", 19, "{score}", visit);
  AddObservation(p, kCdsObservation, "madrs-total", "MADRS total score", 30, "{score}", visit);
  AddObservation(p, kLoinc, "1742-6", "ALT", 24, "U/L", "2026-11-10T08:00:00Z");
  AddObservation(p, kLoinc, "1920-8", "AST", 22, "U/L", "2026-11-10T08:00:00Z");
  AddObservation(p, kLoinc, "1975-2", "Total bilirubin", 0.6, "mg/dL", "2026-11-10T08:00:00Z");

  cds::v1::TreatmentCourse* course = p.mutable_treatment_course();
  course->set_product(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  course->set_indication(cds::v1::KETAMINE_INDICATION_TRD);
  course->set_start_date("2026-10-26");
  course->set_baseline_madrs(34);
  course->set_baseline_phq9(22);
  for (auto [date, dose] : {std::pair{"2026-10-26", 56.0}, std::pair{"2026-10-29", 56.0},
                            std::pair{"2026-11-02", 84.0}, std::pair{"2026-11-05", 84.0},
                            std::pair{"2026-11-09", 84.0}, std::pair{"2026-11-12", 84.0},
                            std::pair{"2026-11-16", 84.0}}) {
    cds::v1::TreatmentSession* session = course->add_sessions();
    session->set_date(date);
    session->set_dose_mg(dose);
    session->set_tolerability(cds::v1::TOLERABILITY_TOLERATED_WITH_SIDE_EFFECTS);
  }

  cds::v1::SessionReport* report = p.mutable_session_report();
  report->set_minutes_since_dose(50);
  report->set_product(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  report->set_dose_mg(84);
  cds::v1::Symptom* dissociation = report->add_symptoms();
  SetCoding(dissociation->mutable_code()->add_coding(), kSnomedCt, "44376007", "Dissociative disorder");
  dissociation->set_severity(cds::v1::SEVERITY_MILD);
  dissociation->set_onset_minutes_after_dose(10);
  dissociation->set_resolved(true);
  cds::v1::Symptom* nausea = report->add_symptoms();
  SetCoding(nausea->mutable_code()->add_coding(), kSnomedCt, "422587007", "Nausea");
  nausea->set_severity(cds::v1::SEVERITY_MODERATE);
  nausea->set_onset_minutes_after_dose(25);
  *report->mutable_baseline() = Vitals(0, 126, 80, 72, 98, 14);
  *report->add_vitals() = Vitals(40, 146, 92, 84, 97, 16);
  *report->add_vitals() = Vitals(15, 138, 88, 80, 98, 15);
  return p;
}

std::string Serialize(const std::string& hook, const std::string& hook_instance,
                      const google::protobuf::Timestamp& evaluation_time,
                      const std::string& evaluation_date, const cds::v1::PatientContext& patient,
                      const std::string& service_id, const std::string& evaluation_id) {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook(hook);
  input.set_hook_instance(hook_instance);
  *input.mutable_evaluation_time() = evaluation_time;
  input.set_evaluation_date(evaluation_date);
  *input.mutable_patient() = patient;
  input.set_service_id(service_id);
  input.set_evaluation_id(evaluation_id);
  return input.SerializeAsString();
}

// The UTC calendar date of `t`, as cdsd derives evaluation_date when a request has none.
std::string UtcDate(const google::protobuf::Timestamp& t) {
  const std::time_t seconds = static_cast<std::time_t>(t.seconds());
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

bool Declares(const cds::plugin::v1::PluginInfo& info, const std::string& hook) {
  return std::find(info.hooks().begin(), info.hooks().end(), hook) != info.hooks().end();
}

absl::StatusOr<std::vector<std::filesystem::path>> ListRequestFiles(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::path& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> in_folder;
      for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
        const std::string name = entry.path().filename().string();
        const bool is_expectation = name.ends_with(".expect.json");
        if (entry.is_regular_file() && name.ends_with(".json") && !is_expectation) {
          in_folder.push_back(entry.path());
        }
      }
      if (error) return absl::NotFoundError(path.string() + ": " + error.message());
      std::sort(in_folder.begin(), in_folder.end());
      files.insert(files.end(), in_folder.begin(), in_folder.end());
    } else if (std::filesystem::is_regular_file(path, error)) {
      files.push_back(path);
    } else {
      return absl::NotFoundError(path.string() + ": no such file or folder");
    }
  }
  return files;
}

}  // namespace

std::vector<SampleRequest> SynthesisedRequests(const cds::plugin::v1::PluginInfo& info,
                                               const std::string& service_id) {
  const google::protobuf::Timestamp when = At(kEvaluationTime);
  cds::v1::PatientContext empty;
  empty.set_patient_id("cds-plugin-check-empty-patient");
  const cds::v1::PatientContext rich = RichPatient();
  const std::pair<const char*, const cds::v1::PatientContext*> patients[] = {
      {"empty-patient", &empty}, {"rich-patient", &rich}};
  std::vector<SampleRequest> requests;
  for (const std::string& hook : info.hooks()) {
    for (const auto& [label, patient] : patients) {
      const std::string name = hook + "/" + label;
      requests.push_back({name, hook,
                          Serialize(hook, "cds-plugin-check:" + name, when, kEvaluationDate,
                                    *patient, service_id, "cds-plugin-check:" + name)});
    }
  }
  return requests;
}

absl::StatusOr<RequestFiles> ReadRequestFiles(const std::vector<std::filesystem::path>& paths,
                                              const cds::plugin::v1::PluginInfo& info,
                                              const std::string& service_id) {
  absl::StatusOr<std::vector<std::filesystem::path>> files = ListRequestFiles(paths);
  if (!files.ok()) return files.status();
  RequestFiles result;
  for (const std::filesystem::path& file : *files) {
    std::ifstream in(file);
    if (!in.is_open()) return absl::NotFoundError(file.string() + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    cds::v1::EvaluateRequest request;
    const auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &request);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(file.string() + ": not a cds.v1.EvaluateRequest: " +
                                        parsed.ToString());
    }
    const std::string name = file.filename().string();
    if (!Declares(info, request.hook())) {
      result.skipped.push_back(name);
      continue;
    }
    const google::protobuf::Timestamp when =
        request.has_evaluation_time() ? request.evaluation_time() : At(kEvaluationTime);
    const std::string date =
        request.evaluation_date().empty() ? UtcDate(when) : request.evaluation_date();
    result.requests.push_back({name, request.hook(),
                               Serialize(request.hook(), request.hook_instance(), when, date,
                                         request.patient(), service_id, "cds-plugin-check:" + name)});
  }
  return result;
}

}  // namespace cds_plugin_check
