#include "server/request_validation.h"

#include <cds/sdk/calendar.h>

#include <cmath>
#include <set>

#include "server/rpc_errors.h"

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

// Plausible ranges of the observations a clinical rule may read, per LOINC code and UCUM unit.
// They are limits of what a living patient can show (beyond the most extreme values reported),
// not normal ranges: a value outside one is a unit mix-up or a typing error, and a rule that
// took it as measured could call an impossible patient normal. Units not listed are left to
// the plugin (which refuses units it cannot read); only a negative value is refused for them.
struct PlausibleRange {
  const char* unit;
  double min;
  double max;
};
struct PlausibleObservation {
  const char* loinc;
  const char* what;
  bool unit_optional;  // an empty unit means the first one listed
  std::vector<PlausibleRange> ranges;
};

const std::vector<PlausibleObservation>& PlausibleObservations() {
  static const std::vector<PlausibleObservation> table = {
      {"8480-6", "systolic blood pressure", true, {{"mm[Hg]", 20, 350}}},
      {"8462-4", "diastolic blood pressure", true, {{"mm[Hg]", 10, 250}}},
      {"8867-4", "heart rate", true, {{"/min", 10, 350}}},
      {"59408-5", "SpO2", true, {{"%", 0, 100}}},
      {"2708-6", "arterial oxygen saturation", true, {{"%", 0, 100}}},
      {"9279-1", "respiratory rate", true, {{"/min", 0, 100}}},
      {"8310-5", "body temperature", false, {{"Cel", 25, 45}, {"[degF]", 77, 113}}},
      {"29463-7", "body weight", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"3141-9", "body weight (measured)", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"3142-7", "body weight (stated)", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"8335-2", "body weight (estimated)", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"8350-1", "body weight (with clothes)", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"8351-9", "body weight (without clothes)", false, {{"kg", 0.2, 700}, {"g", 200, 700000}, {"[lb_av]", 0.44, 1545}}},
      {"8302-2", "body height", false, {{"cm", 20, 280}, {"m", 0.2, 2.8}, {"[in_i]", 8, 110}}},
      {"39156-5", "body mass index", true, {{"kg/m2", 5, 250}}},
      {"44261-6", "PHQ-9 total score", true, {{"{score}", 0, 27}, {"1", 0, 27}}},
      {"1742-6", "ALT", false, {{"U/L", 0, 50000}}},
      {"1920-8", "AST", false, {{"U/L", 0, 50000}}},
      {"6768-6", "alkaline phosphatase", false, {{"U/L", 0, 50000}}},
      {"1975-2", "total bilirubin", false, {{"mg/dL", 0, 100}, {"umol/L", 0, 1710}}},
  };
  return table;
}

std::string Number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

void CheckPlausible(Violations& v, const std::string& field, const cds::v1::Observation& o) {
  if (o.code().system() != "http://loinc.org") {
    if (o.code().system() == "https://cdsd.dev/fhir/CodeSystem/observation" && o.code().code() == "madrs-total" &&
        (o.value() < 0 || o.value() > 60)) {
      v.push_back({field + ".value", "MADRS total " + Number(o.value()) + " is outside 0-60"});
    }
    return;
  }
  for (const PlausibleObservation& p : PlausibleObservations()) {
    if (o.code().code() != p.loinc) continue;
    const std::string& unit = o.unit();
    for (const PlausibleRange& r : p.ranges) {
      if (unit == r.unit || (unit.empty() && p.unit_optional && &r == &p.ranges.front())) {
        if (o.value() < r.min || o.value() > r.max) {
          v.push_back({field + ".value", std::string(p.what) + " " + Number(o.value()) + " " + r.unit +
                                             " is outside the plausible range " + Number(r.min) + "-" +
                                             Number(r.max) + " " + r.unit});
        }
        return;
      }
    }
    if (o.value() < 0) v.push_back({field + ".value", std::string(p.what) + " cannot be negative"});
    return;
  }
}

void CheckObservation(Violations& v, const std::string& field, const cds::v1::Observation& o) {
  if (o.code().system().empty() || o.code().code().empty()) {
    v.push_back({field + ".code", "system and code are required"});
  }
  if (!o.has_value()) {
    v.push_back({field + ".value", "required"});
  } else if (!std::isfinite(o.value())) {
    v.push_back({field + ".value", "must be a finite number"});
  } else {
    CheckPlausible(v, field, o);
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

void CheckInputLimits(const google::protobuf::Message& message, const InputLimits& limits,
                      std::vector<FieldViolation>& violations, const std::string& path) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (violations.size() >= kMaxFieldViolations) return;
    const std::string name = path.empty() ? f->name() : path + "." + f->name();
    const bool text = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool nested = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    auto check_text = [&](const std::string& value, const std::string& at) {
      if (static_cast<int64_t>(value.size()) > limits.max_string_bytes) {
        violations.push_back({at, std::to_string(value.size()) + " bytes, more than limits.max_string_bytes (" +
                                      std::to_string(limits.max_string_bytes) + ")"});
      }
    };
    if (f->is_repeated()) {
      const int size = reflection->FieldSize(message, f);
      if (size > limits.max_list_items) {
        violations.push_back({name, std::to_string(size) + " items, more than limits.max_list_items (" +
                                        std::to_string(limits.max_list_items) + ")"});
        continue;
      }
      for (int i = 0; i < size && violations.size() < kMaxFieldViolations; ++i) {
        const std::string at = name + "[" + std::to_string(i) + "]";
        if (text) check_text(reflection->GetRepeatedStringReference(message, f, i, nullptr), at);
        if (nested) CheckInputLimits(reflection->GetRepeatedMessage(message, f, i), limits, violations, at);
      }
    } else if (text) {
      std::string scratch;
      check_text(reflection->GetStringReference(message, f, &scratch), name);
    } else if (nested) {
      CheckInputLimits(reflection->GetMessage(message, f), limits, violations, name);
    }
  }
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::vector<FieldViolation> ValidateEvaluateRequest(const cds::v1::EvaluateRequest& request,
                                                    const InputLimits& limits) {
  Violations v;
  CheckInputLimits(request, limits, v);
  if (!v.empty()) return v;
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

std::vector<FieldViolation> ValidateFeedbackRequest(const cds::v1::SubmitFeedbackRequest& request,
                                                    const InputLimits& limits, bool override_needs_reason) {
  Violations v;
  CheckInputLimits(request, limits, v);
  if (!v.empty()) return v;
  if (request.feedback_size() == 0) v.push_back({"feedback", "at least one entry is required"});
  for (int i = 0; i < request.feedback_size(); ++i) {
    const auto& f = request.feedback(i);
    const std::string field = Index("feedback", i);
    if (!IsUuid(f.card_uuid())) v.push_back({field + ".card_uuid", "must be the uuid of a card"});
    if (f.outcome() == cds::v1::FEEDBACK_OUTCOME_UNSPECIFIED) {
      v.push_back({field + ".outcome", "required: ACCEPTED or OVERRIDDEN"});
    }
    if (override_needs_reason && f.outcome() == cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN && f.override_reason().code().empty() &&
        f.user_comment().empty()) {
      v.push_back({field + ".override_reason", "an override needs a reason code or a comment"});
    }
    if (f.has_outcome_time()) CheckTimestamp(v, field + ".outcome_time", f.outcome_time());
    if (f.user_comment().size() > 4000) v.push_back({field + ".user_comment", "longer than 4000 characters"});
  }
  return v;
}

}  // namespace cdsd
