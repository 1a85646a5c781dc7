#include "course_assessment.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

CalendarPhase ToCalendarPhase(const PhaseRule& rule, int sessions_per_week, int period_weeks,
                              int second_session_day) {
  CalendarPhase phase;
  phase.phase = rule.phase;
  phase.first_week = rule.first_week;
  phase.last_week = rule.last_week;
  phase.period_weeks = period_weeks;
  switch (sessions_per_week) {
    case 1: phase.session_days = {0}; break;
    case 2: phase.session_days = {0, second_session_day}; break;
    case 3: phase.session_days = {0, 2, 4}; break;
    default:
      throw std::runtime_error("dosing knowledge: a phase has " +
                               std::to_string(sessions_per_week) +
                               " sessions a week; the calendar supports 1 to 3");
  }
  return phase;
}

}  // namespace

void CourseAssessment::Assess() {
  decision_.set_product(course_.product);
  decision_.set_indication(course_.indication);
  decision_.set_course_start_date(sdk::FormatDate(course_.start));
  card_.set_knowledge_version(knowledge_.version);
  *card_.mutable_source() = IsIv() ? knowledge_.iv_source : knowledge_.esketamine_source;

  if (!AssessProduct()) {
    decision_.set_dose_withheld(true);
    return;
  }
  if (IsEsketamine()) {
    decision_.set_label_edition(policy_.label_edition.id);
    AssessLabelEdition();
  }
  const bool indication_known = AssessIndication();
  AssessCourseStart();
  if (!indication_known) {
    AddGivenSessions(nullptr);
    decision_.set_dose_withheld(true);
    AssessChildPugh();
    FillMonitoring();
    return;
  }

  const Regimen& regimen = CourseRegimen();
  const std::vector<PlannedSession> planned = Plan(regimen);
  AddGivenSessions(&regimen);
  const bool trd = IsEsketamine() && course_.indication == cds::v1::KETAMINE_INDICATION_TRD;

  if (trd) {
    AssessTrdPhase();
  } else if (IsEsketamine()) {
    AssessCourseLength(Rule::kMdsiDuration, regimen,
                       "past the 4 studied weeks; no more sessions planned");
  } else {
    AssessCourseLength(Rule::kIvCourse, regimen,
                       "infusions past week 4 are weaker evidence (CANMAT 2021); none planned");
  }
  AssessSpacing(planned);
  AssessFrequency(regimen);

  if (IsEsketamine()) {
    basis_.Cite(knowledge_.device_citation_ids);
    if (trd) {
      const DoseRule* rule = AssessGeriatric();
      AssessFirstTrdDose(rule, planned);
      AssessDoseHistory(Rule::kDoseHistory, rule, false);
      AssignEsketamineDoses(rule, planned);
    } else {
      AssessDoseHistory(Rule::kMdsiDose, &knowledge_.mdsi_dose, true);
      AssignEsketamineDoses(&knowledge_.mdsi_dose, planned);
      for (const CitedText& note : knowledge_.mdsi_notes) basis_.Cite(note.citation_ids);
    }
    AssessTolerability();
    if (trd) AssessEndOfInduction();
    AssessChildPugh();
  } else {
    AssessIvDoses(planned);
    AssessTolerability();
  }

  if (in_progress_) {
    AssessResponse();
    FillProgress(regimen);
  }
  FillMonitoring();
}

bool CourseAssessment::AssessProduct() {
  if (!IsEsketamine() && !IsIv()) {
    basis_.Add(Rule::kProduct, kUnknown, "The treatment course does not name the product.");
    basis_.Missing(
        "patient.treatment_course.product", "Ketamine product",
        "no dosing schedule can be computed (esketamine and IV ketamine dose differently)");
    basis_.NeedsAttention(
        "product not named; no schedule",
        "The order does not say whether it is esketamine nasal spray or IV racemic "
        "ketamine, whose regimens differ: no schedule is computed.");
    return false;
  }
  cds::v1::Criterion& c = basis_.Add(
      Rule::kProduct, kMet,
      IsEsketamine() ? "Esketamine nasal spray." : "IV racemic ketamine (off-label use).");
  sdk::AddInput(c, "Product", cds::v1::KetamineProduct_Name(course_.product),
                "patient.treatment_course.product");
  return true;
}

void CourseAssessment::AssessCourseStart() {
  std::string explanation = "Week 1 begins on " + sdk::FormatDate(course_.start) + ", ";
  std::string path;
  switch (course_.start_source) {
    case CourseStartSource::kStartDate:
      explanation += "the course start date.";
      path = "patient.treatment_course.start_date";
      break;
    case CourseStartSource::kFirstSession:
      explanation += "the first recorded session (the course has no start date).";
      path = SessionPath(course_.given.front()) + ".date";
      break;
    case CourseStartSource::kEvaluationDate:
      explanation += "the evaluation date (the course has no start date and no session yet).";
      path = "evaluation_date";
      break;
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kCourseStart, kMet, std::move(explanation));
  sdk::AddInput(c, "Course start", sdk::FormatDate(course_.start), path);
  sdk::AddInput(c, "Evaluation date", sdk::FormatDate(today_), "evaluation_date");
}

void CourseAssessment::AssessLabelEdition() {
  const LabelEdition& edition = policy_.label_edition;
  cds::v1::Criterion& c =
      basis_.Add(Rule::kLabelEdition, kMet, "Applied: " + edition.id + ", " + edition.title + ".");
  sdk::AddInput(c, "Label edition", edition.id, "settings.label_edition");
  basis_.Cite(c, edition.citation_ids);
}

bool CourseAssessment::AssessIndication() {
  const std::string name = cds::v1::KetamineIndication_Name(course_.indication);
  if (IsIv()) {
    cds::v1::Criterion& c = basis_.Add(
        Rule::kIndication, kNotApplicable,
        "The IV regimen in the reference does not change with the indication; its evidence comes "
        "from trials in treatment-resistant depression.");
    if (course_.indication != cds::v1::KETAMINE_INDICATION_UNSPECIFIED) {
      sdk::AddInput(c, "Indication", name, "patient.treatment_course.indication");
    }
    return true;
  }
  if (course_.indication == cds::v1::KETAMINE_INDICATION_UNSPECIFIED) {
    basis_.Add(
        Rule::kIndication, kUnknown,
        "The order does not name the indication: TRD starts at 56 mg with a 4-week induction "
        "then weekly and maintenance dosing, MDSI is 84 mg twice a week for 4 weeks. No "
        "schedule is computed.");
    basis_.Missing("patient.treatment_course.indication", "Indication (TRD or MDSI)",
                   "the esketamine regimen and doses cannot be chosen");
    basis_.NeedsAttention("indication (TRD or MDSI) not named; no schedule",
                          "The esketamine order does not say TRD or MDSI; the two regimens differ, "
                          "so no sessions or doses are proposed.");
    return false;
  }
  cds::v1::Criterion& c = basis_.Add(
      Rule::kIndication, kMet,
      course_.indication == cds::v1::KETAMINE_INDICATION_TRD
          ? "Treatment-resistant depression: induction, optimisation and maintenance regimen."
          : "Depressive symptoms with acute suicidal ideation or behaviour: 4-week regimen.");
  sdk::AddInput(c, "Indication", name, "patient.treatment_course.indication");
  return true;
}

const Regimen& CourseAssessment::CourseRegimen() const {
  if (IsIv()) return policy_.iv;
  return course_.indication == cds::v1::KETAMINE_INDICATION_MDSI ? policy_.mdsi : policy_.trd;
}

std::vector<PlannedSession> CourseAssessment::Plan(const Regimen& regimen) const {
  CalendarRequest request;
  request.course_start = course_.start;
  request.evaluation_date = today_;
  request.calendar_weeks = settings_.calendar_weeks;
  request.min_days_between_sessions = settings_.min_days_between_sessions;
  request.given.reserve(course_.given.size());
  for (const GivenSession& s : course_.given) request.given.push_back(s.date);
  return PlanSessions(regimen, request);
}

void CourseAssessment::AddGivenSessions(const Regimen* regimen) {
  int number = 0;
  for (const GivenSession& given : course_.given) {
    cds::v1::ScheduledSession& s = *decision_.add_sessions();
    const int week = CourseWeek(course_.start, given.date);
    s.set_number(++number);
    s.set_date(sdk::FormatDate(given.date));
    s.set_week(week);
    if (regimen != nullptr) {
      const CalendarPhase* phase = regimen->PhaseOfWeek(week);
      s.set_phase(phase != nullptr ? phase->phase : cds::v1::DOSING_PHASE_UNSPECIFIED);
    }
    s.set_dose_mg(given.dose_mg);
    if (IsEsketamine()) {
      s.set_device_count(DeviceCount(given.dose_mg, knowledge_.device_mg));
      s.set_minutes_between_devices(knowledge_.minutes_between_devices);
    }
    s.set_given(true);
    s.set_note(std::string("given; ") + TolerabilityWords(given.tolerability));
  }
}

cds::v1::ScheduledSession& CourseAssessment::AddPlannedSession(const PlannedSession& planned) {
  cds::v1::ScheduledSession& s = *decision_.add_sessions();
  s.set_number(decision_.sessions_size());
  s.set_date(sdk::FormatDate(planned.date));
  s.set_phase(planned.phase);
  s.set_week(planned.week);
  return s;
}

void CourseAssessment::AssessTrdPhase() {
  std::string explanation;
  if (current_week_ <= 0) {
    explanation = "The course starts on " + sdk::FormatDate(course_.start) + " (week 1, induction).";
  } else {
    const CalendarPhase* phase = policy_.trd.PhaseOfWeek(current_week_);
    explanation =
        "The evaluation date falls in course week " + std::to_string(current_week_) + ": " +
        PhaseWords(phase != nullptr ? phase->phase : cds::v1::DOSING_PHASE_UNSPECIFIED) + ".";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kPhase, kMet, std::move(explanation));
  sdk::AddInput(c, "Course week at the evaluation date", std::to_string(std::max(0, current_week_)),
                "evaluation_date");
  sdk::AddInput(c, "Maintenance interval", settings_.maintenance_interval,
                "settings.maintenance_interval");
}

void CourseAssessment::AssessCourseLength(Rule rule, const Regimen& regimen,
                                          const std::string& too_long_summary) {
  const int last_week = regimen.LastWeek().value_or(0);
  int latest_week = current_week_;
  for (const GivenSession& s : course_.given) {
    latest_week = std::max(latest_week, CourseWeek(course_.start, s.date));
  }
  if (latest_week > last_week) {
    cds::v1::Criterion& c =
        basis_.Add(rule, kNotMet,
                   "The course has reached week " + std::to_string(latest_week) + ", past the " +
                       std::to_string(last_week) +
                       " weeks the sources cover. No further sessions are planned: "
                       "the prescriber decides whether and how to continue.");
    sdk::AddInput(c, "Latest course week", std::to_string(latest_week), "evaluation_date");
    if (rule == Rule::kIvCourse) basis_.Cite(c, knowledge_.iv_beyond_course_citation_ids);
    basis_.NeedsAttention(too_long_summary, c.explanation());
    return;
  }
  cds::v1::Criterion& c = basis_.Add(
      rule, kMet,
      "The plan ends with course week " + std::to_string(last_week) + " (" +
          sdk::FormatDate(WeekStart(course_.start, last_week + 1) - std::chrono::days{1}) + ").");
  sdk::AddInput(c, "Course week at the evaluation date", std::to_string(std::max(0, current_week_)),
                "evaluation_date");
  if (rule == Rule::kIvCourse) {
    sdk::AddInput(c, "Infusions a week", std::to_string(settings_.iv_sessions_per_week),
                  "settings.iv_sessions_per_week");
  }
}

void CourseAssessment::AssessSpacing(const std::vector<PlannedSession>& planned) {
  std::vector<sdk::Date> dates;
  dates.reserve(course_.given.size() + planned.size());
  for (const GivenSession& s : course_.given) dates.push_back(s.date);
  for (const PlannedSession& p : planned) dates.push_back(p.date);
  const auto close = SessionsTooClose(dates, settings_.min_days_between_sessions);
  if (close.empty()) {
    cds::v1::Criterion& c = basis_.Add(
        Rule::kSpacing, kMet,
        "All " + std::to_string(dates.size()) + " sessions (given and planned) are at least " +
            std::to_string(settings_.min_days_between_sessions) + " days apart.");
    sdk::AddInput(c, "Minimum days between sessions",
                  std::to_string(settings_.min_days_between_sessions),
                  "settings.min_days_between_sessions");
    return;
  }
  std::string pairs;
  for (const auto& [a, b] : close) {
    pairs += (pairs.empty() ? "" : "; ") + sdk::FormatDate(dates[a]) + " and " + sdk::FormatDate(dates[b]);
  }
  cds::v1::Criterion& c =
      basis_.Add(Rule::kSpacing, kNotMet,
                 "Given sessions closer than " +
                     std::to_string(settings_.min_days_between_sessions) + " days: " + pairs + ".");
  for (const auto& [a, b] : close) {
    // Planned sessions keep the gap by construction, so both ends are given sessions.
    if (b < static_cast<int>(course_.given.size())) {
      sdk::AddInput(c, "Session date", sdk::FormatDate(dates[b]), SessionPath(course_.given[b]) + ".date");
    }
  }
  basis_.NeedsAttention("sessions given closer than " +
                            std::to_string(settings_.min_days_between_sessions) + " days apart",
                        c.explanation());
}

void CourseAssessment::AssessFrequency(const Regimen& regimen) {
  std::vector<sdk::Date> given;
  for (const GivenSession& s : course_.given) given.push_back(s.date);
  const std::vector<CrowdedPeriod> crowded = CrowdedPeriods(regimen, course_.start, given);
  if (crowded.empty()) {
    basis_.Add(Rule::kFrequency, kMet,
               course_.given.empty()
                   ? "No session given yet; the plan holds the phase's number of sessions a week."
                   : "The sessions given hold no more sessions per week than their phase allows.");
    return;
  }
  std::string periods;
  for (const CrowdedPeriod& p : crowded) {
    periods += (periods.empty() ? "" : "; ") + std::string("week ") + std::to_string(p.first_week) +
               (p.last_week != p.first_week ? "-" + std::to_string(p.last_week) : "") + " (" +
               PhaseWords(p.phase) + "): " + std::to_string(p.sessions) + " sessions, " +
               std::to_string(p.allowed) + " allowed";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kFrequency, kNotMet,
                                     "More sessions than the phase allows: " + periods + ".");
  sdk::AddInput(c, "Sessions given", std::to_string(course_.given.size()),
                "patient.treatment_course.sessions");
  basis_.NeedsAttention("more sessions given than the phase allows", c.explanation());
}

void CourseAssessment::FillMonitoring() {
  const MonitoringKnowledge& k = knowledge_.monitoring;
  cds::v1::MonitoringPlan& m = *decision_.mutable_monitoring();
  for (const PreSessionInstruction& p : k.pre_session) {
    if ((IsEsketamine() && p.esketamine) || (IsIv() && p.iv_ketamine)) {
      m.add_pre_session_instructions(p.text);
      basis_.Cite(p.citation_ids);
    }
  }
  for (int minute : k.blood_pressure_minutes) m.add_blood_pressure_minutes(minute);
  m.set_pulse_oximetry(k.pulse_oximetry);
  m.set_minimum_observation_minutes(k.minimum_observation_minutes);
  for (const std::string& condition : k.discharge_conditions) m.add_discharge_conditions(condition);
  if (child_pugh_b_) m.add_discharge_conditions(k.child_pugh_b_condition);
  m.set_driving_advice(k.driving_advice);
  basis_.Cite(k.blood_pressure_citation_ids);
  basis_.Cite(k.pulse_oximetry_citation_ids);
  basis_.Cite(k.observation_citation_ids);
  basis_.Cite(k.driving_citation_ids);
}

DosingPolicy MakeDosingPolicy(DosingSettings settings, DosingKnowledge knowledge) {
  DosingPolicy policy;
  const LabelEdition* edition = knowledge.FindLabelEdition(settings.label_edition);
  if (edition == nullptr) {
    throw std::runtime_error("dosing knowledge: no label edition \"" + settings.label_edition +
                             "\"");
  }
  policy.label_edition = *edition;

  for (const PhaseRule& rule : knowledge.trd_phases) {
    const bool maintenance = rule.phase == cds::v1::DOSING_PHASE_MAINTENANCE;
    policy.trd.phases.push_back(ToCalendarPhase(
        rule, rule.sessions_per_week.value_or(1),
        maintenance ? settings.maintenance_interval_weeks : 1, settings.second_session_day));
  }
  policy.mdsi.phases.push_back(ToCalendarPhase(knowledge.mdsi_phase,
                                               knowledge.mdsi_phase.sessions_per_week.value_or(2),
                                               1, settings.second_session_day));
  policy.iv.phases.push_back(
      ToCalendarPhase(knowledge.iv_phase,
                      knowledge.iv_phase.sessions_per_week.value_or(settings.iv_sessions_per_week),
                      1, settings.second_session_day));

  const std::map<std::string, std::string> values = {
      {"label_edition", settings.label_edition},
      {"maintenance_interval_words",
       settings.maintenance_interval_weeks == 1 ? "once a week" : "every 2 weeks"},
      {"min_days_between_sessions", std::to_string(settings.min_days_between_sessions)},
      {"end_of_induction_week", std::to_string(knowledge.end_of_induction_week)},
      {"iv_sessions_per_week", std::to_string(settings.iv_sessions_per_week)},
      {"weight_max_age_days", std::to_string(settings.weight_max_age_days)},
      {"weight_min_kg", sdk::FormatNumber(knowledge.plausible_weight_min_kg)},
      {"weight_max_kg", sdk::FormatNumber(knowledge.plausible_weight_max_kg)},
      {"iv_dose_mg_per_kg", sdk::FormatNumber(settings.iv_dose_mg_per_kg)},
      {"iv_infusion_minutes", std::to_string(settings.iv_infusion_minutes)},
      {"response_madrs_reduction_percent", sdk::FormatNumber(settings.response_madrs_reduction_percent)},
      {"remission_madrs_max", sdk::FormatNumber(settings.remission_madrs_max)},
  };
  policy.rule_texts = ResolveRuleTexts(knowledge, values);
  policy.settings = std::move(settings);
  policy.knowledge = std::move(knowledge);
  return policy;
}

std::vector<Attention> AssessCourse(const DosingPolicy& policy,
                                    const cds::plugin::v1::EvaluateInput& input,
                                    const CourseRecord& course, sdk::Date evaluation_date,
                                    bool in_progress, cds::v1::Card& card) {
  return CourseAssessment(policy, input, course, evaluation_date, in_progress, card).Run();
}

}  // namespace cds::dosing
