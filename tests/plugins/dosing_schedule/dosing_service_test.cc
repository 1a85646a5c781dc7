// The dosing-schedule service end to end (without the C ABI): one card per request with the
// calendar, doses, criteria, missing inputs and citations the clinical reference asks for.
#include "dosing_schedule_service.h"

#include <gtest/gtest.h>

#include <cds/sdk/plugin.h>

#include <set>
#include <thread>

#include "card_text.h"
#include "dosing_requests.h"

namespace cds::dosing {
namespace {

using cds::v1::CriterionOutcome;
using nlohmann::json;
using testing::Request;

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

bool HasMissing(const cds::v1::Card& card, std::string_view path) {
  for (const cds::v1::MissingInput& m : card.missing_inputs()) {
    if (m.path() == path) return true;
  }
  return false;
}

std::vector<const cds::v1::ScheduledSession*> Planned(const cds::v1::Card& card) {
  std::vector<const cds::v1::ScheduledSession*> out;
  for (const auto& s : card.dosing_schedule().sessions()) {
    if (!s.given()) out.push_back(&s);
  }
  return out;
}

// A new esketamine TRD order for a 45-year-old, course starting on a Monday.
Request NewTrdOrder() {
  Request r("order-select", "2026-03-02");
  r.BornOn("1981-05-10").EsketamineTrd("2026-03-02");
  return r;
}

// A TRD course in its sixth week: eight induction sessions and one optimisation session given.
Request TrdCourseInWeekSix() {
  Request r("treatment-review", "2026-04-07");
  r.BornOn("1975-09-01").EsketamineTrd("2026-03-02");
  const char* induction[] = {"2026-03-02", "2026-03-05", "2026-03-09", "2026-03-12",
                             "2026-03-16", "2026-03-19", "2026-03-23", "2026-03-26"};
  for (const char* date : induction) r.Session(date, date == induction[0] ? 56 : 84);
  r.Session("2026-03-30", 84);
  return r;
}

TEST(DosingService, OrderWithoutAKetamineCourseGetsNoCard) {
  // order-select fires for every order: a request with no treatment course is not about
  // ketamine, and a card there would only be noise.
  for (const char* hook : {"order-select", "order-sign", "treatment-review"}) {
    const DosingScheduleService service(json::object());
    cds::plugin::v1::EvaluateOutput output;
    service.Evaluate(Request(hook, "2026-11-20").BornOn("1980-01-01").input(), output);
    EXPECT_EQ(output.cards_size(), 0) << hook;
  }
}

TEST(DosingService, NewTrdOrderPlansTwelveWeeksStartingAtFiftySixMilligrams) {
  const cds::v1::Card card = Evaluate(NewTrdOrder());
  const auto& d = card.dosing_schedule();
  EXPECT_EQ(d.product(), cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY);
  EXPECT_EQ(d.label_edition(), "us-2025");
  EXPECT_EQ(d.course_start_date(), "2026-03-02");
  ASSERT_EQ(d.sessions_size(), 14);
  const auto& first = d.sessions(0);
  EXPECT_EQ(first.date(), "2026-03-02");
  EXPECT_EQ(first.dose_mg(), 56);
  EXPECT_EQ(first.device_count(), 2);
  EXPECT_EQ(first.minutes_between_devices(), 5);
  EXPECT_EQ(std::vector<double>(first.allowed_doses_mg().begin(), first.allowed_doses_mg().end()),
            std::vector<double>{56});
  for (const auto& s : d.sessions()) EXPECT_EQ(s.dose_mg(), 56) << s.date();
  EXPECT_EQ(d.sessions(1).allowed_doses_mg_size(), 2);
  EXPECT_FALSE(d.dose_withheld());
  EXPECT_FALSE(d.has_progress());
  EXPECT_EQ(CriterionOf(card, "dose.first").outcome(), cds::v1::CRITERION_OUTCOME_MET);
}

TEST(DosingService, FirstPlannedDoseIsNeverEightyFourUnderAnyEditionOrAge) {
  for (const char* edition : {"us-2025", "us-2019", "eu"}) {
    for (const char* born : {"1990-01-01", "1950-01-01"}) {
      Request r = NewTrdOrder();
      r.BornOn(born);
      const cds::v1::Card card = Evaluate(r, {{"label_edition", edition}});
      ASSERT_FALSE(Planned(card).empty());
      EXPECT_NE(Planned(card).front()->dose_mg(), 84) << edition << " " << born;
      for (double allowed : Planned(card).front()->allowed_doses_mg()) EXPECT_NE(allowed, 84);
    }
  }
}

TEST(DosingService, HistoryThatStartedAtEightyFourIsFlagged) {
  Request r("treatment-review", "2026-03-06");
  r.BornOn("1981-05-10").EsketamineTrd("2026-03-02").Session("2026-03-02", 84);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "dose.first").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, EveryPhaseBoundaryIsOnTheCalendar) {
  const cds::v1::Card card = Evaluate(NewTrdOrder());
  std::map<std::string, const cds::v1::ScheduledSession*> by_date;
  for (const auto& s : card.dosing_schedule().sessions()) by_date[s.date()] = &s;
  ASSERT_TRUE(by_date.count("2026-03-26") && by_date.count("2026-03-30"));
  EXPECT_EQ(by_date["2026-03-26"]->phase(), cds::v1::DOSING_PHASE_INDUCTION);
  EXPECT_EQ(by_date["2026-03-26"]->week(), 4);
  EXPECT_NE(by_date["2026-03-26"]->note().find("end of induction"), std::string::npos);
  EXPECT_EQ(by_date["2026-03-30"]->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(by_date["2026-03-30"]->week(), 5);
  ASSERT_TRUE(by_date.count("2026-04-20") && by_date.count("2026-04-27"));
  EXPECT_EQ(by_date["2026-04-20"]->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(by_date["2026-04-20"]->week(), 8);
  EXPECT_EQ(by_date["2026-04-27"]->phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(by_date["2026-04-27"]->week(), 9);
}

TEST(DosingService, CourseInProgressKnowsItsPhaseAndWeekAndKeepsTheLastDose) {
  const cds::v1::Card card = Evaluate(TrdCourseInWeekSix());
  const auto& p = card.dosing_schedule().progress();
  EXPECT_EQ(p.phase(), cds::v1::DOSING_PHASE_MAINTENANCE);
  EXPECT_EQ(p.week(), 6);
  EXPECT_EQ(p.sessions_given(), 9);
  EXPECT_EQ(p.last_dose_mg(), 84);
  EXPECT_EQ(p.next_dose_options_mg_size(), 2);
  const auto planned = Planned(card);
  ASSERT_FALSE(planned.empty());
  EXPECT_EQ(planned.front()->date(), "2026-04-07");
  EXPECT_EQ(planned.front()->number(), 10);
  EXPECT_EQ(planned.front()->dose_mg(), 84);
  EXPECT_EQ(planned.front()->device_count(), 3);
}

TEST(DosingService, SixtyFiveYearOldUnderUs2025StartsAtFiftySixAndTheCardSaysWhy) {
  Request r = NewTrdOrder();
  r.BornOn("1961-03-02");  // 65 on the course start
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "us-2025"}});
  EXPECT_EQ(Planned(card).front()->dose_mg(), 56);
  const auto& c = CriterionOf(card, "dose.geriatric");
  EXPECT_EQ(c.outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_NE(c.explanation().find("no separate geriatric start"), std::string::npos);
  EXPECT_NE(c.explanation().find("us-2025"), std::string::npos);
  EXPECT_NE(card.detail().find("us-2025"), std::string::npos);
}

TEST(DosingService, SixtyFiveYearOldUnderUs2019StartsAtFiftySix) {
  Request r = NewTrdOrder();
  r.BornOn("1961-03-02");
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "us-2019"}});
  EXPECT_EQ(card.dosing_schedule().label_edition(), "us-2019");
  EXPECT_EQ(Planned(card).front()->dose_mg(), 56);
  EXPECT_NE(CriterionOf(card, "dose.geriatric").explanation().find("us-2019"), std::string::npos);
}

TEST(DosingService, SixtyFiveYearOldUnderEuStartsAtTwentyEightWithTwentyEightMilligramSteps) {
  Request r = NewTrdOrder();
  r.BornOn("1961-03-02");
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "eu"}});
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 3u);
  EXPECT_EQ(planned[0]->dose_mg(), 28);
  EXPECT_EQ(planned[0]->device_count(), 1);
  EXPECT_EQ(planned[1]->dose_mg(), 28);
  EXPECT_EQ(std::vector<double>(planned[1]->allowed_doses_mg().begin(),
                                planned[1]->allowed_doses_mg().end()),
            (std::vector<double>{28, 56}));
  EXPECT_EQ(planned[2]->allowed_doses_mg_size(), 3);
  EXPECT_EQ(CriterionOf(card, "dose.geriatric").outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_NE(card.detail().find("**eu**"), std::string::npos);
}

TEST(DosingService, SixtyFourYearOldTheDayBeforeTheBirthdayGetsAdultDosingUnderEu) {
  Request r = NewTrdOrder();
  r.BornOn("1961-03-03");  // 65 one day after the course start
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "eu"}});
  EXPECT_EQ(Planned(card).front()->dose_mg(), 56);
  EXPECT_EQ(CriterionOf(card, "dose.geriatric").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
}

TEST(DosingService, MissingBirthDateUnderEuWithholdsTheDoseAndNamesTheInput) {
  Request r = NewTrdOrder();
  r.patient().clear_birth_date();
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "eu"}});
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  for (const auto* s : Planned(card)) EXPECT_EQ(s->dose_mg(), 0);
  EXPECT_EQ(CriterionOf(card, "dose.geriatric").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissing(card, "patient.birth_date"));
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, MissingBirthDateUnderUsEditionKeepsTheFiftySixStartButSaysAgeIsUnknown) {
  Request r = NewTrdOrder();
  r.patient().clear_birth_date();
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(Planned(card).front()->dose_mg(), 56);
  EXPECT_EQ(CriterionOf(card, "dose.geriatric").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissing(card, "patient.birth_date"));
}

TEST(DosingService, NewMdsiOrderPlansEightSessionsAtEightyFourOverFourWeeks) {
  Request r("order-select", "2026-03-02");
  r.BornOn("1990-01-01").EsketamineMdsi("2026-03-02");
  const cds::v1::Card card = Evaluate(r);
  const auto planned = Planned(card);
  ASSERT_EQ(planned.size(), 8u);
  for (const auto* s : planned) {
    EXPECT_EQ(s->dose_mg(), 84);
    EXPECT_EQ(s->phase(), cds::v1::DOSING_PHASE_MDSI);
    EXPECT_LE(s->week(), 4);
  }
  EXPECT_EQ(CriterionOf(card, "mdsi.duration").outcome(), cds::v1::CRITERION_OUTCOME_MET);
}

TEST(DosingService, MdsiCoursePastFourWeeksIsFlaggedAndPlansNoMoreSessions) {
  Request r("treatment-review", "2026-04-01");  // week 5
  r.BornOn("1990-01-01").EsketamineMdsi("2026-03-02");
  for (const char* date : {"2026-03-02", "2026-03-05", "2026-03-09", "2026-03-12", "2026-03-16",
                           "2026-03-19", "2026-03-23", "2026-03-26"}) {
    r.Session(date, 84);
  }
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(Planned(card).empty());
  EXPECT_EQ(CriterionOf(card, "mdsi.duration").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  EXPECT_NE(card.summary().find("past the 4 studied weeks"), std::string::npos);
}

TEST(DosingService, IvDoseForEightyKilogramsIsFortyMilligramsOverFortyMinutes) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "kg", "2026-02-20");
  const cds::v1::Card card = Evaluate(r);
  const auto& d = card.dosing_schedule();
  EXPECT_FALSE(d.dose_withheld());
  EXPECT_DOUBLE_EQ(d.weight_kg(), 80);
  EXPECT_DOUBLE_EQ(d.dose_mg_per_kg(), 0.5);
  const auto planned = Planned(card);
  ASSERT_EQ(planned.size(), 8u);  // twice a week for 4 weeks
  for (const auto* s : planned) {
    EXPECT_DOUBLE_EQ(s->dose_mg(), 40);
    EXPECT_EQ(s->infusion_minutes(), 40);
    EXPECT_EQ(s->device_count(), 0);
    EXPECT_EQ(s->phase(), cds::v1::DOSING_PHASE_INFUSION_COURSE);
  }
  EXPECT_EQ(CriterionOf(card, "iv.dose").outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_INFO);
}

TEST(DosingService, ThreeInfusionsAWeekSettingPlansTwelveInfusions) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "kg", "2026-02-20");
  EXPECT_EQ(Planned(Evaluate(r, {{"iv_sessions_per_week", 3}})).size(), 12u);
}

TEST(DosingService, IvWithoutWeightGivesNoDoseAndSaysWhatIsMissing) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  EXPECT_FALSE(card.dosing_schedule().has_weight_kg());
  for (const auto* s : Planned(card)) {
    EXPECT_EQ(s->dose_mg(), 0);
    EXPECT_EQ(s->allowed_doses_mg_size(), 0);
  }
  EXPECT_EQ(CriterionOf(card, "iv.weight").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(CriterionOf(card, "iv.dose").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_TRUE(HasMissing(card, "patient.weight"));
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
  EXPECT_NE(card.summary().find("no dose"), std::string::npos);
}

TEST(DosingService, IvWeightOlderThanTheLimitGivesNoDose) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "kg", "2026-01-30");  // 31 days
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  EXPECT_NE(CriterionOf(card, "iv.weight").explanation().find("31 days"), std::string::npos);
  Request same_day_limit("order-sign", "2026-03-02");
  same_day_limit.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "kg", "2026-01-31");
  EXPECT_FALSE(Evaluate(same_day_limit).dosing_schedule().dose_withheld());
}

TEST(DosingService, IvWeightInPoundsIsConvertedAndAnUnknownUnitGivesNoDose) {
  Request pounds("order-sign", "2026-03-02");
  pounds.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(176.37, "[lb_av]", "2026-03-01");
  EXPECT_NEAR(Planned(Evaluate(pounds)).front()->dose_mg(), 40.0, 0.05);
  Request unknown("order-sign", "2026-03-02");
  unknown.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80, "stone", "2026-03-01");
  EXPECT_TRUE(Evaluate(unknown).dosing_schedule().dose_withheld());
}

TEST(DosingService, IvWeightEnteredInGramsAsKilogramsIsRefusedAsImplausible) {
  Request r("order-sign", "2026-03-02");
  r.BornOn("1980-01-01").IvKetamine("2026-03-02").Weight(80000, "kg", "2026-03-01");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  EXPECT_EQ(CriterionOf(card, "iv.weight").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
}

TEST(DosingService, ResponseAtExactlyFiftyPercentCountsAsResponse) {
  Request r = TrdCourseInWeekSix();
  r.BaselineMadrs(34).Madrs(17, "2026-04-06");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "outcome.response").outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_EQ(card.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_RESPONSE);
  EXPECT_DOUBLE_EQ(card.dosing_schedule().progress().madrs_reduction_percent(), 50);
}

TEST(DosingService, ReductionJustUnderFiftyPercentIsNoResponse) {
  Request r = TrdCourseInWeekSix();
  r.BaselineMadrs(35).Madrs(18, "2026-04-06");  // 48.6 %
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "outcome.response").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_NO_RESPONSE);
  // Past the end of induction without a response: the card asks to evaluate benefit.
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, RemissionAtExactlyTwelveAndNotAtThirteen) {
  Request twelve = TrdCourseInWeekSix();
  twelve.BaselineMadrs(30).Madrs(12, "2026-04-06");
  const cds::v1::Card at = Evaluate(twelve);
  EXPECT_EQ(CriterionOf(at, "outcome.remission").outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_EQ(at.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_REMISSION);

  Request thirteen = TrdCourseInWeekSix();
  thirteen.BaselineMadrs(30).Madrs(13, "2026-04-06");
  const cds::v1::Card above = Evaluate(thirteen);
  EXPECT_EQ(CriterionOf(above, "outcome.remission").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(above.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_RESPONSE);
}

TEST(DosingService, BaselineComesFromTheLatestScoreBeforeTheCourseWhenTheCourseHasNone) {
  Request r = TrdCourseInWeekSix();
  r.Madrs(40, "2026-01-15").Madrs(36, "2026-02-27").Madrs(18, "2026-04-06");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_DOUBLE_EQ(card.dosing_schedule().progress().baseline_madrs(), 36);
  EXPECT_EQ(card.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_RESPONSE);
}

TEST(DosingService, MissingMadrsLeavesResponseUnknownAndNamesBothInputs) {
  const cds::v1::Card card = Evaluate(TrdCourseInWeekSix());
  EXPECT_EQ(CriterionOf(card, "outcome.response").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(CriterionOf(card, "outcome.remission").outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
  EXPECT_EQ(card.dosing_schedule().progress().response(), cds::v1::RESPONSE_STATUS_UNKNOWN);
  EXPECT_TRUE(HasMissing(card, "patient.treatment_course.baseline_madrs"));
  EXPECT_TRUE(HasMissing(
      card, "patient.observations[https://cdsd.dev/fhir/CodeSystem/observation|madrs-total]"));
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, PhqNineTotalIsReportedWithItsBand) {
  Request r = TrdCourseInWeekSix();
  r.Phq9(19, "2026-02-25").Phq9(9, "2026-04-06");
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(card.dosing_schedule().progress().phq9_band(), "mild");
  EXPECT_NE(CriterionOf(card, "outcome.phq9").explanation().find("moderately severe"),
            std::string::npos);
}

TEST(DosingService, NotToleratedLastSessionStepsDownAndNeverProposesEscalation) {
  Request r = TrdCourseInWeekSix();
  r.patient().mutable_treatment_course()->mutable_sessions(8)->set_tolerability(
      cds::v1::TOLERABILITY_NOT_TOLERATED);
  const cds::v1::Card card = Evaluate(r);
  for (const auto* s : Planned(card)) EXPECT_EQ(s->dose_mg(), 56);
  EXPECT_EQ(CriterionOf(card, "dose.tolerability").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, UnrecordedTolerabilityOffersNoEscalation) {
  Request r("treatment-review", "2026-03-06");
  r.BornOn("1981-05-10")
      .EsketamineTrd("2026-03-02")
      .Session("2026-03-02", 56, cds::v1::TOLERABILITY_UNSPECIFIED);
  const cds::v1::Card card = Evaluate(r);
  const auto& options = card.dosing_schedule().progress().next_dose_options_mg();
  EXPECT_EQ(std::vector<double>(options.begin(), options.end()), std::vector<double>{56});
  EXPECT_TRUE(HasMissing(card, "patient.treatment_course.sessions[0].tolerability"));
}

TEST(DosingService, SessionsGivenTooCloseTogetherAreFlagged) {
  Request r("treatment-review", "2026-03-06");
  r.BornOn("1981-05-10")
      .EsketamineTrd("2026-03-02")
      .Session("2026-03-02", 56)
      .Session("2026-03-03", 56);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_EQ(CriterionOf(card, "schedule.spacing").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
}

TEST(DosingService, ChildPughCIsFlaggedAndChildPughBLengthensObservation) {
  Request c = NewTrdOrder();
  c.ChildPugh(cds::v1::CHILD_PUGH_CLASS_C);
  EXPECT_EQ(Evaluate(c).indicator(), cds::v1::INDICATOR_WARNING);
  Request b = NewTrdOrder();
  b.ChildPugh(cds::v1::CHILD_PUGH_CLASS_B);
  const cds::v1::Card card = Evaluate(b);
  const auto& conditions = card.dosing_schedule().monitoring().discharge_conditions();
  EXPECT_NE(std::find_if(
                conditions.begin(), conditions.end(),
                [](const std::string& s) { return s.find("Child-Pugh B") != std::string::npos; }),
            conditions.end());
}

TEST(DosingService, MonitoringPlanFollowsTheLabel) {
  const cds::v1::Card card = Evaluate(NewTrdOrder());
  const auto& m = card.dosing_schedule().monitoring();
  EXPECT_EQ(std::vector<int>(m.blood_pressure_minutes().begin(), m.blood_pressure_minutes().end()),
            (std::vector<int>{0, 40}));
  EXPECT_TRUE(m.pulse_oximetry());
  EXPECT_EQ(m.minimum_observation_minutes(), 120);
  EXPECT_EQ(m.pre_session_instructions_size(), 3);
  EXPECT_FALSE(m.driving_advice().empty());
}

TEST(DosingService, MissingProductOrIndicationGivesNoScheduleAndSaysWhatIsMissing) {
  Request no_product("order-select", "2026-03-02");
  no_product.Course(cds::v1::KETAMINE_PRODUCT_UNSPECIFIED, cds::v1::KETAMINE_INDICATION_TRD, "2026-03-02");
  const cds::v1::Card none = Evaluate(no_product);
  EXPECT_TRUE(none.dosing_schedule().dose_withheld());
  EXPECT_TRUE(HasMissing(none, "patient.treatment_course.product"));
  EXPECT_EQ(none.indicator(), cds::v1::INDICATOR_WARNING);

  Request no_indication("order-select", "2026-03-02");
  no_indication.Course(cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY,
                       cds::v1::KETAMINE_INDICATION_UNSPECIFIED, "2026-03-02");
  const cds::v1::Card card = Evaluate(no_indication);
  EXPECT_EQ(card.dosing_schedule().sessions_size(), 0);
  EXPECT_TRUE(HasMissing(card, "patient.treatment_course.indication"));
}

// Every card, whatever the request: the basis the brief requires of every card.
TEST(DosingService, EveryCardCarriesSummarySourceCriteriaCitationsAndKnowledgeVersion) {
  std::vector<Request> requests = {NewTrdOrder(), TrdCourseInWeekSix()};
  Request iv("order-sign", "2026-03-02");
  iv.IvKetamine("2026-03-02");
  requests.push_back(iv);
  Request mdsi("order-select", "2026-03-02");
  mdsi.BornOn("1990-01-01").EsketamineMdsi();
  requests.push_back(mdsi);
  Request unnamed("order-select", "2026-03-02");
  unnamed.Course(cds::v1::KETAMINE_PRODUCT_UNSPECIFIED, cds::v1::KETAMINE_INDICATION_TRD, "2026-03-02");
  requests.push_back(unnamed);
  for (const Request& r : requests) {
    const cds::v1::Card card = Evaluate(r);
    EXPECT_FALSE(card.summary().empty());
    EXPECT_LT(card.summary().size(), 140u) << card.summary();
    EXPECT_NE(card.indicator(), cds::v1::INDICATOR_UNSPECIFIED);
    EXPECT_FALSE(card.source().label().empty());
    EXPECT_FALSE(card.knowledge_version().empty());
    EXPECT_TRUE(card.has_dosing_schedule());
    EXPECT_FALSE(card.detail().empty());
    std::set<std::string> cited;
    for (const auto& c : card.citations()) {
      cited.insert(c.id());
      EXPECT_FALSE(c.edition().empty()) << c.id();
    }
    ASSERT_GT(card.criteria_size(), 0);
    for (const auto& c : card.criteria()) {
      EXPECT_NE(c.outcome(), cds::v1::CRITERION_OUTCOME_UNSPECIFIED) << c.id();
      EXPECT_FALSE(c.description().empty()) << c.id();
      EXPECT_FALSE(c.explanation().empty()) << c.id();
      EXPECT_FALSE(c.role().empty()) << c.id();
      for (const std::string& id : c.citation_ids())
        EXPECT_TRUE(cited.count(id)) << c.id() << " " << id;
    }
  }
}

TEST(DosingService, CalendarRunsAcrossTheYearEndWithTheRightWeekdays) {
  Request r("order-select", "2026-12-21");
  r.BornOn("1981-05-10").EsketamineTrd("2026-12-21");
  const cds::v1::Card card = Evaluate(r, {{"calendar_weeks", 3}});
  std::vector<std::string> dates;
  for (const auto* s : Planned(card)) dates.push_back(s->date());
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-12-21", "2026-12-24", "2026-12-28", "2026-12-31",
                                             "2027-01-04", "2027-01-07"}));
  EXPECT_NE(card.detail().find("Thu 2026-12-31"), std::string::npos);
  EXPECT_NE(card.detail().find("Mon 2027-01-04"), std::string::npos);
}

TEST(DosingService, EuGeriatricCourseInProgressAllowsOnlyOneTwentyEightMilligramStepAtATime) {
  Request r("treatment-review", "2026-03-09");
  r.BornOn("1955-01-01")
      .EsketamineTrd("2026-03-02")
      .Session("2026-03-02", 28)
      .Session("2026-03-05", 56);
  const cds::v1::Card card = Evaluate(r, {{"label_edition", "eu"}});
  const auto planned = Planned(card);
  ASSERT_GE(planned.size(), 2u);
  EXPECT_EQ(planned[0]->dose_mg(), 56);
  EXPECT_EQ(planned[0]->allowed_doses_mg_size(), 3);
  EXPECT_EQ(CriterionOf(card, "dose.history").outcome(), cds::v1::CRITERION_OUTCOME_MET);

  Request jump("treatment-review", "2026-03-09");
  jump.BornOn("1955-01-01")
      .EsketamineTrd("2026-03-02")
      .Session("2026-03-02", 28)
      .Session("2026-03-05", 84);
  const cds::v1::Card flagged = Evaluate(jump, {{"label_edition", "eu"}});
  EXPECT_EQ(CriterionOf(flagged, "dose.history").outcome(), cds::v1::CRITERION_OUTCOME_NOT_MET);
  EXPECT_EQ(flagged.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, LastSessionWithoutARecordedDoseGetsNoProposedDose) {
  Request r("treatment-review", "2026-03-09");
  r.BornOn("1981-05-10")
      .EsketamineTrd("2026-03-02")
      .Session("2026-03-02", 56)
      .Session("2026-03-05", 0);
  const cds::v1::Card card = Evaluate(r);
  EXPECT_TRUE(card.dosing_schedule().dose_withheld());
  for (const auto* s : Planned(card)) EXPECT_EQ(s->dose_mg(), 0);
  EXPECT_TRUE(HasMissing(card, "patient.treatment_course.sessions[1].dose_mg"));
  EXPECT_EQ(card.indicator(), cds::v1::INDICATOR_WARNING);
}

TEST(DosingService, ConcurrentEvaluationsOnOneInstanceGiveIdenticalCards) {
  const DosingScheduleService service(json::object());
  Request r = TrdCourseInWeekSix();
  r.BaselineMadrs(34).Madrs(17, "2026-04-06");
  cds::plugin::v1::EvaluateOutput reference;
  service.Evaluate(r.input(), reference);
  const std::string expected = reference.SerializeAsString();
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        cds::plugin::v1::EvaluateOutput out;
        service.Evaluate(r.input(), out);
        mismatches[t] += out.SerializeAsString() != expected;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(DosingService, SameRequestGivesTheSameBytes) {
  const Request r = TrdCourseInWeekSix();
  EXPECT_EQ(Evaluate(r).SerializeAsString(), Evaluate(r).SerializeAsString());
}

TEST(DosingService, UnknownHookIsUnsupported) {
  Request r = NewTrdOrder();
  r.mutable_input().set_hook("patient-view");
  cds::plugin::v1::EvaluateOutput out;
  EXPECT_THROW(DosingScheduleService(json::object()).Evaluate(r.input(), out), sdk::Unsupported);
}

TEST(DosingService, MissingEvaluationDateIsAnInvalidRequest) {
  Request r = NewTrdOrder();
  r.mutable_input().clear_evaluation_date();
  cds::plugin::v1::EvaluateOutput out;
  EXPECT_THROW(DosingScheduleService(json::object()).Evaluate(r.input(), out), sdk::InvalidRequest);
}

TEST(DosingService, MalformedSessionDateIsRefusedNamingTheFieldButNotItsValue) {
  Request r = NewTrdOrder();
  r.Session("03/02/2026", 56);
  cds::plugin::v1::EvaluateOutput out;
  try {
    DosingScheduleService(json::object()).Evaluate(r.input(), out);
    FAIL() << "expected InvalidRequest";
  } catch (const sdk::InvalidRequest& e) {
    EXPECT_NE(std::string(e.what()).find("sessions[0].date"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("03/02/2026"), std::string::npos);
  }
}

TEST(DosingService, SessionDatedAfterTheEvaluationDateIsRefused) {
  Request r = NewTrdOrder();
  r.Session("2026-03-05", 56);
  cds::plugin::v1::EvaluateOutput out;
  EXPECT_THROW(DosingScheduleService(json::object()).Evaluate(r.input(), out), sdk::InvalidRequest);
}

}  // namespace
}  // namespace cds::dosing
