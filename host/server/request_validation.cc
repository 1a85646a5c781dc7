#include "server/request_validation.h"

#include <cds/sdk/calendar.h>

#include <cmath>
#include <set>

namespace cdsd {
namespace {

using Violations = std::vector<FieldViolation>;

std::string Index(const std::string& field, int i) { return field + "[" + std::to_string(i) + "]"; }

void CheckDate(Violations& v, const std::string& field, const std::string& value, bool required) {
  if (value.empty()) {
    if (required) v.push_back({field, "required, as YYYY-MM-DD"});
    return;
  }
  if (!cds::sdk::ParseDate(value)) {
    v.push_back({field, "'" + value.substr(0, 32) + "' is not a calendar date in the form YYYY-MM-DD"});
  }
}

void CheckTimestamp(Violations& v, const std::string& field, const google::protobuf::Timestamp& t) {
  // RFC 3339 range, as google.protobuf.Timestamp documents it.
  if (t.seconds() < -62135596800LL || t.seconds() > 253402300799LL || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    v.push_back({field, "not a valid timestamp (years 0001-9999, nanos 0-999999999)"});
  }
}

void CheckNumber(Violations& v, const std::string& field, double value, double min, double max,
                 const char* unit) {
  if (!std::isfinite(value)) {
    v.push_back({field, "must be a finite number"});
  } else if (value < min || value > max) {
    v.push_back({field, "value " + std::to_string(value) + " is outside the plausible range " +
                            std::to_string(min) + "-" + std::to_string(max) + " " + unit});
  }
}

void CheckConcept(Violations& v, const std::string& field, const cds::v1::CodeableConcept& c,
                  bool required) {
  if (c.coding_size() == 0) {
    if (required) v.push_back({field + ".coding", "at least one coding (system and code) is required"});
    return;
  }
  for (int i = 0; i < c.coding_size(); ++i) {
    const auto& coding = c.coding(i);
    if (coding.system().empty()) v.push_back({Index(field + ".coding", i) + ".system", "required"});
    if (coding.code().empty()) v.push_back({Index(field + ".coding", i) + ".code", "required"});
  }
}

void CheckVitals(Violations& v, const std::string& field, const cds::v1::VitalSigns& s) {
  if (s.has_minutes_after_dose()) CheckNumber(v, field + ".minutes_after_dose", s.minutes_after_dose(), -1440, 10080, "min");
  if (s.has_systolic_mmhg()) CheckNumber(v, field + ".systolic_mmhg", s.systolic_mmhg(), 20, 350, "mm[Hg]");
  if (s.has_diastolic_mmhg()) CheckNumber(v, field + ".diastolic_mmhg", s.diastolic_mmhg(), 10, 250, "mm[Hg]");
  if (s.has_heart_rate_bpm()) CheckNumber(v, field + ".heart_rate_bpm", s.heart_rate_bpm(), 10, 350, "/min");
  if (s.has_spo2_percent()) CheckNumber(v, field + ".spo2_percent", s.spo2_percent(), 0, 100, "%");
  if (s.has_respiratory_rate()) CheckNumber(v, field + ".respiratory_rate", s.respiratory_rate(), 0, 100, "/min");
}

void CheckObservation(Violations& v, const std::string& field, const cds::v1::Observation& o) {
  if (o.code().system().empty() || o.code().code().empty()) {
    v.push_back({field + ".code", "system and code are required"});
  }
  if (!o.has_value()) {
    v.push_back({field + ".value", "required"});
  } else if (!std::isfinite(o.value())) {
    v.push_back({field + ".value", "must be a finite number"});
  }
  if (o.has_effective_time()) CheckTimestamp(v, field + ".effective_time", o.effective_time());
}

void CheckPatient(Violations& v, const cds::v1::PatientContext& p) {
  CheckDate(v, "patient.birth_date", p.birth_date(), false);
  if (p.has_weight()) CheckObservation(v, "patient.weight", p.weight());
  if (p.has_height()) CheckObservation(v, "patient.height", p.height());
  for (int i = 0; i < p.conditions_size(); ++i) {
    const std::string f = Index("patient.conditions", i);
    CheckConcept(v, f + ".code", p.conditions(i).code(), true);
    CheckDate(v, f + ".onset_date", p.conditions(i).onset_date(), false);
  }
  for (int i = 0; i < p.allergies_size(); ++i) {
    CheckConcept(v, Index("patient.allergies", i) + ".substance", p.allergies(i).substance(), true);
  }
  for (int i = 0; i < p.medications_size(); ++i) {
    const auto& m = p.medications(i);
    const std::string f = Index("patient.medications", i);
    if (m.medication().coding_size() == 0 && m.name().empty()) {
      v.push_back({f + ".medication", "a coding or a name is required"});
    }
    CheckConcept(v, f + ".medication", m.medication(), false);
    if (m.has_daily_dose()) CheckNumber(v, f + ".daily_dose.value", m.daily_dose().value(), 0, 1e6, m.daily_dose().unit().c_str());
  }
  for (int i = 0; i < p.antidepressant_trials_size(); ++i) {
    const auto& t = p.antidepressant_trials(i);
    const std::string f = Index("patient.antidepressant_trials", i);
    CheckConcept(v, f + ".drug", t.drug(), false);
    if (t.has_duration_weeks()) CheckNumber(v, f + ".duration_weeks", t.duration_weeks(), 0, 520, "weeks");
    if (t.has_percent_improvement()) CheckNumber(v, f + ".percent_improvement", t.percent_improvement(), -1000, 100, "%");
    CheckDate(v, f + ".start_date", t.start_date(), false);
  }
  for (int i = 0; i < p.observations_size(); ++i) {
    CheckObservation(v, Index("patient.observations", i), p.observations(i));
  }
  if (p.has_treatment_course()) {
    const auto& c = p.treatment_course();
    CheckDate(v, "patient.treatment_course.start_date", c.start_date(), false);
    if (c.has_baseline_madrs()) CheckNumber(v, "patient.treatment_course.baseline_madrs", c.baseline_madrs(), 0, 60, "points");
    if (c.has_baseline_phq9()) CheckNumber(v, "patient.treatment_course.baseline_phq9", c.baseline_phq9(), 0, 27, "points");
    for (int i = 0; i < c.sessions_size(); ++i) {
      const std::string f = Index("patient.treatment_course.sessions", i);
      CheckDate(v, f + ".date", c.sessions(i).date(), true);
      CheckNumber(v, f + ".dose_mg", c.sessions(i).dose_mg(), 0, 1000, "mg");
    }
  }
  if (p.has_session_report()) {
    const auto& r = p.session_report();
    if (r.has_minutes_since_dose()) CheckNumber(v, "patient.session_report.minutes_since_dose", r.minutes_since_dose(), 0, 10080, "min");
    for (int i = 0; i < r.symptoms_size(); ++i) {
      const std::string f = Index("patient.session_report.symptoms", i);
      CheckConcept(v, f + ".code", r.symptoms(i).code(), true);
      if (r.symptoms(i).has_onset_minutes_after_dose()) {
        CheckNumber(v, f + ".onset_minutes_after_dose", r.symptoms(i).onset_minutes_after_dose(), -1440, 10080, "min");
      }
    }
    for (int i = 0; i < r.vitals_size(); ++i) CheckVitals(v, Index("patient.session_report.vitals", i), r.vitals(i));
    if (r.has_baseline()) CheckVitals(v, "patient.session_report.baseline", r.baseline());
    if (!std::isfinite(r.dose_mg()) || r.dose_mg() < 0 || r.dose_mg() > 1000) {
      v.push_back({"patient.session_report.dose_mg", "must be between 0 and 1000 mg"});
    }
  }
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::vector<FieldViolation> ValidateEvaluateRequest(const cds::v1::EvaluateRequest& request) {
  Violations v;
  const std::string& hook = request.hook();
  if (hook.empty()) {
    v.push_back({"hook", "required (a CDS Hooks hook name such as patient-view)"});
  } else if (hook.size() > 64 || hook.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") != std::string::npos) {
    v.push_back({"hook", "must be lower-case letters, digits, '-' and '.', at most 64 characters"});
  }
  if (request.hook_instance().empty()) {
    v.push_back({"hook_instance", "required (a UUID chosen by the caller)"});
  } else if (!IsUuid(request.hook_instance())) {
    v.push_back({"hook_instance", "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
  }
  std::set<std::string> seen;
  for (int i = 0; i < request.service_ids_size(); ++i) {
    const std::string& id = request.service_ids(i);
    if (id.empty()) v.push_back({Index("service_ids", i), "must not be empty"});
    else if (!seen.insert(id).second) v.push_back({Index("service_ids", i), "duplicate service id"});
  }
  if (request.has_evaluation_time()) CheckTimestamp(v, "evaluation_time", request.evaluation_time());
  CheckDate(v, "evaluation_date", request.evaluation_date(), false);
  if (!request.has_patient()) {
    v.push_back({"patient", "required"});
  } else {
    CheckPatient(v, request.patient());
    const auto birth = cds::sdk::ParseDate(request.patient().birth_date());
    const auto on = cds::sdk::ParseDate(request.evaluation_date());
    if (birth && on && *birth > *on) {
      v.push_back({"patient.birth_date", "is after evaluation_date"});
    }
  }
  return v;
}

std::vector<FieldViolation> ValidateFeedbackRequest(const cds::v1::SubmitFeedbackRequest& request) {
  Violations v;
  if (request.feedback_size() == 0) v.push_back({"feedback", "at least one entry is required"});
  for (int i = 0; i < request.feedback_size(); ++i) {
    const auto& f = request.feedback(i);
    const std::string field = Index("feedback", i);
    if (!IsUuid(f.card_uuid())) v.push_back({field + ".card_uuid", "must be the uuid of a card"});
    if (f.outcome() == cds::v1::FEEDBACK_OUTCOME_UNSPECIFIED) {
      v.push_back({field + ".outcome", "required: ACCEPTED or OVERRIDDEN"});
    }
    if (f.outcome() == cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN && f.override_reason().code().empty() &&
        f.user_comment().empty()) {
      v.push_back({field + ".override_reason", "an override needs a reason code or a comment"});
    }
    if (f.has_outcome_time()) CheckTimestamp(v, field + ".outcome_time", f.outcome_time());
    if (f.user_comment().size() > 4000) v.push_back({field + ".user_comment", "longer than 4000 characters"});
  }
  return v;
}

}  // namespace cdsd
