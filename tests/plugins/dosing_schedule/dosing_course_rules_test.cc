// The calendar a clinic lives (issue 12), one test per rule at its boundary: course time from
// sessions given, missed sessions in each phase, the patient's maintenance frequency, hepatic
// impairment, the EU-type label's MDSI age and maintenance dose, the IV monitoring plan, review
// point and weight limit, draft orders, and the label's phase names.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dosing_requests.h"
#include "dosing_schedule_service.h"

namespace cds::dosing {
namespace {

using nlohmann::json;
using testing::Request;
constexpr auto kMet = cds::v1::CRITERION_OUTCOME_MET;
constexpr auto kNotMet = cds::v1::CRITERION_OUTCOME_NOT_MET;
constexpr auto kUnknown = cds::v1::CRITERION_OUTCOME_UNKNOWN;
constexpr auto kNotApplicable = cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;
constexpr const char* kEsketamineRxNorm = "2107304";
constexpr const char* kKetamineRxNorm = "6130";

cds::v1::Card Evaluate(const Request& request, const json& settings = json::object()) {
  const DosingScheduleService service(settings);
  cds::plugin::v1::EvaluateOutput output;
  service.Evaluate(request.input(), output);
  EXPECT_EQ(output.cards_size(), 1);
  return output.cards_size() > 0 ? output.cards(0) : cds::v1::Card();
}

const cds::v1::Criterion& CriterionOf(const cds::v1::Card& card, std::string_view id) {
  for (const cds::v1::Criterion& c : card.criteria()) {
    if (c.id() == id) return c;
  }
  ADD_FAILURE() << "no criterion " << id;
  static const cds::v1::Criterion none;
  return none;
}

bool HasCriterion(const cds::v1::Card& card, std::string_view id) {
  return std::any_of(card.criteria().begin(), card.criteria().end(),
                     [&](const cds::v1::Criterion& c) { return c.id() == id; });
}

bool HasMissing(const cds::v1::Card& card, std::string_view path) {
  return std::any_of(card.missing_inputs().begin(), card.missing_inputs().end(),
                     [&](const cds::v1::MissingInput& m) { return m.path() == path; });
}

bool Cites(const cds::v1::Card& card, std::string_view id) {
  return std::any_of(card.citations().begin(), card.citations().end(),
                     [&](const cds::v1::Citation& c) { return c.id() == id; });
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<const cds::v1::ScheduledSession*> Planned(const cds::v1::Card& card) {
  std::vector<const cds::v1::ScheduledSession*> out;
  for (const auto& s : card.dosing_schedule().sessions()) {
    if (!s.given()) out.push_back(&s);
  }
  return out;
}

int DaysBetween(const std::string& a, const std::string& b) {
  return static_cast<int>((testing::D(b.c_str()) - testing::D(a.c_str())).count());
}

const std::string kMadrsPath =
    "patient.observations[https://cdsd.dev/fhir/CodeSystem/observation|madrs-total]";

// Adds the 8 induction sessions (Mon/Thu from 2026-03-02) and `weekly` sessions of weeks 5-8.
Request& FullInduction(Request& r, int weekly = 0, double dose = 56) {
  const char* induction[] = {"2026-03-02", "2026-03-05", "2026-03-09", "2026-03-12",
                             "2026-03-16", "2026-03-19", "2026-03-23", "2026-03-26"};
  for (const char* date : induction) r.Session(date, dose);
  const char* weeks5to8[] = {"2026-03-30", "2026-04-06", "2026-04-13", "2026-04-20"};
  for (int i = 0; i < weekly; ++i) r.Session(weeks5to8[i], dose);
  return r;
}

Request TrdReview(const char* evaluation_date) {
  Request r("treatment-review", evaluation_date);
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  return r;
}

// ---- course time from sessions given ------------------------------------------------------

TEST(CourseTime, CourseTwelveWeeksPastItsStartDateWithNoSessionIsPlannedFromInduction) {
  Request r("treatment-review", "2026-05-25");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  const cds::v1::Card card = Evaluate(r);
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 8u);
  EXPECT_EQ(planned[0]->date(), "2026-05-25");
  EXPECT_EQ(planned[0]->dose_mg(), 56);
  EXPECT_EQ(planned[0]->week(), 1);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(planned[i]->phase(), cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_GE(DaysBetween(planned[0]->date(), planned[1]->date()), 2);
  EXPECT_EQ(card.dosing_schedule().progress().phase(), cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(CriterionOf(card, "trd.end_of_induction").outcome(), kNotApplicable);
  EXPECT_FALSE(Contains(card.summary(), "no MADRS response"));
  EXPECT_TRUE(Contains(card.summary(), "no session recorded since the start date"));
}

TEST(CourseTime, StartDateTodayIsAPlannedStartAndYesterdayHasPassed) {
  Request today("order-select", "2026-03-02");
  today.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  EXPECT_EQ(Evaluate(today).indicator(), cds::v1::INDICATOR_INFO);
  Request yesterday("order-select", "2026-03-03");
  yesterday.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  const cds::v1::Card card = Evaluate(yesterday);
  EXPECT_EQ(card.dosing_schedule().course_start_date(), "2026-03-03");
  EXPECT_TRUE(Contains(CriterionOf(card, "course.start").explanation(), "has passed"));
}

TEST(CourseTime, NoMaintenanceIsPlannedBeforeTheInductionSessionsWereGiven) {
  // Four sessions over twelve weeks: still induction, never maintenance.
  Request r = TrdReview("2026-05-25");
  r.Session("2026-03-02", 56).Session("2026-03-05", 56).Session("2026-04-02", 56).Session(
      "2026-05-04", 56);
  const cds::v1::Card card = Evaluate(r);
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(planned[i]->phase(), cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(planned[4]->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(card.dosing_schedule().progress().week(), 3);
}

TEST(CourseTime, WeeksFiveToEightAreMaintenanceAsTheLabelNamesThem) {
  Request r = TrdReview("2026-03-30");
  FullInduction(r);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(Planned(card).front()->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(Planned(card).front()->week(), 5);
  EXPECT_FALSE(Contains(card.detail(), "ptimisation"));
  for (const auto& c : card.criteria()) EXPECT_FALSE(Contains(c.description(), "ptimisation"));
}

TEST(CourseTime, EndOfInductionIsJudgedInWeeksFiveToEightAndNotRepeatedAfterThem) {
  Request during = TrdReview("2026-04-06");
  FullInduction(during, 1);
  during.BaselineMadrs(34).Madrs(30, "2026-03-30");
  EXPECT_EQ(CriterionOf(Evaluate(during), "trd.end_of_induction").outcome(), kMet);
  EXPECT_TRUE(Contains(Evaluate(during).summary(), "no MADRS response after induction"));
  Request after = TrdReview("2026-05-04");
  FullInduction(after, 4);
  after.Session("2026-04-27", 56).BaselineMadrs(34).Madrs(30, "2026-04-27");
  EXPECT_EQ(CriterionOf(Evaluate(after), "trd.end_of_induction").outcome(), kNotApplicable);
}

TEST(CourseTime, FirstSessionBeforeThePlannedStartStartsTheCourse) {
  Request r = TrdReview("2026-03-03");
  r.Session("2026-02-27", 56);  // given before the planned 2026-03-02
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(card.dosing_schedule().course_start_date(), "2026-02-27");
  EXPECT_EQ(Planned(card).front()->week(), 1);
  EXPECT_EQ(Planned(card).front()->phase(), cds::v1::DOSING_PHASE_INDUCTION);
}

// ---- missed sessions -------------------------------------------------------------------------

TEST(MissedSessions, FortnightMissedInInductionContinuesTwiceWeekly) {
  Request r = TrdReview("2026-03-23");
  r.Session("2026-03-02", 56).Session("2026-03-05", 56).Session("2026-03-09", 56);
  const cds::v1::Card card = Evaluate(r);
  const auto& c = CriterionOf(card, "schedule.missed_sessions");
  EXPECT_EQ(c.outcome(), kNotMet);
  EXPECT_TRUE(Contains(c.explanation(), "continue the current schedule (twice a week)"));
  EXPECT_TRUE(Cites(card, "JNJ-MI-MISSED"));
  EXPECT_EQ(Planned(card).front()->phase(), cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(MissedSessions, InductionGapOfSixDaysIsLateButSevenIsMissed) {
  Request six = TrdReview("2026-03-08");
  six.Session("2026-03-02", 56).Session("2026-03-08", 56);
  EXPECT_EQ(CriterionOf(Evaluate(six), "schedule.missed_sessions").outcome(), kMet);
  Request seven = TrdReview("2026-03-09");
  seven.Session("2026-03-02", 56).Session("2026-03-09", 56);
  EXPECT_EQ(CriterionOf(Evaluate(seven), "schedule.missed_sessions").outcome(), kNotMet);
  // The grace is a setting.
  EXPECT_EQ(CriterionOf(Evaluate(seven, {{"missed_session_grace_days", 3}}),
                        "schedule.missed_sessions")
                .outcome(),
            kMet);
}

TEST(MissedSessions, FortnightMissedInWeeksFiveToEightWithWorseMadrsOffersTwiceWeekly) {
  Request r = TrdReview("2026-04-20");
  FullInduction(r, 1);
  r.BaselineMadrs(34).Madrs(14, "2026-03-30").Madrs(22, "2026-04-20");
  const cds::v1::Card card = Evaluate(r);
  const auto& c = CriterionOf(card, "schedule.missed_sessions");
  EXPECT_EQ(c.outcome(), kNotMet);
  EXPECT_TRUE(Contains(c.explanation(), "previous schedule (twice a week)"));
  EXPECT_TRUE(Cites(card, "US-PI"));
  // The plan keeps the current schedule: the clinician decides.
  EXPECT_EQ(Planned(card).front()->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
}

TEST(MissedSessions, SevenWeeksMissedInMaintenanceWithWorseMadrsOffersWeekly) {
  Request r = TrdReview("2026-06-15");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56);
  r.BaselineMadrs(34).Madrs(12, "2026-04-27").Madrs(24, "2026-06-15");
  const cds::v1::Card card = Evaluate(r, {{"maintenance_interval", "every-2-weeks"}});
  const auto& c = CriterionOf(card, "schedule.missed_sessions");
  EXPECT_EQ(c.outcome(), kNotMet);
  EXPECT_TRUE(Contains(c.explanation(), "previous schedule (weekly)"));
  EXPECT_TRUE(Contains(card.summary(), "missed sessions with worse MADRS"));
}

TEST(MissedSessions, MaintenanceGapWithoutScoresIsUnknownAndAsksForThem) {
  Request r = TrdReview("2026-06-15");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "schedule.missed_sessions").outcome(), kUnknown);
  EXPECT_TRUE(HasMissing(card, kMadrsPath));
}

TEST(MissedSessions, MaintenanceGapWithTheSameScoreContinuesTheSchedule) {
  Request r = TrdReview("2026-06-15");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56).Madrs(12, "2026-04-27").Madrs(12, "2026-06-15");
  const cds::v1::Card card = Evaluate(r);
  const auto& c = CriterionOf(card, "schedule.missed_sessions");
  EXPECT_EQ(c.outcome(), kNotMet);
  EXPECT_TRUE(Contains(c.explanation(), "not worse"));
}

TEST(MissedSessions, MdsiFortnightMissedContinuesButNeverPastFourWeeks) {
  Request r("treatment-review", "2026-03-19");
  r.BornOn("1990-01-01").EsketamineMdsi("2026-03-02").ConditionsRetrieved();
  r.Session("2026-03-02", 84).Session("2026-03-05", 84);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "schedule.missed_sessions").outcome(), kNotMet);
  for (const auto* s : Planned(card)) EXPECT_LT(s->date(), "2026-03-30");
}

TEST(MissedSessions, IvFortnightMissedIsDetected) {
  Request r("treatment-review", "2026-03-23");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "kg", "2026-03-01");
  r.Session("2026-03-02", 40).Session("2026-03-05", 40);
  const cds::v1::Card card = Evaluate(r);
  const auto& c = CriterionOf(card, "schedule.missed_sessions");
  EXPECT_EQ(c.outcome(), kNotMet);
  EXPECT_TRUE(Contains(c.explanation(), "no rule for missed infusions"));
}

// ---- maintenance frequency -------------------------------------------------------------------

TEST(MaintenanceFrequency, WeeklyMaintenanceFromWeekNineIsNeitherFlaggedNorMovedToFortnightly) {
  Request r = TrdReview("2026-05-04");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56).Session("2026-05-04", 56);
  const cds::v1::Card card = Evaluate(r, {{"maintenance_interval", "every-2-weeks"}});
  EXPECT_EQ(CriterionOf(card, "schedule.frequency").outcome(), kMet);
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(planned[0]->date(), "2026-05-11");
  EXPECT_EQ(DaysBetween(planned[0]->date(), planned[1]->date()), 7);
  EXPECT_EQ(CriterionOf(card, "maintenance.frequency").outcome(), kMet);
}

TEST(MaintenanceFrequency, EveryTwoWeeksIsFourteenDaysNeverSeven) {
  Request r = TrdReview("2026-05-11");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56).Session("2026-05-11", 56);
  const cds::v1::Card card = Evaluate(r, {{"maintenance_interval", "weekly"}});
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 3u);
  EXPECT_EQ(planned[0]->date(), "2026-05-25");
  for (size_t i = 1; i < planned.size(); ++i) {
    EXPECT_EQ(DaysBetween(planned[i - 1]->date(), planned[i]->date()), 14);
  }
}

TEST(MaintenanceFrequency, TheOrderChangesTheFrequency) {
  Request r = TrdReview("2026-05-04");
  FullInduction(r, 4);
  r.Session("2026-04-27", 56).Session("2026-05-04", 56);
  r.DraftOrder(kEsketamineRxNorm, 56, "mg", 2, "wk");
  const cds::v1::Card card = Evaluate(r);
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(planned[0]->date(), "2026-05-18");
  EXPECT_EQ(DaysBetween(planned[0]->date(), planned[1]->date()), 14);
  EXPECT_TRUE(Contains(CriterionOf(card, "maintenance.frequency").explanation(), "draft order"));
}

TEST(MaintenanceFrequency, LessFrequentDosingIsSuggestedOnlyInRemissionOrAStableResponse) {
  Request remission = TrdReview("2026-05-04");
  FullInduction(remission, 4);
  remission.Session("2026-04-27", 56).Session("2026-05-04", 56).BaselineMadrs(34).Madrs(
      10, "2026-05-04");
  EXPECT_TRUE(Contains(CriterionOf(Evaluate(remission), "maintenance.frequency").explanation(),
                       "every 2 weeks may be considered"));

  Request once = TrdReview("2026-05-04");
  FullInduction(once, 4);
  once.Session("2026-04-27", 56).Session("2026-05-04", 56).BaselineMadrs(34).Madrs(
      16, "2026-05-04");
  EXPECT_FALSE(Contains(CriterionOf(Evaluate(once), "maintenance.frequency").explanation(),
                        "may be considered"));

  Request stable = once;
  stable.Madrs(17, "2026-04-20");
  EXPECT_TRUE(Contains(CriterionOf(Evaluate(stable), "maintenance.frequency").explanation(),
                       "may be considered"));
}

TEST(MaintenanceFrequency, TheSiteDefaultAppliesUntilTheSessionsOrTheOrderSayOtherwise) {
  Request r = TrdReview("2026-04-20");
  FullInduction(r, 3);
  const cds::v1::Card card = Evaluate(r, {{"maintenance_interval", "weekly"}});
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 3u);
  EXPECT_EQ(planned[1]->week(), 9);
  EXPECT_EQ(DaysBetween(planned[1]->date(), planned[2]->date()), 7);
}

// ---- hepatic ---------------------------------------------------------------------------------

TEST(Hepatic, ChildPughCGetsNoCalendarAndNoDose) {
  Request r = TrdReview("2026-03-02");
  r.ChildPugh(cds::v1::CHILD_PUGH_CLASS_C);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(Planned(card).empty());
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  EXPECT_TRUE(Contains(card.summary(), "Child-Pugh C"));
}

TEST(Hepatic, ChildPughBUnderTheEuLabelCautionsEightyFourAndNotUnderTheUsLabel) {
  Request r = TrdReview("2026-03-12");
  r.Session("2026-03-02", 56).Session("2026-03-05", 84).Session("2026-03-09", 84);
  r.ChildPugh(cds::v1::CHILD_PUGH_CLASS_B);
  const cds::v1::Card eu = Evaluate(r, {{"label_edition", "eu"}});
  EXPECT_TRUE(Contains(Planned(eu).front()->note(), "84 mg with caution"));
  EXPECT_TRUE(Cites(eu, "EU-SMPC"));
  const cds::v1::Card us = Evaluate(r);
  EXPECT_FALSE(Contains(Planned(us).front()->note(), "84 mg with caution"));
  const auto& conditions = us.dosing_schedule().monitoring().discharge_conditions();
  EXPECT_TRUE(std::any_of(conditions.begin(), conditions.end(),
                          [](const std::string& s) { return Contains(s, "Child-Pugh B"); }));
}

TEST(Hepatic, NoLiverDiseaseCodedMeansTheClassIsNotAskedFor) {
  Request r = TrdReview("2026-03-02");
  r.Diagnosis("F33.2");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_FALSE(HasMissing(card, "patient.child_pugh_class"));
  EXPECT_EQ(CriterionOf(card, "hepatic.child_pugh").outcome(), kNotApplicable);
}

TEST(Hepatic, CodedCirrhosisWithoutAClassAsksForIt) {
  Request r = TrdReview("2026-03-02");
  r.Diagnosis("K74.60");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(HasMissing(card, "patient.child_pugh_class"));
  EXPECT_EQ(CriterionOf(card, "hepatic.child_pugh").outcome(), kUnknown);
}

TEST(Hepatic, DiagnosesNotRetrievedAreTheMissingInputNotTheClass) {
  Request r("order-select", "2026-03-02");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(HasMissing(card, "patient.conditions"));
  EXPECT_FALSE(HasMissing(card, "patient.child_pugh_class"));
  EXPECT_EQ(CriterionOf(card, "hepatic.child_pugh").outcome(), kUnknown);
}

// ---- EU-type label ---------------------------------------------------------------------------

Request NewMdsi(const char* born) {
  Request r("order-select", "2026-03-02");
  r.BornOn(born).EsketamineMdsi("2026-03-02").ConditionsRetrieved();
  return r;
}

TEST(EuLabel, MdsiAtSixtyFiveGetsNoAutomaticDoseAndTheDayBeforeItDoes) {
  const json eu = {{"label_edition", "eu"}};
  const cds::v1::Card at65 = Evaluate(NewMdsi("1961-03-02"), eu);
  EXPECT_TRUE(at65.dosing_schedule().dose_withheld());
  EXPECT_EQ(CriterionOf(at65, "mdsi.age").outcome(), kNotMet);
  for (const auto* s : Planned(at65)) EXPECT_EQ(s->dose_mg(), 0);
  const cds::v1::Card at64 = Evaluate(NewMdsi("1961-03-03"), eu);
  EXPECT_FALSE(at64.dosing_schedule().dose_withheld());
  EXPECT_EQ(Planned(at64).front()->dose_mg(), 84);
}

TEST(EuLabel, MdsiWithoutABirthDateGetsNoDose) {
  Request r = NewMdsi("1990-01-01");
  r.patient().clear_birth_date();
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "eu"}});
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  EXPECT_TRUE(HasMissing(card, "patient.birth_date"));
}

TEST(EuLabel, UsLabelDosesMdsiAtSeventy) {
  const cds::v1::Card card = Evaluate(NewMdsi("1956-01-01"));
  EXPECT_EQ(Planned(card).front()->dose_mg(), 84);
  EXPECT_EQ(CriterionOf(card, "mdsi.age").outcome(), kNotApplicable);
}

TEST(EuLabel, MaintenanceStartsAtTheEndOfInductionDoseAndTheCourseRunsSixMonthsAfterImprovement) {
  Request r = TrdReview("2026-03-30");
  FullInduction(r, 0, 84);
  r.patient().mutable_treatment_course()->mutable_sessions(0)->set_dose_mg(56);
  const cds::v1::Card eu = Evaluate(r, {{"label_edition", "eu"}});
  const auto* first = Planned(eu).front();
  EXPECT_EQ(std::vector<double>(first->allowed_doses_mg().begin(), first->allowed_doses_mg().end()),
            std::vector<double>{84});
  EXPECT_TRUE(Contains(CriterionOf(eu, "eu.maintenance").explanation(), "6 months"));
  EXPECT_FALSE(HasCriterion(Evaluate(r), "eu.maintenance"));
  EXPECT_EQ(Planned(Evaluate(r)).front()->allowed_doses_mg_size(), 2);
}

TEST(EuLabel, MaintenanceThatDroppedTheEndOfInductionDoseIsFlagged) {
  Request r = TrdReview("2026-04-01");
  FullInduction(r, 0, 84);
  r.patient().mutable_treatment_course()->mutable_sessions(0)->set_dose_mg(56);
  r.Session("2026-03-30", 56);
  EXPECT_EQ(CriterionOf(Evaluate(r, {{"label_edition", "eu"}}), "eu.maintenance").outcome(),
            kNotMet);
}

// ---- IV ketamine -----------------------------------------------------------------------------

Request IvCourse(const char* evaluation_date, double weight_kg = 80) {
  Request r("treatment-review", evaluation_date);
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(weight_kg, "kg", "2026-03-01");
  return r;
}

TEST(IvKetamine, MonitoringTakesVitalsDuringTheInfusionAndAfterIt) {
  const cds::v1::Card card = Evaluate(IvCourse("2026-03-02"));
  const auto& m = card.dosing_schedule().monitoring();
  EXPECT_EQ(std::vector<int>(m.blood_pressure_minutes().begin(), m.blood_pressure_minutes().end()),
            (std::vector<int>{0, 15, 30, 40, 55, 70, 85, 100}));
  EXPECT_EQ(m.minimum_observation_minutes(), 100);
  EXPECT_TRUE(m.pulse_oximetry());
  EXPECT_TRUE(Cites(card, "SANACORA-2017"));
  const cds::v1::Card every10 = Evaluate(IvCourse("2026-03-02"), {{"iv_vitals_interval_minutes", 10}});
  EXPECT_EQ(every10.dosing_schedule().monitoring().blood_pressure_minutes(1), 10);
}

TEST(IvKetamine, ReviewAfterThreeInfusionsWithoutResponse) {
  Request two = IvCourse("2026-03-06");
  two.Session("2026-03-02", 40).Session("2026-03-05", 40).BaselineMadrs(30).Madrs(28, "2026-03-05");
  EXPECT_EQ(CriterionOf(Evaluate(two), "iv.review").outcome(), kNotApplicable);

  Request three = two;
  three.mutable_input().set_evaluation_date("2026-03-09");
  three.Session("2026-03-09", 40);
  const cds::v1::Card card = Evaluate(three);
  EXPECT_EQ(CriterionOf(card, "iv.review").outcome(), kNotMet);
  EXPECT_TRUE(Contains(card.summary(), "without a MADRS response"));

  Request responding = three;
  responding.Madrs(14, "2026-03-09");
  EXPECT_EQ(CriterionOf(Evaluate(responding), "iv.review").outcome(), kMet);
}

TEST(IvKetamine, ReviewPointWithoutMadrsIsUnknown) {
  Request r = IvCourse("2026-03-09");
  r.Session("2026-03-02", 40).Session("2026-03-05", 40).Session("2026-03-09", 40);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "iv.review").outcome(), kUnknown);
  EXPECT_TRUE(HasMissing(card, kMadrsPath));
}

TEST(IvKetamine, WeightAboveTheSiteLimitIsFlaggedAndAtTheLimitIsNot) {
  EXPECT_FALSE(Contains(Evaluate(IvCourse("2026-03-02", 150)).summary(), "site limit"));
  const cds::v1::Card above = Evaluate(IvCourse("2026-03-02", 151));
  EXPECT_TRUE(Contains(above.summary(), "weight above the site limit"));
  EXPECT_EQ(above.indicator(), cds::v1::INDICATOR_WARNING);
  EXPECT_FALSE(Contains(Evaluate(IvCourse("2026-03-02", 151), {{"iv_weight_limit_kg", 160}}).summary(),
                        "site limit"));
}

// ---- draft orders ----------------------------------------------------------------------------

TEST(DraftOrder, FirstDoseOrderedAtEightyFourIsFlaggedAndFiftySixAgrees) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  Request ok = r;
  ok.DraftOrder(kEsketamineRxNorm, 56, "mg");
  EXPECT_EQ(CriterionOf(Evaluate(ok), "order.draft").outcome(), kMet);
  r.DraftOrder(kEsketamineRxNorm, 84, "mg");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "order.draft").outcome(), kNotMet);
  EXPECT_TRUE(Contains(card.summary(), "draft order differs from the plan"));
}

TEST(DraftOrder, RacemicKetamineOrderedOnAnEsketamineCourseIsFlagged) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  r.DraftOrder(kKetamineRxNorm, 56, "mg");
  EXPECT_EQ(CriterionOf(Evaluate(r), "order.draft").outcome(), kNotMet);
}

TEST(DraftOrder, OrderWithoutAMilligramDoseIsUnknown) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  r.DraftOrder(kEsketamineRxNorm, 2, "{device}");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "order.draft").outcome(), kUnknown);
  EXPECT_TRUE(HasMissing(card, "draft_orders[0].dose"));
}

TEST(DraftOrder, IvOrderIsCheckedAgainstTheWeightBasedDose) {
  Request r = IvCourse("2026-03-02");
  Request ok = r;
  ok.DraftOrder(kKetamineRxNorm, 40, "mg");
  EXPECT_EQ(CriterionOf(Evaluate(ok), "order.draft").outcome(), kMet);
  r.DraftOrder(kKetamineRxNorm, 80, "mg");
  EXPECT_EQ(CriterionOf(Evaluate(r), "order.draft").outcome(), kNotMet);
}

TEST(DraftOrder, OrderForADoseWhileThePlanWithholdsItIsFlagged) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02").ConditionsRetrieved();
  r.ChildPugh(cds::v1::CHILD_PUGH_CLASS_C).DraftOrder(kEsketamineRxNorm, 56, "mg");
  EXPECT_EQ(CriterionOf(Evaluate(r), "order.draft").outcome(), kNotMet);
}

}  // namespace
}  // namespace cds::dosing
