// Schedule steps of a course assessment that follow the patient rather than the calendar: the
// maintenance frequency from week 9 (the order's, else the sessions', else the site default)
// and the gaps that mean a missed session, with what the label says to do about them.
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

// 7 or 14 for "1 every 1 wk" / "1 every 7 d" / "1 every 2 wk" / "1 every 14 d"; 0 otherwise.
int OrderIntervalDays(const cds::v1::DraftOrder& order) {
  if (!order.has_frequency() || !order.has_period() || order.frequency() != 1) return 0;
  double days = order.period();
  if (order.period_unit() == "wk") {
    days *= 7;
  } else if (order.period_unit() != "d") {
    return 0;
  }
  if (days == 7) return 7;
  if (days == 14) return 14;
  return 0;
}

}  // namespace

void CourseAssessment::AssessMaintenanceFrequency() {
  Stage& open = regimen_.stages.back();
  const int open_first = regimen_.FirstSessionOfStage(static_cast<int>(regimen_.stages.size()) - 1);
  const int given = static_cast<int>(course_.given.size());
  int interval = open.interval_days;
  std::string basis = "the site setting (settings.maintenance_interval)";
  std::string path = "settings.maintenance_interval";

  // The sessions given from week 9 show the patient's current frequency.
  if (given >= open_first + 2) {
    const int days = static_cast<int>((course_.given[given - 1].date - course_.given[given - 2].date).count());
    interval = days < 14 ? 7 : 14;
    basis = "the last two maintenance sessions (" + std::to_string(days) + " days apart)";
    path = SessionPath(course_.given[given - 1]) + ".date";
  }
  // An order changes it.
  int order_index = -1;
  std::string order_note;
  if (const cds::v1::DraftOrder* order = KetamineDraftOrder(order_index)) {
    const int from_order = OrderIntervalDays(*order);
    if (from_order > 0) {
      interval = from_order;
      basis = "the draft order";
      path = "draft_orders[" + std::to_string(order_index) + "].period";
    } else if (order->has_frequency() || order->has_period()) {
      order_note = " The draft order's frequency is neither weekly nor every 2 weeks, so it does "
                   "not set the maintenance frequency.";
    }
  }
  open.interval_days = interval;

  const bool reached = given >= open_first;
  std::string explanation = std::string(reached ? "Maintenance from week 9 is " : "From week 9 the plan uses ") +
                            FrequencyWords(open) + ", from " + basis + "." + order_note;
  if (interval == 7 && reached) {
    ReadOutcomes();
    const bool remission = madrs_outcome_.status == cds::v1::RESPONSE_STATUS_REMISSION;
    bool stable_response = false;
    if (madrs_outcome_.status == cds::v1::RESPONSE_STATUS_RESPONSE && madrs_.previous &&
        madrs_.baseline) {
      ScoreHistory earlier = madrs_;
      earlier.current = madrs_.previous;
      const MadrsOutcome previous = ClassifyMadrs(
          earlier, ResponseThresholds{settings_.response_madrs_reduction_percent,
                                      settings_.remission_madrs_max});
      stable_response = previous.status == cds::v1::RESPONSE_STATUS_RESPONSE ||
                        previous.status == cds::v1::RESPONSE_STATUS_REMISSION;
    }
    if (remission || stable_response) {
      explanation += std::string(" The MADRS shows ") +
                     (remission ? "remission" : "a response at the last two scores") +
                     ": every 2 weeks may be considered, the least frequent dosing that keeps "
                     "it (the prescriber decides).";
    } else {
      explanation += " Less frequent dosing is suggested only in remission or with a stable "
                     "response, which the MADRS does not show.";
    }
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kMaintenanceFrequency, reached ? kMet : kNotApplicable,
                                     std::move(explanation));
  sdk::AddInput(c, "Maintenance frequency", FrequencyWords(open), path);
  basis_.Cite(c, knowledge_.maintenance_citation_ids);
}

void CourseAssessment::AssessMissedSessions() {
  if (course_.given.empty()) {
    basis_.Add(Rule::kMissedSessions, kNotApplicable, "No session given yet.");
    return;
  }
  const std::vector<MissedGap> gaps =
      MissedGaps(regimen_, GivenDates(), today_, settings_.missed_session_grace_days);
  if (gaps.empty()) {
    cds::v1::Criterion& c = basis_.Add(
        Rule::kMissedSessions, kMet,
        "No gap between sessions (or since the last one) is longer than its phase's regular "
        "interval plus " + std::to_string(settings_.missed_session_grace_days) + " days.");
    sdk::AddInput(c, "Grace days", std::to_string(settings_.missed_session_grace_days),
                  "settings.missed_session_grace_days");
    return;
  }
  cds::v1::CriterionOutcome outcome = kNotMet;
  std::string explanation;
  std::string summary;
  for (const MissedGap& gap : gaps) {
    const Stage& stage = regimen_.stages[gap.stage];
    const bool early = stage.sessions && stage.first_week + (*stage.sessions - 1) /
                                                               stage.SessionsPerWeek() <=
                                             knowledge_.missed_early_weeks;
    std::string text = std::to_string(gap.days) + " days from " + sdk::FormatDate(gap.from) +
                       (gap.after >= 0 ? " to " + sdk::FormatDate(gap.until)
                                       : " with no session since") +
                       " in " + StageWords(stage) + " (regular gap " +
                       std::to_string(gap.regular_days) + " days): ";
    if (IsIv()) {
      text += "the IV sources give no rule for missed infusions; the plan continues the "
              "schedule for the prescriber to review.";
      summary = "missed infusion(s): review the course";
    } else if (early) {
      text += "sessions missed in the first " + std::to_string(knowledge_.missed_early_weeks) +
              " weeks: continue the current schedule (" + FrequencyWords(stage) + ").";
      basis_.Cite(knowledge_.missed_early_citation_ids);
      if (summary.empty()) summary = "missed session(s) in the first 4 weeks: continue " + FrequencyWords(stage);
    } else {
      basis_.Cite(knowledge_.missed_later_citation_ids);
      // Worsening: the score after the gap against the last one before it.
      std::optional<ScoreReading> before = LatestScoreBetween(patient_, knowledge_.madrs_total,
                                                              std::nullopt, gap.from);
      std::optional<ScoreReading> after =
          LatestScoreBetween(patient_, knowledge_.madrs_total, gap.from, today_);
      const char* scale = "MADRS";
      if (!before || !after) {
        before = LatestScoreBetween(patient_, knowledge_.phq9_total, std::nullopt, gap.from);
        after = LatestScoreBetween(patient_, knowledge_.phq9_total, gap.from, today_);
        scale = "PHQ-9";
      }
      const std::string previous_schedule =
          stage.interval_days >= 14 ? "weekly" : "twice a week";
      if (!before || !after) {
        outcome = kUnknown;
        text += "whether depression has worsened cannot be judged without a MADRS or PHQ-9 "
                "before and after the gap; the plan continues the current schedule.";
        basis_.Missing("patient.observations[" + knowledge_.madrs_total.system + "|" +
                           knowledge_.madrs_total.code + "]",
                       "MADRS (or PHQ-9) before and after the missed sessions",
                       "cannot tell whether depression worsened during the gap");
        summary = "missed sessions after week 4: worsening not judged (no scores)";
      } else if (after->value > before->value) {
        text += scale + std::string(" worse (") + sdk::FormatNumber(before->value) + " to " +
                sdk::FormatNumber(after->value) +
                "): consider returning to the previous schedule (" + previous_schedule +
                "), per clinical judgement. The plan keeps the current one until the order "
                "changes it.";
        summary = "missed sessions with worse " + std::string(scale) + ": consider " +
                  previous_schedule + " again";
      } else {
        text += scale + std::string(" not worse (") + sdk::FormatNumber(before->value) + " to " +
                sdk::FormatNumber(after->value) + "): continue the current schedule.";
        if (summary.empty()) summary = "missed sessions after week 4: continue the schedule";
      }
    }
    explanation += (explanation.empty() ? "" : " ") + text;
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kMissedSessions, outcome,
                                     "Missed sessions: " + explanation);
  for (const MissedGap& gap : gaps) {
    const GivenSession& s = course_.given[gap.before];
    sdk::AddInput(c, "Session before the gap", sdk::FormatDate(s.date), SessionPath(s) + ".date");
  }
  sdk::AddInput(c, "Grace days", std::to_string(settings_.missed_session_grace_days),
                "settings.missed_session_grace_days");
  basis_.NeedsAttention(summary, c.explanation());
}

}  // namespace cds::dosing
