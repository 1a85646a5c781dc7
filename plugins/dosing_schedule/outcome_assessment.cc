// Outcome steps of a course assessment: response and remission from the MADRS total, the PHQ-9
// band, and the course-progress section of the decision.
#include <algorithm>
#include <cstdio>
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

std::string MadrsPath(const DosingKnowledge& k) {
  return "patient.observations[" + k.madrs_total.system + "|" + k.madrs_total.code + "]";
}

std::string Phq9Path(const DosingKnowledge& k) {
  return "patient.observations[" + k.phq9_total.system + "|" + k.phq9_total.code + "]";
}

std::string Percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %%", value);
  return buffer;
}

}  // namespace

void CourseAssessment::ReadOutcomes() {
  if (outcomes_read_) return;
  outcomes_read_ = true;
  madrs_ = ReadScores(patient_, knowledge_.madrs_total, course_.start, today_);
  phq9_ = ReadScores(patient_, knowledge_.phq9_total, course_.start, today_);
  madrs_outcome_ =
      ClassifyMadrs(madrs_, ResponseThresholds{settings_.response_madrs_reduction_percent,
                                               settings_.remission_madrs_max});
}

void CourseAssessment::AssessResponse() {
  ReadOutcomes();
  auto add_score = [](cds::v1::Criterion& c, const char* name,
                      const std::optional<ScoreReading>& s) {
    if (!s) return;
    std::string value = sdk::FormatNumber(s->value);
    if (s->date) value += " on " + sdk::FormatDate(*s->date);
    sdk::AddInput(c, name, value, s->path);
  };
  const std::string madrs_path = MadrsPath(knowledge_);
  if (!madrs_.baseline) {
    basis_.Missing("patient.treatment_course.baseline_madrs",
                   "Baseline MADRS total (or a MADRS observation on or before the course start)",
                   "response (reduction from baseline) cannot be judged");
  }
  if (!madrs_.current) {
    basis_.Missing(madrs_path, "MADRS total after the course start",
                   "response and remission cannot be judged");
  }

  // Response.
  {
    cds::v1::CriterionOutcome outcome = kUnknown;
    std::string explanation;
    if (madrs_outcome_.reduction_percent) {
      outcome = *madrs_outcome_.response ? kMet : kNotMet;
      explanation = "MADRS " + sdk::FormatNumber(madrs_.baseline->value) + " at baseline, " +
                    sdk::FormatNumber(madrs_.current->value) + " now: " +
                    (*madrs_outcome_.reduction_percent >= 0
                         ? "reduced by " + Percent(*madrs_outcome_.reduction_percent)
                         : "worse by " + Percent(-*madrs_outcome_.reduction_percent)) +
                    " (response at " + sdk::FormatNumber(settings_.response_madrs_reduction_percent) +
                    " % or more).";
    } else if (madrs_.baseline && madrs_.current) {
      explanation = "A baseline MADRS of 0 cannot show a reduction.";
    } else {
      explanation = std::string("No ") + (!madrs_.baseline ? "baseline" : "") +
                    (!madrs_.baseline && !madrs_.current ? " or " : "") +
                    (!madrs_.current ? "post-start" : "") + " MADRS total.";
    }
    cds::v1::Criterion& c = basis_.Add(Rule::kResponse, outcome, std::move(explanation));
    add_score(c, "Baseline MADRS", madrs_.baseline);
    add_score(c, "Current MADRS", madrs_.current);
  }
  // Remission.
  {
    cds::v1::CriterionOutcome outcome = kUnknown;
    std::string explanation = "No MADRS total after the course start.";
    if (madrs_outcome_.remission) {
      outcome = *madrs_outcome_.remission ? kMet : kNotMet;
      explanation = "MADRS " + sdk::FormatNumber(madrs_.current->value) +
                    (*madrs_outcome_.remission ? " is" : " is not") + " at or below " +
                    sdk::FormatNumber(settings_.remission_madrs_max) + ".";
    }
    cds::v1::Criterion& c = basis_.Add(Rule::kRemission, outcome, std::move(explanation));
    add_score(c, "Current MADRS", madrs_.current);
  }
  // PHQ-9 band.
  {
    if (phq9_.current) {
      std::string explanation = "PHQ-9 " + sdk::FormatNumber(phq9_.current->value) + ": " +
                                Phq9BandName(phq9_.current->value, knowledge_);
      if (phq9_.baseline) {
        explanation += " (baseline " + sdk::FormatNumber(phq9_.baseline->value) + ": " +
                       Phq9BandName(phq9_.baseline->value, knowledge_) + ")";
      }
      cds::v1::Criterion& c = basis_.Add(Rule::kPhq9, kMet, explanation + ".");
      add_score(c, "Baseline PHQ-9", phq9_.baseline);
      add_score(c, "Current PHQ-9", phq9_.current);
    } else {
      basis_.Add(Rule::kPhq9, kUnknown, "No PHQ-9 total after the course start.");
      basis_.Missing(Phq9Path(knowledge_), "PHQ-9 total after the course start",
                     "no PHQ-9 severity band on the card");
    }
  }
}

void CourseAssessment::FillProgress() {
  cds::v1::CourseProgress& p = *decision_.mutable_progress();
  // The phase and labelled week the course is in: those of the next session, counted from the
  // sessions given (the last stage once the regimen is complete).
  const int n = static_cast<int>(course_.given.size());
  const int stage = NextStage();
  if (regimen_.stages.empty()) {
    p.set_phase(cds::v1::DOSING_PHASE_UNSPECIFIED);
  } else if (stage < 0) {
    p.set_phase(regimen_.stages.back().phase);
    // A finished course: its calendar week since the first session, once past the last.
    p.set_week(std::max(current_week_, course_.given.empty() ? 0 : decision_.sessions(n - 1).week()));
  } else {
    p.set_phase(regimen_.stages[stage].phase);
    const cds::v1::ScheduledSession* next = n < decision_.sessions_size() ? &decision_.sessions(n) : nullptr;
    p.set_week(next != nullptr ? next->week()
               : n > 0         ? decision_.sessions(n - 1).week()
                               : 1);
  }
  p.set_sessions_given(static_cast<int>(course_.given.size()));
  if (!course_.given.empty()) p.set_last_dose_mg(course_.given.back().dose_mg);
  if (proposal_ && !decision_.dose_withheld()) {
    for (double d : proposal_->options_mg) p.add_next_dose_options_mg(d);
  }
  p.set_response(madrs_outcome_.status);
  if (madrs_outcome_.reduction_percent)
    p.set_madrs_reduction_percent(*madrs_outcome_.reduction_percent);
  if (madrs_.baseline) p.set_baseline_madrs(madrs_.baseline->value);
  if (madrs_.current) p.set_current_madrs(madrs_.current->value);
  if (phq9_.current) {
    p.set_current_phq9(phq9_.current->value);
    p.set_phq9_band(Phq9BandName(phq9_.current->value, knowledge_));
  }
}

}  // namespace cds::dosing
