#include "session_observations.h"

#include <cds/sdk/clinical.h>

#include <cmath>

#include "plain_text.h"

namespace cds::triage {
namespace {

constexpr char kReportPath[] = "patient.session_report";

// Ranges outside which a value cannot be a real measurement. They are wide on purpose: a value
// that is dangerous but possible (SpO2 60 %, respiratory rate 0) must reach the rules.
struct PlausibleRange {
  double low;
  double high;
};
constexpr PlausibleRange kSystolicRange{30, 320};
constexpr PlausibleRange kDiastolicRange{10, 250};
constexpr PlausibleRange kSpo2Range{0, 100};
constexpr PlausibleRange kRespiratoryRateRange{0, 80};
constexpr PlausibleRange kHeartRateRange{10, 300};
// A week: a session report older than that is not a session report.
constexpr int kMaxMinutesAfterDose = 7 * 24 * 60;

// The path of a rejected value is built only when a value is rejected: the common case of
// plausible values costs no allocation.
std::optional<double> Plausible(bool present, double value, PlausibleRange range,
                                const std::string& base, const char* field, const char* name,
                                std::vector<UnusableInput>& unusable) {
  if (!present) return std::nullopt;
  if (std::isfinite(value) && value >= range.low && value <= range.high) return value;
  unusable.push_back({Concat({base, ".", field}), name,
                      Concat({"value ", Measured{value}, " is outside the plausible range ",
                              Measured{range.low}, "-", Measured{range.high}, "; not used"})});
  return std::nullopt;
}

std::optional<int> PlausibleMinutes(bool present, int32_t value, const std::string& base,
                                    const char* field, const char* name,
                                    std::vector<UnusableInput>& unusable) {
  if (!present) return std::nullopt;
  if (value >= 0 && value <= kMaxMinutesAfterDose) return value;
  unusable.push_back(
      {Concat({base, ".", field}), name,
       Concat({"value ", value, " minutes is outside 0-", kMaxMinutesAfterDose, "; not used"})});
  return std::nullopt;
}

VitalReading ReadVitals(const cds::v1::VitalSigns& v, int index, const std::string& path,
                        std::vector<UnusableInput>& unusable) {
  VitalReading r;
  r.index = index;
  r.minute = PlausibleMinutes(v.has_minutes_after_dose(), v.minutes_after_dose(), path,
                              "minutes_after_dose", "Minutes after dose", unusable);
  r.systolic = Plausible(v.has_systolic_mmhg(), v.systolic_mmhg(), kSystolicRange, path,
                         "systolic_mmhg", "Systolic blood pressure", unusable);
  r.diastolic = Plausible(v.has_diastolic_mmhg(), v.diastolic_mmhg(), kDiastolicRange, path,
                          "diastolic_mmhg", "Diastolic blood pressure", unusable);
  r.spo2 = Plausible(v.has_spo2_percent(), v.spo2_percent(), kSpo2Range, path, "spo2_percent",
                     "SpO2", unusable);
  r.respiratory_rate =
      Plausible(v.has_respiratory_rate(), v.respiratory_rate(), kRespiratoryRateRange, path,
                "respiratory_rate", "Respiratory rate", unusable);
  r.heart_rate = Plausible(v.has_heart_rate_bpm(), v.heart_rate_bpm(), kHeartRateRange, path,
                           "heart_rate_bpm", "Heart rate", unusable);
  return r;
}

void ReadSedation(const cds::v1::SessionReport& report, const std::string& base,
                  SessionObservations& out) {
  for (int i = 0; i < report.sedation_assessments_size(); ++i) {
    const cds::v1::SedationAssessment& a = report.sedation_assessments(i);
    const std::string path = Concat({base, ".sedation_assessments[", i, "]"});
    SedationReading r;
    r.index = i;
    r.minute = PlausibleMinutes(a.has_minutes_after_dose(), a.minutes_after_dose(), path,
                                "minutes_after_dose", "Minutes after dose", out.unusable);
    r.scale = a.scale();
    const bool moaas = a.scale() == cds::v1::SEDATION_SCALE_MOAA_S;
    const bool rass = a.scale() == cds::v1::SEDATION_SCALE_RASS;
    const bool in_range = a.has_score() && ((moaas && a.score() >= 0 && a.score() <= 5) ||
                                            (rass && a.score() >= -5 && a.score() <= 4));
    if (!in_range) {
      out.unusable.push_back({path, "Sedation assessment",
                              "scale not stated, score missing, or score outside the scale; "
                              "not used"});
      continue;
    }
    r.score = a.score();
    out.sedation.push_back(r);
  }
}

void ReadDissociation(const cds::v1::SessionReport& report, const std::string& base,
                      SessionObservations& out) {
  for (int i = 0; i < report.dissociation_assessments_size(); ++i) {
    const cds::v1::DissociationAssessment& a = report.dissociation_assessments(i);
    const std::string path = Concat({base, ".dissociation_assessments[", i, "]"});
    DissociationReading r;
    r.index = i;
    r.minute = PlausibleMinutes(a.has_minutes_after_dose(), a.minutes_after_dose(), path,
                                "minutes_after_dose", "Minutes after dose", out.unusable);
    if (a.measure() == cds::v1::DISSOCIATION_MEASURE_CADSS && a.has_score() && a.score() >= 0 &&
        a.score() <= 92) {
      r.shown = Concat({"CADSS ", a.score()});
      r.cadss = a.score();
    } else if (a.measure() == cds::v1::DISSOCIATION_MEASURE_CLINICIAN_JUDGEMENT &&
               (a.present() == cds::v1::ASSESSMENT_YES || a.present() == cds::v1::ASSESSMENT_NO)) {
      r.judged_present = a.present() == cds::v1::ASSESSMENT_YES;
      r.shown = *r.judged_present ? "clinician: present" : "clinician: not present";
    } else {
      r.shown = "assessment that does not say whether dissociation is present";
    }
    out.dissociation.push_back(r);
  }
}

// 1.1 clients say whether a list was looked up; for a 1.0 client a non-empty list counts.
bool ListKnown(cds::v1::Retrieval retrieval, int size) {
  if (retrieval == cds::v1::RETRIEVAL_RETRIEVED) return true;
  if (retrieval == cds::v1::RETRIEVAL_NOT_RETRIEVED) return false;
  return size > 0;
}

void ReadCoMedications(const cds::v1::PatientContext& patient, const TriageKnowledge& knowledge,
                       SessionObservations& out) {
  out.medications_known = ListKnown(patient.retrieval().medications(), patient.medications_size());
  for (int i = 0; i < patient.medications_size(); ++i) {
    const cds::v1::MedicationStatement& m = patient.medications(i);
    if (m.status() == cds::v1::MEDICATION_STATUS_STOPPED ||
        m.status() == cds::v1::MEDICATION_STATUS_COMPLETED) {
      continue;
    }
    for (const CoMedication& known : knowledge.co_medications) {
      if (cds::sdk::FindCoding(m.medication(), cds::sdk::systems::kRxNorm, known.rxnorm)) {
        out.co_medications.push_back({&known, i, m.status()});
        break;
      }
    }
  }
}

ReportedSymptom Classify(const cds::v1::Symptom& symptom, int index,
                         const TriageKnowledge& knowledge) {
  ReportedSymptom s;
  s.index = index;
  s.symptom = &symptom;
  for (const cds::v1::Coding& coding : symptom.code().coding()) {
    if (const SymptomDefinition* d = knowledge.Recognise(coding)) {
      s.definition = d;
      s.matched_coding = &coding;
      break;
    }
  }
  if (s.definition == nullptr) return s;
  s.category = s.definition->category;
  // Only a severe headache is a hypertensive warning sign (S42); an unrecorded severity is not
  // read as mild.
  if (s.definition->warning_only_if_severe && (symptom.severity() == cds::v1::SEVERITY_MILD ||
                                               symptom.severity() == cds::v1::SEVERITY_MODERATE)) {
    s.category = SymptomCategory::kOther;
  }
  return s;
}

// Converts a liver test result to the unit of its limit; nullopt for a unit the test does not
// accept (the value is then listed as unusable rather than compared in the wrong unit).
std::optional<double> InLimitUnit(const LabTest& test, const cds::v1::Observation& o) {
  for (size_t i = 0; i < test.units.size(); ++i) {
    if (o.unit() != test.units[i]) continue;
    if (i == 0 || test.units[i] == "[IU]/L") return o.value();
    // Total bilirubin: 1 mg/dL = 17.1 umol/L.
    if (test.units[0] == "mg/dL" && test.units[i] == "umol/L") return o.value() / 17.1;
  }
  return std::nullopt;
}

void ReadLabs(const cds::v1::PatientContext& patient, const TriageKnowledge& knowledge,
              SessionObservations& out) {
  for (size_t t = 0; t < knowledge.lab_tests.size(); ++t) {
    const LabTest& test = knowledge.lab_tests[t];
    const cds::v1::Observation* latest = nullptr;
    const cds::v1::Observation* previous = nullptr;
    int latest_index = -1;
    for (int i = 0; i < patient.observations_size(); ++i) {
      const cds::v1::Observation& o = patient.observations(i);
      if (!o.has_value() ||
          !cds::sdk::CodeMatches(o.code(), cds::sdk::systems::kLoinc, test.code)) {
        continue;
      }
      auto later = [](const cds::v1::Observation& a, const cds::v1::Observation& b) {
        return std::make_pair(a.effective_time().seconds(), a.effective_time().nanos()) >
               std::make_pair(b.effective_time().seconds(), b.effective_time().nanos());
      };
      if (latest == nullptr || later(o, *latest)) {
        previous = latest;
        latest = &o;
        latest_index = i;
      } else if (previous == nullptr || later(o, *previous)) {
        previous = &o;
      }
    }
    if (latest == nullptr) continue;
    const std::string path = Concat({"patient.observations[", latest_index, "]"});
    const std::optional<double> value = InLimitUnit(test, *latest);
    if (!value || !std::isfinite(*value) || *value < 0) {
      out.unusable.push_back(
          {path, test.display,
           Concat({"unit '", latest->unit(), "' or value not usable; not compared"})});
      continue;
    }
    LabResult result;
    result.test = &test;
    result.test_index = static_cast<int>(t);
    result.observation_index = latest_index;
    result.value = *value;
    result.shown = Concat({Measured{latest->value()}, " ", latest->unit()});
    if (previous != nullptr) {
      result.previous_shown = Concat({Measured{previous->value()}, " ", previous->unit()});
    }
    out.labs.push_back(std::move(result));
  }
}

}  // namespace

SessionObservations ReadSession(const cds::plugin::v1::EvaluateInput& input,
                                const TriageKnowledge& knowledge) {
  const cds::v1::PatientContext& patient = input.patient();
  const cds::v1::SessionReport& report = patient.session_report();
  const std::string base = kReportPath;
  SessionObservations out;
  out.report_present = patient.has_session_report();
  out.product = report.product() != cds::v1::KETAMINE_PRODUCT_UNSPECIFIED
                    ? report.product()
                    : patient.treatment_course().product();
  out.course_sessions = patient.treatment_course().sessions_size();
  out.minutes_since_dose =
      PlausibleMinutes(report.has_minutes_since_dose(), report.minutes_since_dose(), base,
                       "minutes_since_dose", "Minutes since dose", out.unusable);
  if (report.has_baseline()) {
    const VitalReading baseline =
        ReadVitals(report.baseline(), -1, base + ".baseline", out.unusable);
    out.baseline_systolic = baseline.systolic;
    out.baseline_diastolic = baseline.diastolic;
    out.baseline_spo2 = baseline.spo2;
    out.baseline_heart_rate = baseline.heart_rate;
  }
  out.readings.reserve(report.vitals_size());
  for (int i = 0; i < report.vitals_size(); ++i) {
    out.readings.push_back(
        ReadVitals(report.vitals(i), i, Concat({base, ".vitals[", i, "]"}), out.unusable));
  }
  out.symptoms.reserve(report.symptoms_size());
  for (int i = 0; i < report.symptoms_size(); ++i) {
    out.symptoms.push_back(Classify(report.symptoms(i), i, knowledge));
  }
  out.symptoms_assessed = ListKnown(report.symptoms_retrieval(), report.symptoms_size());
  ReadSedation(report, base, out);
  ReadDissociation(report, base, out);
  if (report.has_readiness_to_leave()) out.readiness = &report.readiness_to_leave();
  for (const cds::v1::EscalationReview& r : report.escalation_reviews()) {
    std::optional<int> minute;
    if (r.has_minutes_after_dose() && r.minutes_after_dose() >= 0) minute = r.minutes_after_dose();
    out.reviews.push_back({r.rule_id(), minute});
  }
  out.infusion_minutes =
      PlausibleMinutes(report.has_infusion_minutes(), report.infusion_minutes(), base,
                       "infusion_minutes", "Infusion length", out.unusable);
  out.child_pugh = patient.child_pugh_class();
  ReadCoMedications(patient, knowledge, out);
  ReadLabs(patient, knowledge, out);
  if (out.minutes_since_dose && input.has_evaluation_time()) {
    out.dose_time_seconds =
        input.evaluation_time().seconds() - int64_t{*out.minutes_since_dose} * 60;
  }
  return out;
}

const char* VitalSignName(VitalSign sign) {
  switch (sign) {
    case VitalSign::kSystolic:
      return "Systolic blood pressure";
    case VitalSign::kDiastolic:
      return "Diastolic blood pressure";
    case VitalSign::kSpo2:
      return "SpO2";
    case VitalSign::kRespiratoryRate:
      return "Respiratory rate";
    case VitalSign::kHeartRate:
      return "Heart rate";
  }
  return "";
}

const char* VitalSignField(VitalSign sign) {
  switch (sign) {
    case VitalSign::kSystolic:
      return "systolic_mmhg";
    case VitalSign::kDiastolic:
      return "diastolic_mmhg";
    case VitalSign::kSpo2:
      return "spo2_percent";
    case VitalSign::kRespiratoryRate:
      return "respiratory_rate";
    case VitalSign::kHeartRate:
      return "heart_rate_bpm";
  }
  return "";
}

const char* VitalSignWords(VitalSign sign) {
  switch (sign) {
    case VitalSign::kSystolic:
      return "systolic blood pressure";
    case VitalSign::kDiastolic:
      return "diastolic blood pressure";
    case VitalSign::kSpo2:
      return "SpO2";
    case VitalSign::kRespiratoryRate:
      return "respiratory rate";
    case VitalSign::kHeartRate:
      return "heart rate";
  }
  return "";
}

const char* VitalSignUnit(VitalSign sign) {
  switch (sign) {
    case VitalSign::kSystolic:
    case VitalSign::kDiastolic:
      return "mm[Hg]";
    case VitalSign::kSpo2:
      return "%";
    case VitalSign::kRespiratoryRate:
    case VitalSign::kHeartRate:
      return "/min";
  }
  return "";
}

std::optional<double> ValueOf(const VitalReading& reading, VitalSign sign) {
  switch (sign) {
    case VitalSign::kSystolic:
      return reading.systolic;
    case VitalSign::kDiastolic:
      return reading.diastolic;
    case VitalSign::kSpo2:
      return reading.spo2;
    case VitalSign::kRespiratoryRate:
      return reading.respiratory_rate;
    case VitalSign::kHeartRate:
      return reading.heart_rate;
  }
  return std::nullopt;
}

std::string ReadingPath(const VitalReading& reading, VitalSign sign) {
  const char* field = VitalSignField(sign);
  if (reading.index < 0) return Concat({kReportPath, ".baseline.", field});
  return Concat({kReportPath, ".vitals[", reading.index, "].", field});
}

std::string DescribeValue(const VitalReading& reading, VitalSign sign) {
  const std::optional<double> value = ValueOf(reading, sign);
  std::string out;
  if (value) {
    Append(out, {Measured{*value}, " ", VitalSignUnit(sign)});
  } else {
    out = "absent";
  }
  if (reading.minute) {
    Append(out, {" at ", *reading.minute, " min"});
  } else {
    out += " at an unrecorded time";
  }
  return out;
}

}  // namespace cds::triage
