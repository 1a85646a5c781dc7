// The session calendar: stages counted in sessions given, intervals of at least 7 or 14 days,
// catching up after missed sessions, and dates across month ends, year ends and daylight-saving
// changes.
#include "session_calendar.h"

#include <gtest/gtest.h>

#include "course_record.h"
#include "dosing_requests.h"

namespace cds::dosing {
namespace {

using std::chrono::days;
using testing::D;

Stage Slots(cds::v1::DosingPhase phase, int first_week, std::optional<int> sessions,
            std::vector<int> slot_days) {
  Stage s;
  s.phase = phase;
  s.first_week = first_week;
  s.sessions = sessions;
  s.slot_days = std::move(slot_days);
  return s;
}

Stage Every(cds::v1::DosingPhase phase, int first_week, std::optional<int> sessions, int days) {
  Stage s;
  s.phase = phase;
  s.first_week = first_week;
  s.sessions = sessions;
  s.interval_days = days;
  return s;
}

// The label's TRD regimen with maintenance from week 9 every `open_interval_days`.
Regimen Trd(int open_interval_days) {
  return Regimen{{Slots(cds::v1::DOSING_PHASE_INDUCTION, 1, 8, {0, 3}),
                  Every(cds::v1::DOSING_PHASE_MAINTENANCE, 5, 4, 7),
                  Every(cds::v1::DOSING_PHASE_MAINTENANCE, 9, std::nullopt, open_interval_days)},
                 std::nullopt};
}

CalendarRequest NewCourse(const char* start, int weeks = 12) {
  CalendarRequest r;
  r.anchor = D(start);
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

int Gap(const std::vector<PlannedSession>& s, size_t i) {
  return static_cast<int>((s[i].date - s[i - 1].date).count());
}

TEST(SessionCalendar, CourseWeekCountsSevenDayWeeksFromTheStart) {
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-02")), 1);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-08")), 1);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-09")), 2);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-03-01")), 0);
  EXPECT_EQ(CourseWeek(D("2026-03-02"), D("2026-02-22")), -1);
}

TEST(SessionCalendar, TwelveWeekTrdPlanHasEightInductionAndSixMaintenanceSessions) {
  const auto planned = PlanSessions(Trd(14), NewCourse("2026-03-02"));
  ASSERT_EQ(planned.size(), 14u);
  for (size_t i = 0; i < planned.size(); ++i) {
    EXPECT_EQ(planned[i].phase, i < 8 ? cds::v1::DOSING_PHASE_INDUCTION
                                      : cds::v1::DOSING_PHASE_MAINTENANCE)
        << i;
  }
}

TEST(SessionCalendar, InductionEndsWithSessionEightInWeekFourAndWeekFiveStartsTheNextMonday) {
  const auto planned = PlanSessions(Trd(14), NewCourse("2026-03-02"));
  ASSERT_GE(planned.size(), 9u);
  EXPECT_EQ(sdk::FormatDate(planned[7].date), "2026-03-26");
  EXPECT_EQ(planned[7].week, 4);
  EXPECT_EQ(sdk::FormatDate(planned[8].date), "2026-03-30");
  EXPECT_EQ(planned[8].week, 5);
  EXPECT_EQ(planned[8].stage, 1);
}

TEST(SessionCalendar, EveryTwoWeeksIsAlwaysFourteenDaysAndNeverSeven) {
  const auto planned = PlanSessions(Trd(14), NewCourse("2026-03-02", 52));
  int open = 0;
  for (size_t i = 1; i < planned.size(); ++i) {
    if (planned[i].stage == 2 && planned[i - 1].stage == 2) {
      EXPECT_EQ(Gap(planned, i), 14) << sdk::FormatDate(planned[i].date);
      ++open;
    }
  }
  EXPECT_GT(open, 10);
  // Week 8 to week 9 is one week; week 9, 11, 13 follow.
  EXPECT_EQ(sdk::FormatDate(planned[12].date), "2026-04-27");
  EXPECT_EQ(planned[12].week, 9);
  EXPECT_EQ(planned[13].week, 11);
}

TEST(SessionCalendar, WeeklyMaintenanceFromWeekNineIsSevenDaysApart) {
  const auto planned = PlanSessions(Trd(7), NewCourse("2026-03-02", 20));
  for (size_t i = 9; i < planned.size(); ++i) EXPECT_EQ(Gap(planned, i), 7) << i;
  EXPECT_EQ(planned.back().stage, 2);
}

TEST(SessionCalendar, CourseWithNoSessionStartsWithInductionWhateverTheDate) {
  // A course planned 12 weeks ago that never started: the anchor is today (course_record.h),
  // and the plan is induction, never maintenance.
  CalendarRequest r = NewCourse("2026-05-25");
  const auto planned = PlanSessions(Trd(14), r);
  ASSERT_FALSE(planned.empty());
  EXPECT_EQ(planned.front().phase, cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(planned.front().week, 1);
  EXPECT_EQ(sdk::FormatDate(planned.front().date), "2026-05-25");
}

TEST(SessionCalendar, MissedFortnightInInductionIsFollowedByTheInductionSessionsStillOwed) {
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-02"), D("2026-03-05"), D("2026-03-09")};
  r.evaluation_date = D("2026-03-23");  // two weeks without a session
  const auto planned = PlanSessions(Trd(14), r);
  ASSERT_GE(planned.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(planned[i].phase, cds::v1::DOSING_PHASE_INDUCTION) << i;
  EXPECT_EQ(sdk::FormatDate(planned[0].date), "2026-03-23");
  EXPECT_EQ(planned[0].week, 2);  // session 4 belongs to induction week 2
  EXPECT_EQ(planned[5].stage, 1);
}

TEST(SessionCalendar, MissedFortnightInWeeksFiveToEightResumesWeeklyFromToday) {
  CalendarRequest r = NewCourse("2026-03-02");
  for (int i = 0; i < 4; ++i) {
    r.given.push_back(D("2026-03-02") + days{7 * i});
    r.given.push_back(D("2026-03-05") + days{7 * i});
  }
  r.given.push_back(D("2026-03-30"));
  r.evaluation_date = D("2026-04-20");
  const auto planned = PlanSessions(Trd(14), r);
  ASSERT_GE(planned.size(), 4u);
  EXPECT_EQ(sdk::FormatDate(planned[0].date), "2026-04-20");
  EXPECT_EQ(planned[0].week, 6);
  EXPECT_EQ(Gap(planned, 1), 7);
  EXPECT_EQ(planned[3].stage, 2);  // after the 3 weekly sessions still owed
}

TEST(SessionCalendar, MissedFortnightInMaintenanceResumesEveryTwoWeeksFromToday) {
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-02"), D("2026-03-05"), D("2026-03-09"), D("2026-03-12"),
             D("2026-03-16"), D("2026-03-19"), D("2026-03-23"), D("2026-03-26"),
             D("2026-03-30"), D("2026-04-06"), D("2026-04-13"), D("2026-04-20"),
             D("2026-04-27")};
  r.evaluation_date = D("2026-05-25");
  const auto planned = PlanSessions(Trd(14), r);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(sdk::FormatDate(planned[0].date), "2026-05-25");
  EXPECT_EQ(Gap(planned, 1), 14);
  EXPECT_EQ(planned[0].week, 13);
}

TEST(SessionCalendar, DatesRunAcrossTheEndOfAMonthAndAYear) {
  const auto planned = PlanSessions(Trd(14), NewCourse("2026-12-28", 2));
  EXPECT_EQ(Dates(planned),
            (std::vector<std::string>{"2026-12-28", "2026-12-31", "2027-01-04", "2027-01-07"}));
}

TEST(SessionCalendar, DatesRunAcrossFebruaryInALeapYear) {
  const auto planned = PlanSessions(Trd(14), NewCourse("2028-02-21", 2));
  EXPECT_EQ(Dates(planned),
            (std::vector<std::string>{"2028-02-21", "2028-02-24", "2028-02-28", "2028-03-02"}));
}

TEST(SessionCalendar, DaylightSavingChangesDoNotMoveAWeeklySession) {
  // Europe changes on 2026-03-29 and 2026-10-25, the US on 2026-03-08 and 2026-11-01: the
  // calendar counts days, so every weekly session stays on its weekday across them.
  for (const char* start : {"2026-02-02", "2026-09-07"}) {
    const auto planned = PlanSessions(Trd(7), NewCourse(start, 20));
    for (size_t i = 9; i < planned.size(); ++i) {
      EXPECT_EQ(Gap(planned, i), 7) << start << " " << sdk::FormatDate(planned[i].date);
      EXPECT_EQ(std::chrono::weekday(planned[i].date), std::chrono::weekday(D(start)));
    }
  }
}

TEST(SessionCalendar, EveryPlannedSessionKeepsTheMinimumGap) {
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-04")};
  r.anchor = D("2026-03-04");
  r.evaluation_date = D("2026-03-05");
  const auto planned = PlanSessions(Trd(14), r);
  ASSERT_FALSE(planned.empty());
  EXPECT_GE((planned[0].date - D("2026-03-04")).count(), 2);
  for (size_t i = 1; i < planned.size(); ++i) EXPECT_GE(Gap(planned, i), 2);
}

TEST(SessionCalendar, MdsiPlansEightSessionsWithinFourWeeksOfTheFirst) {
  const Regimen mdsi{{Slots(cds::v1::DOSING_PHASE_MDSI, 1, 8, {0, 3})}, 4};
  EXPECT_EQ(PlanSessions(mdsi, NewCourse("2026-03-02")).size(), 8u);
  // Two sessions missed: the course still ends 4 weeks after its first session.
  CalendarRequest r = NewCourse("2026-03-02");
  r.given = {D("2026-03-02"), D("2026-03-05")};
  r.evaluation_date = D("2026-03-16");
  const auto planned = PlanSessions(mdsi, r);
  ASSERT_FALSE(planned.empty());
  EXPECT_LT(planned.back().date, D("2026-03-30"));
  EXPECT_EQ(planned.size(), 4u);
}

TEST(SessionCalendar, ThreeInfusionsAWeekFallOnDaysZeroTwoAndFour) {
  const Regimen iv{{Slots(cds::v1::DOSING_PHASE_INFUSION_COURSE, 1, 12, {0, 2, 4})}, 4};
  const auto planned = PlanSessions(iv, NewCourse("2026-03-02", 1));
  EXPECT_EQ(Dates(planned), (std::vector<std::string>{"2026-03-02", "2026-03-04", "2026-03-06"}));
}

TEST(SessionCalendar, TooCloseFindsSessionsUnderTheGap) {
  const auto close = SessionsTooClose({D("2026-03-02"), D("2026-03-03"), D("2026-03-06")}, 2);
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0], std::make_pair(0, 1));
}

TEST(SessionCalendar, ThirdSessionWithinSevenDaysOfInductionIsTooFrequent) {
  const auto found =
      SessionsTooFrequent(Trd(14), {D("2026-03-02"), D("2026-03-04"), D("2026-03-08")}, 7);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].session, 2);
  // Day 7 is the next week: not too frequent.
  EXPECT_TRUE(
      SessionsTooFrequent(Trd(14), {D("2026-03-02"), D("2026-03-05"), D("2026-03-09")}, 7).empty());
}

std::vector<sdk::Date> FullInductionAndWeeksFiveToEight() {
  std::vector<sdk::Date> given;
  for (int i = 0; i < 4; ++i) {
    given.push_back(D("2026-03-02") + days{7 * i});
    given.push_back(D("2026-03-05") + days{7 * i});
  }
  for (int i = 0; i < 4; ++i) given.push_back(D("2026-03-30") + days{7 * i});
  return given;
}

TEST(SessionCalendar, WeeklyMaintenanceFromWeekNineIsNotTooFrequentButSixDaysIs) {
  std::vector<sdk::Date> given = FullInductionAndWeeksFiveToEight();
  given.push_back(D("2026-04-27"));
  given.push_back(D("2026-05-04"));  // weekly from week 9: allowed
  EXPECT_TRUE(SessionsTooFrequent(Trd(14), given, 7).empty());
  given.push_back(D("2026-05-10"));  // 6 days
  const auto found = SessionsTooFrequent(Trd(14), given, 7);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].days_since_previous, 6);
  EXPECT_EQ(found[0].allowed_days, 7);
}

TEST(SessionCalendar, SixDaysApartInWeeksFiveToEightIsTooFrequent) {
  std::vector<sdk::Date> given = FullInductionAndWeeksFiveToEight();
  given.resize(9);
  given.push_back(D("2026-04-05"));
  const auto found = SessionsTooFrequent(Trd(14), given, 7);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].session, 9);
}

TEST(SessionCalendar, MissedGapInInductionIsFoundAtRegularGapPlusGraceAndNotBefore) {
  // Induction's regular gap is 4 days (Thursday to Monday); grace 2: 6 days is late, 7 missed.
  EXPECT_TRUE(MissedGaps(Trd(14), {D("2026-03-02"), D("2026-03-08")}, D("2026-03-08"), 2).empty());
  const auto gaps = MissedGaps(Trd(14), {D("2026-03-02"), D("2026-03-09")}, D("2026-03-09"), 2);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].days, 7);
  EXPECT_EQ(gaps[0].regular_days, 4);
  EXPECT_EQ(gaps[0].stage, 0);
  EXPECT_EQ(gaps[0].after, 1);
}

TEST(SessionCalendar, OverdueNextSessionIsAMissedGapUntilTheEvaluationDate) {
  const auto gaps = MissedGaps(Trd(14), {D("2026-03-02")}, D("2026-03-09"), 2);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].after, -1);
  EXPECT_EQ(gaps[0].days, 7);
}

TEST(SessionCalendar, EveryTwoWeeksMaintenanceGapIsMissedFromSeventeenDays) {
  std::vector<sdk::Date> given = FullInductionAndWeeksFiveToEight();
  given.push_back(D("2026-04-27"));
  std::vector<sdk::Date> sixteen = given;
  sixteen.push_back(D("2026-05-13"));
  EXPECT_TRUE(MissedGaps(Trd(14), sixteen, D("2026-05-13"), 2).empty());
  given.push_back(D("2026-05-14"));
  const auto gaps = MissedGaps(Trd(14), given, D("2026-05-14"), 2);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].stage, 2);
  EXPECT_EQ(gaps[0].regular_days, 14);
}

TEST(SessionCalendar, FinishedCourseHasNoOverdueSession) {
  const Regimen mdsi{{Slots(cds::v1::DOSING_PHASE_MDSI, 1, 8, {0, 3})}, 4};
  std::vector<sdk::Date> given;
  for (int i = 0; i < 4; ++i) {
    given.push_back(D("2026-03-02") + days{7 * i});
    given.push_back(D("2026-03-05") + days{7 * i});
  }
  EXPECT_TRUE(MissedGaps(mdsi, given, D("2026-06-01"), 2).empty());
}

}  // namespace
}  // namespace cds::dosing
