#include "session_calendar.h"

#include <algorithm>

namespace cds::dosing {
namespace {

using std::chrono::days;

int DaysBetween(sdk::Date from, sdk::Date until) {
  return static_cast<int>((until - from).count());
}

// Day of the 7-day course week (0-6) that `date` falls on, counted from `anchor`.
int WeekDay(sdk::Date anchor, sdk::Date date) {
  const int d = DaysBetween(anchor, date) % 7;
  return d < 0 ? d + 7 : d;
}

// First slot day of `stage` on or after `earliest`.
sdk::Date NextSlot(const Stage& stage, sdk::Date anchor, sdk::Date earliest) {
  for (int step = 0; step < 7; ++step) {
    const sdk::Date day = earliest + days{step};
    const int wd = WeekDay(anchor, day);
    if (std::find(stage.slot_days.begin(), stage.slot_days.end(), wd) != stage.slot_days.end()) {
      return day;
    }
  }
  return earliest;
}

}  // namespace

int Stage::LongestRegularGapDays() const {
  if (!SlotBased()) return interval_days;
  int longest = 0;
  for (size_t i = 0; i < slot_days.size(); ++i) {
    const int next = i + 1 < slot_days.size() ? slot_days[i + 1] : slot_days.front() + 7;
    longest = std::max(longest, next - slot_days[i]);
  }
  return longest;
}

std::optional<int> Regimen::TotalSessions() const {
  int total = 0;
  for (const Stage& s : stages) {
    if (!s.sessions) return std::nullopt;
    total += *s.sessions;
  }
  return total;
}

int Regimen::StageOfSession(int n) const {
  int first = 0;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (!stages[i].sessions || n < first + *stages[i].sessions) return static_cast<int>(i);
    first += *stages[i].sessions;
  }
  return -1;
}

int Regimen::FirstSessionOfStage(int stage) const {
  int first = 0;
  for (int i = 0; i < stage; ++i) first += stages[i].sessions.value_or(0);
  return first;
}

int SessionWeek(const Regimen& regimen, int n, sdk::Date date, sdk::Date open_stage_start) {
  const int index = regimen.StageOfSession(n);
  if (index < 0) {
    // Past the regimen: one week after the last labelled week per session over.
    const Stage& last = regimen.stages.back();
    const int last_week = last.first_week + (last.sessions.value_or(1) - 1) / last.SessionsPerWeek();
    return last_week + 1 + (n - regimen.TotalSessions().value_or(n)) / last.SessionsPerWeek();
  }
  const Stage& stage = regimen.stages[index];
  if (!stage.sessions) {
    return stage.first_week + std::max(0, DaysBetween(open_stage_start, date)) / 7;
  }
  return stage.first_week + (n - regimen.FirstSessionOfStage(index)) / stage.SessionsPerWeek();
}

std::vector<PlannedSession> PlanSessions(const Regimen& regimen, const CalendarRequest& request) {
  std::vector<PlannedSession> planned;
  if (regimen.stages.empty()) return planned;
  const sdk::Date from = std::max(request.anchor, request.evaluation_date);
  const sdk::Date horizon_end = from + days{7 * request.calendar_weeks};
  const std::optional<int> total = regimen.TotalSessions();
  const sdk::Date first_session = request.given.empty() ? request.anchor : request.given.front();
  // Without a week limit the course never ends by date.
  const sdk::Date course_end =
      regimen.max_weeks ? first_session + days{7 * *regimen.max_weeks} : sdk::Date::max();

  int n = static_cast<int>(request.given.size());
  std::optional<sdk::Date> previous;
  if (!request.given.empty()) previous = request.given.back();
  int previous_stage = previous ? regimen.StageOfSession(n - 1) : -1;
  // The open stage's weeks count from its first session, given or planned.
  std::optional<sdk::Date> open_start;
  for (int i = 0; i < n; ++i) {
    const int s = regimen.StageOfSession(i);
    if (s >= 0 && !regimen.stages[s].sessions) {
      open_start = request.given[i];
      break;
    }
  }

  while (!total || n < *total) {
    const int stage_index = regimen.StageOfSession(n);
    if (stage_index < 0) break;
    const Stage& stage = regimen.stages[stage_index];
    sdk::Date earliest = from;
    if (previous) {
      // After a session of an interval stage the next waits its interval (week 8 to week 9 is
      // a week); after a slot-based one, the minimum gap and the next slot or course weekday.
      const Stage& previous_of = regimen.stages[std::max(previous_stage, 0)];
      const int gap = previous_stage >= 0 && !previous_of.SlotBased()
                          ? std::max(previous_of.interval_days, request.min_days_between_sessions)
                          : request.min_days_between_sessions;
      earliest = std::max(earliest, *previous + days{gap});
    }
    // A slot-based stage uses its slot days; the first session of an interval stage after a
    // slot-based one keeps the course's weekday (week 5 begins where week 4 did).
    const bool align = stage.SlotBased() || (previous_stage >= 0 && stage_index != previous_stage &&
                                             regimen.stages[previous_stage].SlotBased());
    sdk::Date date = earliest;
    if (stage.SlotBased()) {
      date = NextSlot(stage, request.anchor, earliest);
    } else if (align) {
      date = earliest + days{(7 - WeekDay(request.anchor, earliest)) % 7};
    }
    if (date >= horizon_end || date >= course_end) break;
    if (!stage.sessions && !open_start) open_start = date;
    planned.push_back(PlannedSession{date, SessionWeek(regimen, n, date, open_start.value_or(date)),
                                     stage.phase, stage_index});
    previous = date;
    previous_stage = stage_index;
    ++n;
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

std::vector<TooFrequent> SessionsTooFrequent(const Regimen& regimen,
                                             const std::vector<sdk::Date>& given,
                                             int min_open_interval_days) {
  std::vector<TooFrequent> out;
  for (size_t i = 1; i < given.size(); ++i) {
    const int stage_index = regimen.StageOfSession(static_cast<int>(i));
    if (stage_index < 0) continue;
    const Stage& stage = regimen.stages[stage_index];
    const int since_previous = DaysBetween(given[i - 1], given[i]);
    if (stage.SlotBased()) {
      // More than the stage's sessions a week: the session that many back is within 7 days.
      const size_t per_week = stage.slot_days.size();
      if (i >= per_week && DaysBetween(given[i - per_week], given[i]) < 7) {
        out.push_back(TooFrequent{static_cast<int>(i), stage_index,
                                  DaysBetween(given[i - per_week], given[i]), 7});
      }
      continue;
    }
    // The first weekly session after induction only keeps the minimum gap (SessionsTooClose).
    const int previous_stage = regimen.StageOfSession(static_cast<int>(i) - 1);
    if (regimen.stages[previous_stage].SlotBased()) continue;
    const int allowed = stage.sessions ? stage.interval_days : min_open_interval_days;
    if (since_previous < allowed) {
      out.push_back(TooFrequent{static_cast<int>(i), stage_index, since_previous, allowed});
    }
  }
  return out;
}

std::vector<MissedGap> MissedGaps(const Regimen& regimen, const std::vector<sdk::Date>& given,
                                  sdk::Date evaluation_date, int grace_days) {
  std::vector<MissedGap> out;
  if (given.empty()) return out;
  const std::optional<int> total = regimen.TotalSessions();
  const sdk::Date course_end =
      regimen.max_weeks ? given.front() + days{7 * *regimen.max_weeks} : sdk::Date::max();
  auto check = [&](int before, int after, sdk::Date until) {
    const int next = before + 1;
    const int stage_index = regimen.StageOfSession(next);
    if (stage_index < 0) return;
    const Stage& stage = regimen.stages[stage_index];
    // Entering a new stage, its own regular gap applies (week 4 to week 5 may take a week).
    const int regular = std::max(stage.LongestRegularGapDays(),
                                 regimen.stages[regimen.StageOfSession(before)].LongestRegularGapDays());
    const int gap = DaysBetween(given[before], until);
    if (gap > regular + grace_days) {
      out.push_back(MissedGap{before, after, stage_index, given[before], until, gap, regular});
    }
  };
  for (size_t i = 1; i < given.size(); ++i) {
    check(static_cast<int>(i - 1), static_cast<int>(i), given[i]);
  }
  const int count = static_cast<int>(given.size());
  const bool finished = (total && count >= *total) || evaluation_date >= course_end;
  if (!finished) check(count - 1, -1, evaluation_date);
  return out;
}

}  // namespace cds::dosing
