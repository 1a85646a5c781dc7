// How the patient is doing on the course: response and remission from the MADRS total, and the
// PHQ-9 severity band. Baseline: treatment_course.baseline_madrs / baseline_phq9 when sent,
// else the most recent score dated on or before the course start (the closest pre-treatment
// value). Current: the most recent score dated after the course start, up to the evaluation date.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_TREATMENT_RESPONSE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_TREATMENT_RESPONSE_H_

#include <cds/sdk/clinical.h>
#include <cds/v1/dosing_schedule.pb.h>

#include <optional>
#include <string>

#include "dosing_knowledge.h"

namespace cds::dosing {

struct ScoreReading {
  double value = 0;
  // Request path, e.g. "patient.observations[4]" or "patient.treatment_course.baseline_madrs".
  std::string path;
  // Date of the observation; nullopt for the course's baseline fields.
  std::optional<sdk::Date> date;
};

struct ScoreHistory {
  std::optional<ScoreReading> baseline;
  std::optional<ScoreReading> current;
  // The post-start score before `current`, for a response that has held.
  std::optional<ScoreReading> previous;
};

// Scores outside the code's valid range are not used.
ScoreHistory ReadScores(const cds::v1::PatientContext& patient, const ScoreCode& code,
                        sdk::Date course_start, sdk::Date evaluation_date);

// The most recent valid, dated score with `after` < date <= `until` (no lower bound without
// `after`).
std::optional<ScoreReading> LatestScoreBetween(const cds::v1::PatientContext& patient,
                                               const ScoreCode& code,
                                               std::optional<sdk::Date> after, sdk::Date until);

struct ResponseThresholds {
  double reduction_percent = 0;
  double remission_max = 0;
};

struct MadrsOutcome {
  // Set when baseline (above 0) and current are both known.
  std::optional<double> reduction_percent;
  std::optional<bool> response;
  // Set when the current score is known.
  std::optional<bool> remission;
  cds::v1::ResponseStatus status = cds::v1::RESPONSE_STATUS_UNKNOWN;
};

// Remission outranks response; without a current score the status is UNKNOWN.
MadrsOutcome ClassifyMadrs(const ScoreHistory& madrs, const ResponseThresholds& thresholds);

// The knowledge file's band name for a PHQ-9 total; empty when no band holds it.
std::string Phq9BandName(double total, const DosingKnowledge& knowledge);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_TREATMENT_RESPONSE_H_
