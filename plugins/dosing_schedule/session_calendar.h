// The session calendar: a regimen's phases laid out on course weeks, the dated sessions still
// to come (from the later of the course start and the evaluation date, keeping the minimum gap
// after the sessions already given), and the checks of a history against the same calendar.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_

#include <cds/sdk/clinical.h>

#include <optional>
#include <vector>

namespace cds::dosing {

// One phase as the calendar uses it: each period of `period_weeks` weeks holds one session per
// entry of `session_days`, on those days after the period's first day.
struct CalendarPhase {
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
  int first_week = 1;
  // nullopt: open-ended.
  std::optional<int> last_week;
  int period_weeks = 1;
  std::vector<int> session_days;
};

// The phases of one regimen, in week order.
struct Regimen {
  std::vector<CalendarPhase> phases;

  // Last week of the regimen; nullopt when its last phase is open-ended.
  std::optional<int> LastWeek() const;
  // The phase a course week falls in; nullptr before week 1 or after the regimen ends.
  const CalendarPhase* PhaseOfWeek(int week) const;
};

struct PlannedSession {
  sdk::Date date;
  int week = 0;
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
};

struct CalendarRequest {
  sdk::Date course_start;
  sdk::Date evaluation_date;
  // Dates of the sessions already given, ascending.
  std::vector<sdk::Date> given;
  int calendar_weeks = 0;
  int min_days_between_sessions = 0;
};

// The sessions still to come within `calendar_weeks` course weeks, counted from the week that
// holds the later of the course start and the evaluation date (and never past the regimen's
// end). A period that already holds given sessions gets only the ones it still lacks. A slot
// whose day has passed, or that would fall within the minimum gap of the previous session,
// moves to the first day that keeps the gap, if that day is still inside its period; otherwise
// the period loses that session.
std::vector<PlannedSession> PlanSessions(const Regimen& regimen, const CalendarRequest& request);

// Pairs of consecutive sessions (indexes into `dates`, ascending) closer than `min_days`.
std::vector<std::pair<int, int>> SessionsTooClose(const std::vector<sdk::Date>& dates,
                                                  int min_days);

// A period of the regimen that holds more given sessions than the phase allows.
struct CrowdedPeriod {
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
  int first_week = 0;
  int last_week = 0;
  int sessions = 0;
  int allowed = 0;
};

std::vector<CrowdedPeriod> CrowdedPeriods(const Regimen& regimen, sdk::Date course_start,
                                          const std::vector<sdk::Date>& given);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_SESSION_CALENDAR_H_
