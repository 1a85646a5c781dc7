// The session calendar: a regimen as a sequence of stages counted in sessions given (not in
// weeks since a planned start), the dated sessions still to come, and the checks of a history
// against the same stages (sessions too close, too frequent, or missed).
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_

#include <cds/sdk/clinical.h>

#include <optional>
#include <vector>

namespace cds::dosing {

// One stage of a regimen. A stage with `slot_days` holds more than one session a week, on
// those days of each 7-day week counted from the course anchor (the first session); a stage
// with `interval_days` holds one session every that many days (7 weekly, 14 every 2 weeks),
// each at least that long after the previous.
struct Stage {
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
  // The labelled week the stage begins in (1, 5, 9).
  int first_week = 1;
  // Sessions the stage holds; nullopt for an open-ended stage (TRD maintenance from week 9).
  std::optional<int> sessions;
  std::vector<int> slot_days;
  int interval_days = 0;

  bool SlotBased() const { return !slot_days.empty(); }
  int SessionsPerWeek() const { return SlotBased() ? static_cast<int>(slot_days.size()) : 1; }
  // Longest regular gap between two sessions of the stage, in days.
  int LongestRegularGapDays() const;
};

struct Regimen {
  std::vector<Stage> stages;
  // Weeks from the first session within which the regimen's sessions must fall (MDSI and IV:
  // 4); nullopt when only the session count limits it.
  std::optional<int> max_weeks;

  // Total sessions; nullopt when the last stage is open-ended.
  std::optional<int> TotalSessions() const;
  // Index into `stages` of the stage that holds the `n`-th session (0-based); -1 past the end.
  int StageOfSession(int n) const;
  // Index of the first session of stage `stage`.
  int FirstSessionOfStage(int stage) const;
};

struct PlannedSession {
  sdk::Date date;
  int week = 0;
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
  // Index into Regimen::stages.
  int stage = 0;
};

struct CalendarRequest {
  // The course anchor: the first session given, else the day the first session may be given.
  sdk::Date anchor;
  sdk::Date evaluation_date;
  // Dates of the sessions already given, ascending.
  std::vector<sdk::Date> given;
  // How far ahead to plan, in weeks from the later of the anchor and the evaluation date.
  int calendar_weeks = 0;
  int min_days_between_sessions = 0;
};

// The sessions still to come: the regimen continues from the session after the last one given
// (a course that has not started begins with the first stage), never before the evaluation
// date, at least min_days_between_sessions after the previous session and, within an
// interval stage, at least its interval after it. Slot-based stages use the next slot day.
std::vector<PlannedSession> PlanSessions(const Regimen& regimen, const CalendarRequest& request);

// Labelled week of the `n`-th session (0-based) dated `date`: within a finite stage counted by
// sessions (two a week in induction), within an open stage by days since its first session
// (`open_stage_start`).
int SessionWeek(const Regimen& regimen, int n, sdk::Date date, sdk::Date open_stage_start);

// Pairs of consecutive sessions (indexes into `dates`, ascending) closer than `min_days`.
std::vector<std::pair<int, int>> SessionsTooClose(const std::vector<sdk::Date>& dates,
                                                  int min_days);

// A given session that came sooner than its stage allows: a third session within 7 days in a
// twice-weekly stage, or less than the interval after the previous one in an interval stage
// (the shortest interval the phase allows, `min_open_interval_days`, for an open stage).
struct TooFrequent {
  int session = 0;  // index into the given dates
  int stage = 0;
  int days_since_previous = 0;
  int allowed_days = 0;
};

std::vector<TooFrequent> SessionsTooFrequent(const Regimen& regimen,
                                             const std::vector<sdk::Date>& given,
                                             int min_open_interval_days);

// A gap longer than the stage's regular gap plus `grace_days`: between two given sessions
// (`after` >= 0), or from the last session to the evaluation date (`after` == -1, the next
// session is overdue).
struct MissedGap {
  // Index of the session before the gap.
  int before = 0;
  // Index of the session after it; -1 while the next session is still overdue.
  int after = -1;
  int stage = 0;
  sdk::Date from;
  sdk::Date until;
  int days = 0;
  int regular_days = 0;
};

std::vector<MissedGap> MissedGaps(const Regimen& regimen, const std::vector<sdk::Date>& given,
                                  sdk::Date evaluation_date, int grace_days);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_
