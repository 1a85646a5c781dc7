// Questions about a session's vital signs that several rules ask (is any blood pressure above the
// severe threshold, what is the latest reading, is blood pressure back near baseline), answered
// once here so the triage rules and the discharge criteria cannot disagree.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_VITAL_SIGN_CHECKS_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_VITAL_SIGN_CHECKS_H_

#include <cds/v1/card.pb.h>

#include <string>

#include "session_observations.h"
#include "triage_settings.h"

namespace cds::triage {

// Tolerance for comparing values that went through subtraction (120.3 + 40 must reach 160.3).
inline constexpr double kComparisonTolerance = 1e-9;

struct SevereBloodPressure {
  // The reading furthest at or above the threshold (the label counts >= 180 / >= 110), or null.
  const VitalReading* reading = nullptr;
  // No reading above the threshold, but systolic or diastolic was never measured.
  bool unknown = false;
};
SevereBloodPressure FindSevereBloodPressure(const SessionObservations& session,
                                            const TriageThresholds& t);

struct BloodPressureRise {
  // The post-dose reading with the largest rise over the pre-dose value (> 0 mmHg), or null.
  const VitalReading* reading = nullptr;
  // No rise found, but the baseline or every post-dose pressure is missing: a rise cannot be
  // excluded.
  bool unknown = false;
};
BloodPressureRise FindBloodPressureRise(const SessionObservations& session);

SedationDepth DepthOf(const SedationReading& reading, const TriageThresholds& t);
// "MOAA/S 3 at 60 min".
std::string DescribeSedation(const SedationReading& reading);
// What shows the patient is (or was) sedated: a present sedation symptom, or an assessment below
// awake. Empty when nothing does.
std::string SedationEvidence(const SessionObservations& session, const TriageThresholds& t);
// The name of an occurred symptom that makes a circulation finding an emergency (syncope, chest
// pain), or empty.
std::string CirculationRedFlag(const SessionObservations& session);

// The reading with the lowest (or, for Highest, highest) value of `sign`, or null.
const VitalReading* Lowest(const SessionObservations& session, VitalSign sign);
const VitalReading* Highest(const SessionObservations& session, VitalSign sign);
// The reading with the largest minutes_after_dose that has `sign`; readings without a time
// cannot be ordered and are skipped.
const VitalReading* Latest(const SessionObservations& session, VitalSign sign);

struct BaselineComparison {
  cds::v1::CriterionOutcome outcome = cds::v1::CRITERION_OUTCOME_UNKNOWN;  // MET: near baseline
  const VitalReading* latest = nullptr;
  std::string explanation;
};
// Whether the latest timed reading with both pressures is within the site's margins of the
// pre-dose values.
BaselineComparison CompareLatestWithBaseline(const SessionObservations& session,
                                             const TriageThresholds& t);

// "Nausea (422587007 SNOMED CT), mild, onset 15 min, still present" for InputValue.value.
std::string DescribeSymptom(const ReportedSymptom& symptom);
std::string SymptomName(const ReportedSymptom& symptom);
std::string SymptomPath(const ReportedSymptom& symptom);

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_VITAL_SIGN_CHECKS_H_
