// The session calendar: phase boundaries, spacing, catching up after missed slots, and dates
// across month and year ends.
#include "session_calendar.h"

#include <gtest/gtest.h>

#include "course_record.h"
#include "dosing_requests.h"

namespace cds::dosing {
namespace {

using testing::D;

CalendarPhase Phase(cds::v1::DosingPhase phase, int first, std::optional<int> last, int period,
                    std::vector<int> days) {
  return CalendarPhase{phase, first, last, period, std::move(days)};
}

Regimen Trd(int maintenance_period_weeks) {
  return Regimen{
      {Phase(cds::v1::DOSING_PHASE_INDUCTION, 1, 4, 1, {0, 3}),
       Phase(cds::v1::DOSING_PHASE_OPTIMISATION, 5, 8, 1, {0}),
       Phase(cds::v1::DOSING_PHASE_MAINTENANCE, 9, std::nullopt, maintenance_period_weeks, {0})}};
}

CalendarRequest NewCourse(const char* start, int weeks = 12) {
  CalendarRequest r;
  r.course_start = D(start);
  r.evaluation_date = D(start);
  r.calendar_weeks = weeks;
  r.min_days_between_sessions = 2;
  return r;
}

std::vector<std::string> Dates(const std::vector<PlannedSession>& sessions) {
  std::vector<std::string> out;
  for (const PlannedSession& s : sessions) out.push_back(sdk::FormatDate(s.date));
  return out;
}

const PlannedSession& SessionOn(const std::vector<PlannedSession>& sessions, const char* date) {
  for (const PlannedSession& s : sessions) {
    if (s.date == D(date)) return s;
  }
  throw std::runtime_error(std::string("no session on ") + date);
}

TEST(SessionCalendar, CourseWeekCountsSevenDayWeeksFromTheStart) {
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-02")), 1);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-08")), 1);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-09")), 2);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-01")), 0);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-02-22")), -1);
}

TEST(SessionCalendar, TwelveWeekTrdPlanHasEightInductionFourOptimisationAndTwoMaintenanceSessions) {
  const auto planned = PlanSessions(Trd(2), NewCourse("2026-03-02"));
  ASSERT_EQ(planned.size(), 14u);
  int induction = 0, optimisation = 0, maintenance = 0;
  for (const PlannedSession& s : planned) {
    induction += s.phase == cds::v1::DOSING_PHASE_INDUCTION;
    optimisation += s.phase == cds::v1::DOSING_PHASE_OPTIMISATION;
    maintenance += s.phase == cds::v1::DOSING_PHASE_MAINTENANCE;
  }
  EXPECT_EQ(induction, 8);
  EXPECT_EQ(optimisation, 4);
  EXPECT_EQ(maintenance, 2);
}

TEST(SessionCalendar, InductionEndsInWeekFourAndOptimisationStartsInWeekFive) {
  const auto planned = PlanSessions(Trd(2), NewCourse("2026-03-02"));
  const PlannedSession& last_induction = SessionOn(planned, "2026-03-26");  // week 4, day 3
  EXPECT_EQ(last_induction.week, 4);
  EXPECT_EQ(last_induction.phase, cds::v1::DOSING_PHASE_INDUCTION);
  const PlannedSession& first_optimisation = SessionOn(planned, "2026-03-30");  // week 5, day 0
  EXPECT_EQ(first_optimisation.week, 5);
  EXPECT_EQ(first_optimisation.phase, cds::v1::DOSING_PHASE_OPTIMISATION);
  // Week 5 is weekly: no Thursday session.
  for (const PlannedSession& s : planned) EXPECT_NE(s.date, D("2026-04-02"));
}

TEST(SessionCalendar, OptimisationEndsInWeekEightAndMaintenanceStartsInWeekNine) {
  const auto planned = PlanSessions(Trd(2), NewCourse("2026-03-02"));
  const PlannedSession& last_optimisation = SessionOn(planned, "2026-04-20");
  EXPECT_EQ(last_optimisation.week, 8);
  EXPECT_EQ(last_optimisation.phase, cds::v1::DOSING_PHASE_OPTIMISATION);
  const PlannedSession& first_maintenance = SessionOn(planned, "2026-04-27");
  EXPECT_EQ(first_maintenance.week, 9);
  EXPECT_EQ(first_maintenance.phase, cds::v1::DOSING_PHASE_MAINTENANCE);
  // Every two weeks: weeks 9 and 11, nothing in weeks 10 and 12.
  EXPECT_EQ(SessionOn(planned, "2026-05-11").week, 11);
  EXPECT_EQ(planned.back().date, D("2026-05-11"));
}

TEST(SessionCalendar, WeeklyMaintenancePlansOneSessionEveryWeekFromWeekNine) {
  const auto planned = PlanSessions(Trd(1), NewCourse("2026-03-02"));
  ASSERT_EQ(planned.size(), 16u);
  EXPECT_EQ(Dates(planned).back(), "2026-05-18");
  EXPECT_EQ(SessionOn(planned, "2026-05-04").week, 10);
}

TEST(SessionCalendar, DatesRunAcrossTheEndOfAMonthAndAYear) {
  const auto planned = PlanSessions(Trd(2), NewCourse("2026-12-21", 3));
  EXPECT_EQ(Dates(planned), (std::vector<std::string>{"2026-12-21", "2026-12-24", "2026-12-28",
                                                      "2026-12-31", "2027-01-04", "2027-01-07"}));
  EXPECT_EQ(planned[4].week, 3);
}

TEST(SessionCalendar, DatesRunAcrossFebruaryInALeapYear) {
  const auto planned = PlanSessions(Trd(2), NewCourse("2028-02-24", 1));
  EXPECT_EQ(Dates(planned), (std::vector<std::string>{"2028-02-24", "2028-02-27"}));
  const auto next = PlanSessions(Trd(2), NewCourse("2028-02-26", 1));
  EXPECT_EQ(Dates(next), (std::vector<std::string>{"2028-02-26", "2028-02-29"}));
}

TEST(SessionCalendar, EveryPlannedSessionKeepsTheMinimumGap) {
  for (int gap = 1; gap <= 3; ++gap) {
    CalendarRequest r = NewCourse("2026-03-02", 12);
    r.min_days_between_sessions = gap;
    r.evaluation_date = D("2026-03-12");  // mid-week 2, after a session on the 11th
    r.given = {D("2026-03-02"), D("2026-03-05"), D("2026-03-11")};
    const auto planned = PlanSessions(Trd(2), r);
    ASSERT_FALSE(planned.empty());
    EXPECT_GE((planned.front().date - r.given.back()).count(), gap) << "gap " << gap;
    for (size_t i = 1; i < planned.size(); ++i) {
      EXPECT_GE((planned[i].date - planned[i - 1].date).count(), gap) << "gap " << gap;
    }
  }
}

TEST(SessionCalendar, PeriodWithOneGivenSessionGetsOnlyTheOneItLacks) {
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-02"), D("2026-03-05"), D("2026-03-09")};  // week 2 Monday given
  r.evaluation_date = D("2026-03-10");
  const auto planned = PlanSessions(Trd(2), r);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(planned[0].date, D("2026-03-12"));  // week 2 Thursday, not Wednesday
  EXPECT_EQ(planned[1].date, D("2026-03-16"));  // week 3 Monday
}

TEST(SessionCalendar, MissedSlotMovesToTheFirstDayThatKeepsTheGap) {
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-02"), D("2026-03-05")};
  r.evaluation_date = D("2026-03-10");  // week 2 Monday passed without a session
  const auto planned = PlanSessions(Trd(2), r);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(planned[0].date, D("2026-03-10"));
  EXPECT_EQ(planned[1].date, D("2026-03-12"));
}

TEST(SessionCalendar, CourseStartingLaterIsPlannedFromItsStart) {
  CalendarRequest r = NewCourse("2026-03-09", 1);
  r.evaluation_date = D("2026-03-04");
  EXPECT_EQ(Dates(PlanSessions(Trd(2), r)), (std::vector<std::string>{"2026-03-09", "2026-03-12"}));
}

TEST(SessionCalendar, FourWeekRegimenPlansNothingPastItsLastWeek) {
  const Regimen mdsi{{Phase(cds::v1::DOSING_PHASE_MDSI, 1, 4, 1, {0, 3})}};
  EXPECT_EQ(PlanSessions(mdsi, NewCourse("2026-03-02", 12)).size(), 8u);
  CalendarRequest late = NewCourse("2026-03-02", 12);
  late.evaluation_date = D("2026-04-06");  // week 6
  EXPECT_TRUE(PlanSessions(mdsi, late).empty());
}

TEST(SessionCalendar, ThreeInfusionsAWeekFallOnDaysZeroTwoAndFour) {
  const Regimen iv{{Phase(cds::v1::DOSING_PHASE_INFUSION_COURSE, 1, 4, 1, {0, 2, 4})}};
  const auto planned = PlanSessions(iv, NewCourse("2026-03-02", 1));
  EXPECT_EQ(Dates(planned), (std::vector<std::string>{"2026-03-02", "2026-03-04", "2026-03-06"}));
}

TEST(SessionCalendar, TooCloseFindsSessionsUnderTheGap) {
  const std::vector<sdk::Date> dates = {D("2026-03-02"), D("2026-03-03"), D("2026-03-05")};
  const auto close = SessionsTooClose(dates, 2);
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0], std::make_pair(0, 1));
}

TEST(SessionCalendar, CrowdedPeriodsFindsThreeSessionsInAnInductionWeekAndTwoInMaintenance) {
  const std::vector<sdk::Date> given = {D("2026-03-02"), D("2026-03-04"), D("2026-03-06"),
                                        D("2026-04-27"), D("2026-05-04")};
  const auto crowded = CrowdedPeriods(Trd(2), D("2026-03-02"), given);
  ASSERT_EQ(crowded.size(), 2u);
  EXPECT_EQ(crowded[0].phase, cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(crowded[0].sessions, 3);
  EXPECT_EQ(crowded[0].allowed, 2);
  EXPECT_EQ(crowded[1].phase, cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(crowded[1].first_week, 9);
  EXPECT_EQ(crowded[1].last_week, 10);
}

}  // namespace
}  // namespace cds::dosing
