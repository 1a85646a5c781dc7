#include "treatment_response.h"

#include <cmath>

#include "observation_date.h"

namespace cds::dosing {
namespace {

// Totals are whole numbers, but percentages are not: compare with a tolerance so an exact
// 50 % reduction (for example 34 -> 17) counts as a response.
constexpr double kScoreTolerance = 1e-9;

bool InRange(double value, const ScoreCode& code) {
  return std::isfinite(value) && value >= code.valid_min && value <= code.valid_max;
}

struct Candidate {
  const cds::v1::Observation* observation = nullptr;
  int index = 0;
  sdk::Date date;
};

bool Later(const cds::v1::Observation& a, const cds::v1::Observation& b) {
  return std::make_pair(a.effective_time().seconds(), a.effective_time().nanos()) >
         std::make_pair(b.effective_time().seconds(), b.effective_time().nanos());
}

ScoreReading FromCandidate(const Candidate& c) {
  return ScoreReading{c.observation->value(),
                      "patient.observations[" + std::to_string(c.index) + "]", c.date};
}

}  // namespace

ScoreHistory ReadScores(const cds::v1::PatientContext& patient, const ScoreCode& code,
                        sdk::Date course_start, sdk::Date evaluation_date) {
  Candidate before, after, previous;
  for (int i = 0; i < patient.observations_size(); ++i) {
    const cds::v1::Observation& o = patient.observations(i);
    if (!sdk::CodeMatches(o.code(), code.system, code.code) || !o.has_value()) continue;
    if (!InRange(o.value(), code)) continue;
    const std::optional<sdk::Date> date = ObservationDate(o);
    // An undated score cannot be placed before or after the course start.
    if (!date || *date > evaluation_date) continue;
    if (*date <= course_start) {
      if (before.observation == nullptr || Later(o, *before.observation)) before = {&o, i, *date};
    } else if (after.observation == nullptr || Later(o, *after.observation)) {
      previous = after;
      after = Candidate{&o, i, *date};
    } else if (previous.observation == nullptr || Later(o, *previous.observation)) {
      previous = Candidate{&o, i, *date};
    }
  }

  ScoreHistory history;
  const cds::v1::TreatmentCourse& course = patient.treatment_course();
  const bool is_madrs = code.code == sdk::kMadrsTotalCode;
  const bool has_course_baseline =
      is_madrs ? course.has_baseline_madrs() : course.has_baseline_phq9();
  const double course_baseline = is_madrs ? course.baseline_madrs() : course.baseline_phq9();
  if (has_course_baseline && InRange(course_baseline, code)) {
    history.baseline = ScoreReading{course_baseline,
                                    is_madrs ? "patient.treatment_course.baseline_madrs"
                                             : "patient.treatment_course.baseline_phq9",
                                    std::nullopt};
  } else if (before.observation != nullptr) {
    history.baseline = FromCandidate(before);
  }
  if (after.observation != nullptr) history.current = FromCandidate(after);
  if (previous.observation != nullptr) history.previous = FromCandidate(previous);
  return history;
}

std::optional<ScoreReading> LatestScoreBetween(const cds::v1::PatientContext& patient,
                                               const ScoreCode& code,
                                               std::optional<sdk::Date> after, sdk::Date until) {
  Candidate best;
  for (int i = 0; i < patient.observations_size(); ++i) {
    const cds::v1::Observation& o = patient.observations(i);
    if (!sdk::CodeMatches(o.code(), code.system, code.code) || !o.has_value()) continue;
    if (!InRange(o.value(), code)) continue;
    const std::optional<sdk::Date> date = ObservationDate(o);
    if (!date || *date > until || (after && *date <= *after)) continue;
    if (best.observation == nullptr || Later(o, *best.observation)) best = Candidate{&o, i, *date};
  }
  if (best.observation == nullptr) return std::nullopt;
  return FromCandidate(best);
}

MadrsOutcome ClassifyMadrs(const ScoreHistory& madrs, const ResponseThresholds& thresholds) {
  MadrsOutcome outcome;
  if (madrs.current) {
    outcome.remission = madrs.current->value <= thresholds.remission_max + kScoreTolerance;
  }
  if (madrs.current && madrs.baseline && madrs.baseline->value > 0) {
    const double reduction =
        (madrs.baseline->value - madrs.current->value) / madrs.baseline->value * 100.0;
    outcome.reduction_percent = reduction;
    outcome.response = reduction >= thresholds.reduction_percent - kScoreTolerance;
  }
  if (outcome.remission.value_or(false)) {
    outcome.status = cds::v1::RESPONSE_STATUS_REMISSION;
  } else if (outcome.response) {
    outcome.status = *outcome.response ? cds::v1::RESPONSE_STATUS_RESPONSE
                                       : cds::v1::RESPONSE_STATUS_NO_RESPONSE;
  }
  return outcome;
}

std::string Phq9BandName(double total, const DosingKnowledge& knowledge) {
  // Bands ascend; a total between two bands' limits (a fractional one) takes the lower band.
  std::string band;
  if (!InRange(total, knowledge.phq9_total)) return band;
  for (const Phq9Band& b : knowledge.phq9_bands) {
    if (total >= b.min - kScoreTolerance) band = b.name;
  }
  return band;
}

}  // namespace cds::dosing
