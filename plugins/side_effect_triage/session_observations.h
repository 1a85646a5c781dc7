// What the triage reads from one request: the session report's vital signs and symptoms, the
// liver tests among the patient's observations, and the dose time. Values outside a plausible
// range are set aside as unusable (and listed), never silently used or silently dropped.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_OBSERVATIONS_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_OBSERVATIONS_H_

#include <cds/plugin/v1/plugin.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triage_knowledge.h"

namespace cds::triage {

struct VitalReading {
  int index = 0;  // position in patient.session_report.vitals
  std::optional<int> minute;
  std::optional<double> systolic;
  std::optional<double> diastolic;
  std::optional<double> spo2;
  std::optional<double> respiratory_rate;
  std::optional<double> heart_rate;
};

struct ReportedSymptom {
  int index = 0;  // position in patient.session_report.symptoms
  const cds::v1::Symptom* symptom = nullptr;
  // Null when no coding is known to cdsd.
  const SymptomDefinition* definition = nullptr;
  const cds::v1::Coding* matched_coding = nullptr;
  // The category the rules apply: a headache that is mild or moderate counts as kOther.
  SymptomCategory category = SymptomCategory::kOther;

  // Still there. SymptomStatus wins over the 1.0 `resolved` flag; a status value this build does
  // not know is read as present, never as gone.
  bool present() const {
    switch (symptom->status()) {
      case cds::v1::SYMPTOM_STATUS_UNSPECIFIED:
        return !symptom->resolved();
      case cds::v1::SYMPTOM_STATUS_RESOLVED:
      case cds::v1::SYMPTOM_STATUS_ABSENT:
        return false;
      default:
        return true;
    }
  }
  // It happened (present now or resolved): staff did not record it as looked for and absent.
  bool occurred() const { return symptom->status() != cds::v1::SYMPTOM_STATUS_ABSENT; }
  bool severity_recorded() const { return symptom->severity() != cds::v1::SEVERITY_UNSPECIFIED; }
};

struct LabResult {
  const LabTest* test = nullptr;
  int test_index = 0;         // into TriageKnowledge::lab_tests and TriageThresholds
  int observation_index = 0;  // position in patient.observations
  double value = 0;           // in the test's first unit
  std::string shown;          // as sent, e.g. "64 U/L"
  std::optional<std::string> previous_shown;
};

// How deep a recorded sedation assessment is, on the site's cut-offs.
enum class SedationDepth { kAwake, kAgitated, kSedated, kSevere, kUnrousable };

struct SedationReading {
  int index = 0;  // position in patient.session_report.sedation_assessments
  std::optional<int> minute;
  cds::v1::SedationScale scale = cds::v1::SEDATION_SCALE_UNSPECIFIED;
  int score = 0;
};

struct DissociationReading {
  int index = 0;  // position in patient.session_report.dissociation_assessments
  std::optional<int> minute;
  // CADSS total, when that is the measure (compared with the site's cut-off).
  std::optional<int> cadss;
  // A clinician's judgement: true present, false not present; nullopt when not a judgement.
  std::optional<bool> judged_present;
  std::string shown;  // "CADSS 6" or "clinician: not present"
};

struct EscalationReviewRecord {
  std::string rule_id;
  std::optional<int> minute;
};

// A medicine on the patient's list that adds to a session risk.
struct CoMedicationUse {
  const CoMedication* medicine = nullptr;
  int medication_index = 0;  // position in patient.medications
  cds::v1::MedicationStatus status = cds::v1::MEDICATION_STATUS_UNSPECIFIED;
};

struct UnusableInput {
  std::string path;
  std::string name;
  std::string reason;
};

struct SessionObservations {
  // False when the request has no session report at all: every rule then reports what is missing.
  bool report_present = false;
  std::optional<int> minutes_since_dose;
  std::optional<double> baseline_systolic;
  std::optional<double> baseline_diastolic;
  std::optional<double> baseline_spo2;
  std::optional<double> baseline_heart_rate;
  std::vector<VitalReading> readings;
  std::vector<ReportedSymptom> symptoms;
  // Staff checked for symptoms: RETRIEVED, or a non-empty list from a 1.0 client.
  bool symptoms_assessed = false;
  std::vector<SedationReading> sedation;
  std::vector<DissociationReading> dissociation;
  // Null when staff have not recorded the readiness-to-leave checks.
  const cds::v1::ReadinessToLeave* readiness = nullptr;
  std::vector<EscalationReviewRecord> reviews;
  std::optional<int> infusion_minutes;
  std::vector<CoMedicationUse> co_medications;
  // False when the medication list was not retrieved (or an empty list came from a 1.0 client).
  bool medications_known = false;
  cds::v1::ChildPughClass child_pugh = cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED;
  std::vector<LabResult> labs;  // the most recent result of each test
  std::vector<UnusableInput> unusable;
  int course_sessions = 0;
  cds::v1::KetamineProduct product = cds::v1::KETAMINE_PRODUCT_UNSPECIFIED;
  // evaluation_time minus minutes_since_dose, when both are known (seconds since the epoch).
  std::optional<int64_t> dose_time_seconds;
};

SessionObservations ReadSession(const cds::plugin::v1::EvaluateInput& input,
                                const TriageKnowledge& knowledge);

// "Systolic blood pressure" style names and "vitals[2].systolic_mmhg" style paths for one
// vital sign; shared so that every rule labels the same value the same way.
enum class VitalSign { kSystolic, kDiastolic, kSpo2, kRespiratoryRate, kHeartRate };
// The field name in VitalSigns: "systolic_mmhg", ... "heart_rate_bpm".
const char* VitalSignField(VitalSign sign);
const char* VitalSignName(VitalSign sign);
// The same in running text: "respiratory rate", "SpO2".
const char* VitalSignWords(VitalSign sign);
const char* VitalSignUnit(VitalSign sign);
std::optional<double> ValueOf(const VitalReading& reading, VitalSign sign);
std::string ReadingPath(const VitalReading& reading, VitalSign sign);
// "186 mm[Hg] at 40 min" (or "at an unrecorded time").
std::string DescribeValue(const VitalReading& reading, VitalSign sign);

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SESSION_OBSERVATIONS_H_
