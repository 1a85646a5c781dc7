#include "session_calendar.h"

#include <algorithm>

#include "course_record.h"

namespace cds::dosing {
namespace {

using std::chrono::days;

// First week of the period of `phase` that holds `week`.
int PeriodFirstWeek(const CalendarPhase& phase, int week) {
  return phase.first_week + ((week - phase.first_week) / phase.period_weeks) * phase.period_weeks;
}

int PeriodLastWeek(const CalendarPhase& phase, int period_first_week) {
  const int last = period_first_week + phase.period_weeks - 1;
  return phase.last_week ? std::min(last, *phase.last_week) : last;
}

int CountBetween(const std::vector<sdk::Date>& dates, sdk::Date from, sdk::Date until) {
  return static_cast<int>(std::count_if(dates.begin(), dates.end(),
                                        [&](sdk::Date d) { return d >= from && d < until; }));
}

}  // namespace

std::optional<int> Regimen::LastWeek() const {
  if (phases.empty()) return 0;
  return phases.back().last_week;
}

const CalendarPhase* Regimen::PhaseOfWeek(int week) const {
  for (const CalendarPhase& p : phases) {
    if (week >= p.first_week && (!p.last_week || week <= *p.last_week)) return &p;
  }
  return nullptr;
}

std::vector<PlannedSession> PlanSessions(const Regimen& regimen, const CalendarRequest& request) {
  std::vector<PlannedSession> planned;
  const sdk::Date start = request.course_start;
  const sdk::Date from = std::max(start, request.evaluation_date);
  const int first_week = CourseWeek(start, from);
  int last_week = first_week + request.calendar_weeks - 1;
  if (const std::optional<int> regimen_end = regimen.LastWeek()) {
    last_week = std::min(last_week, *regimen_end);
  }
  const sdk::Date horizon_end = WeekStart(start, last_week + 1);

  sdk::Date earliest = from;
  if (!request.given.empty()) {
    earliest = std::max(earliest, request.given.back() + days{request.min_days_between_sessions});
  }

  for (const CalendarPhase& phase : regimen.phases) {
    const int slots = static_cast<int>(phase.session_days.size());
    for (int period = PeriodFirstWeek(phase, std::max(phase.first_week, first_week));
         period <= last_week && (!phase.last_week || period <= *phase.last_week);
         period += phase.period_weeks) {
      const sdk::Date period_begin = WeekStart(start, period);
      const sdk::Date period_end = WeekStart(start, PeriodLastWeek(phase, period) + 1);
      int missing = slots - CountBetween(request.given, period_begin, period_end);
      for (int slot = 0; slot < slots && missing > 0; ++slot) {
        const sdk::Date nominal = period_begin + days{phase.session_days[slot]};
        // A passed slot is left to a later one of the same period while enough remain.
        if (nominal < earliest && slots - slot - 1 >= missing) continue;
        const sdk::Date date = std::max(nominal, earliest);
        if (date >= std::min(period_end, horizon_end)) break;
        planned.push_back(PlannedSession{date, CourseWeek(start, date), phase.phase});
        earliest = date + days{request.min_days_between_sessions};
        --missing;
      }
    }
  }
  return planned;
}

std::vector<std::pair<int, int>> SessionsTooClose(const std::vector<sdk::Date>& dates,
                                                  int min_days) {
  std::vector<std::pair<int, int>> close;
  for (size_t i = 1; i < dates.size(); ++i) {
    if ((dates[i] - dates[i - 1]).count() < min_days) {
      close.emplace_back(static_cast<int>(i - 1), static_cast<int>(i));
    }
  }
  return close;
}

std::vector<CrowdedPeriod> CrowdedPeriods(const Regimen& regimen, sdk::Date course_start,
                                          const std::vector<sdk::Date>& given) {
  std::vector<CrowdedPeriod> crowded;
  int checked_until_week = 0;
  for (sdk::Date date : given) {
    const int week = CourseWeek(course_start, date);
    if (week <= checked_until_week) continue;
    const CalendarPhase* phase = regimen.PhaseOfWeek(week);
    if (phase == nullptr) continue;
    const int first = PeriodFirstWeek(*phase, week);
    const int last = PeriodLastWeek(*phase, first);
    checked_until_week = last;
    const int count =
        CountBetween(given, WeekStart(course_start, first), WeekStart(course_start, last + 1));
    const int allowed = static_cast<int>(phase->session_days.size());
    if (count > allowed)
      crowded.push_back(CrowdedPeriod{phase->phase, first, last, count, allowed});
  }
  return crowded;
}

}  // namespace cds::dosing
