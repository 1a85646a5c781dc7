#include "course_assessment.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

// A knowledge phase as a calendar stage: twice or three times a week on slot days, once a week
// every 7 days, and the open maintenance stage every `open_interval_days`.
Stage ToStage(const PhaseRule& rule, int sessions_per_week, int open_interval_days,
              int second_session_day) {
  Stage stage;
  stage.phase = rule.phase;
  stage.first_week = rule.first_week;
  if (rule.last_week) stage.sessions = (*rule.last_week - rule.first_week + 1) * sessions_per_week;
  switch (sessions_per_week) {
    case 1: stage.interval_days = rule.last_week ? 7 : open_interval_days; break;
    case 2: stage.slot_days = {0, second_session_day}; break;
    case 3: stage.slot_days = {0, 2, 4}; break;
    default:
      throw std::runtime_error("dosing knowledge: a phase has " +
                               std::to_string(sessions_per_week) +
                               " sessions a week; the calendar supports 1 to 3");
  }
  return stage;
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
  // The hepatic class decides whether there is a calendar at all, so it comes first.
  if (IsEsketamine()) AssessChildPugh();
  if (!indication_known) {
    AddGivenSessions(false);
    decision_.set_dose_withheld(true);
    FillMonitoring();
    return;
  }

  regimen_ = CourseRegimen();
  if (IsTrd()) AssessMaintenanceFrequency();
  // Child-Pugh C: esketamine is not recommended, so no session is planned.
  if (!child_pugh_c_) planned_ = Plan();
  AddGivenSessions(true);

  if (IsTrd()) {
    AssessTrdPhase();
  } else if (IsEsketamine()) {
    AssessCourseLength(Rule::kMdsiDuration, "past the 4 studied weeks; no more sessions planned");
  } else {
    AssessCourseLength(Rule::kIvCourse,
                       "infusions past week 4 are weaker evidence (CANMAT 2021); none planned");
  }
  AssessSpacing(planned_);
  AssessFrequency();
  AssessMissedSessions();

  if (IsEsketamine()) {
    basis_.Cite(knowledge_.device_citation_ids);
    if (IsTrd()) {
      const DoseRule* rule = AssessGeriatric();
      AssessFirstTrdDose(rule, planned_);
      AssessDoseHistory(Rule::kDoseHistory, rule, false);
      AssignEsketamineDoses(rule, planned_);
    } else {
      const DoseRule* rule = AssessMdsiAge();
      AssessDoseHistory(Rule::kMdsiDose, &knowledge_.mdsi_dose, true);
      AssignEsketamineDoses(rule, planned_);
      for (const CitedText& note : knowledge_.mdsi_notes) basis_.Cite(note.citation_ids);
    }
    AssessTolerability();
    if (IsTrd()) {
      AssessEndOfInduction();
      AssessEuMaintenance();
    }
  } else {
    AssessIvDoses(planned_);
    AssessTolerability();
    AssessIvReview();
  }
  AssessDraftOrders();

  if (in_progress_) {
    AssessResponse();
    FillProgress();
  }
  FillMonitoring();
}

std::vector<sdk::Date> CourseAssessment::GivenDates() const {
  std::vector<sdk::Date> dates;
  dates.reserve(course_.given.size());
  for (const GivenSession& s : course_.given) dates.push_back(s.date);
  return dates;
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
    case CourseStartSource::kFirstSession:
      explanation += "the first session given; course time counts from the sessions given.";
      path = SessionPath(course_.given.front()) + ".date";
      break;
    case CourseStartSource::kStartDate:
      explanation += "the course start date (no session given yet).";
      path = "patient.treatment_course.start_date";
      break;
    case CourseStartSource::kStartDatePassed:
      explanation += "the evaluation date: the start date " +
                     sdk::FormatDate(*course_.planned_start) +
                     " has passed with no session recorded, so the course has not started and "
                     "begins with " + (IsTrd() ? "induction." : "its first session.");
      path = "evaluation_date";
      break;
    case CourseStartSource::kEvaluationDate:
      explanation += "the evaluation date (the course has no start date and no session yet).";
      path = "evaluation_date";
      break;
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kCourseStart, kMet, std::move(explanation));
  sdk::AddInput(c, "Course start", sdk::FormatDate(course_.start), path);
  if (course_.planned_start) {
    sdk::AddInput(c, "Planned start date", sdk::FormatDate(*course_.planned_start),
                  "patient.treatment_course.start_date");
  }
  sdk::AddInput(c, "Sessions given", std::to_string(course_.given.size()),
                "patient.treatment_course.sessions");
  sdk::AddInput(c, "Evaluation date", sdk::FormatDate(today_), "evaluation_date");
  if (course_.start_source == CourseStartSource::kStartDatePassed) {
    const int days = static_cast<int>((today_ - *course_.planned_start).count());
    basis_.NeedsAttention(
        "no session recorded since the start date " + std::to_string(days) +
            " days ago: planned from session 1",
        c.explanation() + " If sessions were given, send them: the plan counts from them.");
  }
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
          ? "Treatment-resistant depression: induction (weeks 1-4) then maintenance (weeks 5-8 weekly, from week 9 weekly or every 2 weeks)."
          : "Depressive symptoms with acute suicidal ideation or behaviour: 4-week regimen.");
  sdk::AddInput(c, "Indication", name, "patient.treatment_course.indication");
  return true;
}

const Regimen& CourseAssessment::CourseRegimen() const {
  if (IsIv()) return policy_.iv;
  return course_.indication == cds::v1::KETAMINE_INDICATION_MDSI ? policy_.mdsi : policy_.trd;
}

std::vector<PlannedSession> CourseAssessment::Plan() const {
  CalendarRequest request;
  request.anchor = course_.start;
  request.evaluation_date = today_;
  request.calendar_weeks = settings_.calendar_weeks;
  request.min_days_between_sessions = settings_.min_days_between_sessions;
  request.given = GivenDates();
  return PlanSessions(regimen_, request);
}

void CourseAssessment::AddGivenSessions(bool with_phases) {
  int number = 0;
  std::optional<sdk::Date> open_start;
  for (const GivenSession& given : course_.given) {
    cds::v1::ScheduledSession& s = *decision_.add_sessions();
    const int n = number;
    s.set_number(++number);
    s.set_date(sdk::FormatDate(given.date));
    if (with_phases) {
      const int stage = regimen_.StageOfSession(n);
      if (stage >= 0 && !regimen_.stages[stage].sessions && !open_start) open_start = given.date;
      s.set_week(SessionWeek(regimen_, n, given.date, open_start.value_or(given.date)));
      s.set_phase(stage >= 0 ? regimen_.stages[stage].phase : cds::v1::DOSING_PHASE_UNSPECIFIED);
    } else {
      s.set_week(CourseWeek(course_.start, given.date));
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
  const int given = static_cast<int>(course_.given.size());
  const int stage = NextStage();
  const Stage& next = regimen_.stages[stage];
  std::string explanation =
      std::to_string(given) + (given == 1 ? " session" : " sessions") + " given; session " +
      std::to_string(given + 1) + " is " + StageWords(next) + ".";
  if (stage > 0 && given == regimen_.FirstSessionOfStage(stage)) {
    explanation += " The sessions of the earlier phase have all been given.";
  } else if (stage < static_cast<int>(regimen_.stages.size()) - 1) {
    const int left = regimen_.FirstSessionOfStage(stage + 1) - given;
    explanation += " " + std::to_string(left) + (left == 1 ? " session" : " sessions") +
                   " of this phase remain before " + StageWords(regimen_.stages[stage + 1]) +
                   " begins.";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kPhase, kMet, std::move(explanation));
  sdk::AddInput(c, "Sessions given", std::to_string(given), "patient.treatment_course.sessions");
}

void CourseAssessment::AssessCourseLength(Rule rule, const std::string& too_long_summary) {
  const int total = regimen_.TotalSessions().value_or(0);
  const int weeks = regimen_.max_weeks.value_or(0);
  const int given = static_cast<int>(course_.given.size());
  const bool sessions_done = given >= total;
  const bool weeks_done = !course_.given.empty() && current_week_ > weeks;
  if (sessions_done || weeks_done) {
    std::string explanation =
        sessions_done ? "All " + std::to_string(total) + " sessions the sources cover have been given."
                      : "The course is in week " + std::to_string(current_week_) +
                            " since its first session, past the " + std::to_string(weeks) +
                            " weeks the sources cover.";
    explanation += " No further sessions are planned: the prescriber decides whether and how to "
                   "continue.";
    // A course that ended with its last session is within the sources; one that ran on is not.
    const bool beyond = given > total || weeks_done;
    cds::v1::Criterion& c = basis_.Add(rule, beyond ? kNotMet : kMet, explanation);
    sdk::AddInput(c, "Sessions given", std::to_string(given), "patient.treatment_course.sessions");
    if (rule == Rule::kIvCourse) basis_.Cite(c, knowledge_.iv_beyond_course_citation_ids);
    if (beyond) basis_.NeedsAttention(too_long_summary, c.explanation());
    return;
  }
  const sdk::Date last_day = course_.start + std::chrono::days{7 * weeks - 1};
  cds::v1::Criterion& c = basis_.Add(
      rule, kMet,
      std::to_string(given) + " of " + std::to_string(total) +
          " sessions given; the course ends with its last session or on " +
          sdk::FormatDate(last_day) + " (end of week " + std::to_string(weeks) +
          (course_.given.empty() ? " from the first session" : " since the first session") +
          "), whichever comes first.");
  sdk::AddInput(c, "Sessions given", std::to_string(given), "patient.treatment_course.sessions");
  if (rule == Rule::kIvCourse) {
    sdk::AddInput(c, "Infusions a week", std::to_string(settings_.iv_sessions_per_week),
                  "settings.iv_sessions_per_week");
  }
}

void CourseAssessment::AssessSpacing(const std::vector<PlannedSession>& planned) {
  std::vector<sdk::Date> dates = GivenDates();
  dates.reserve(course_.given.size() + planned.size());
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

void CourseAssessment::AssessFrequency() {
  // Weekly is the most frequent maintenance the label allows from week 9.
  constexpr int kMostFrequentOpenIntervalDays = 7;
  const std::vector<TooFrequent> found =
      SessionsTooFrequent(regimen_, GivenDates(), kMostFrequentOpenIntervalDays);
  if (found.empty()) {
    basis_.Add(Rule::kFrequency, kMet,
               course_.given.empty()
                   ? "No session given yet; the plan keeps each phase's frequency."
                   : "No session given sooner than its phase allows.");
    return;
  }
  std::string list;
  for (const TooFrequent& f : found) {
    const GivenSession& s = course_.given[f.session];
    const Stage& stage = regimen_.stages[f.stage];
    list += (list.empty() ? "" : "; ") + std::string("session ") + std::to_string(f.session + 1) +
            " (" + sdk::FormatDate(s.date) + ", " + StageWords(stage) + ")" +
            (stage.SlotBased() ? ": a third session within " + std::to_string(f.days_since_previous) +
                                     " days, " + std::to_string(stage.SessionsPerWeek()) +
                                     " a week allowed"
                               : ": " + std::to_string(f.days_since_previous) +
                                     " days after the previous, at least " +
                                     std::to_string(f.allowed_days) + " allowed");
  }
  cds::v1::Criterion& c =
      basis_.Add(Rule::kFrequency, kNotMet, "Sooner than the phase allows: " + list + ".");
  for (const TooFrequent& f : found) {
    sdk::AddInput(c, "Session date", sdk::FormatDate(course_.given[f.session].date),
                  SessionPath(course_.given[f.session]) + ".date");
  }
  basis_.NeedsAttention("a session given sooner than its phase allows", c.explanation());
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
  if (IsIv()) {
    FillIvMonitoring();
    return;
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

// IV: vital signs before the infusion, every interval during it, at its end, and on after it
// until the minimum observation ends; minutes count from the start of the infusion.
void CourseAssessment::FillIvMonitoring() {
  const MonitoringKnowledge& k = knowledge_.monitoring;
  cds::v1::MonitoringPlan& m = *decision_.mutable_monitoring();
  const int infusion = settings_.iv_infusion_minutes;
  const int step = settings_.iv_vitals_interval_minutes;
  const int until = infusion + settings_.iv_observation_minutes_after_infusion;
  for (int minute = 0; minute < infusion; minute += step) m.add_blood_pressure_minutes(minute);
  for (int minute = infusion; minute <= until; minute += step) m.add_blood_pressure_minutes(minute);
  if (m.blood_pressure_minutes(m.blood_pressure_minutes_size() - 1) != until) {
    m.add_blood_pressure_minutes(until);
  }
  m.set_pulse_oximetry(true);
  m.set_minimum_observation_minutes(until);
  for (const std::string& condition : knowledge_.iv_discharge_conditions) {
    m.add_discharge_conditions(condition);
  }
  m.set_driving_advice(k.driving_advice);
  basis_.Cite(knowledge_.iv_monitoring_citation_ids);
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
    policy.trd.stages.push_back(ToStage(rule, rule.sessions_per_week.value_or(1),
                                        7 * settings.maintenance_interval_weeks,
                                        settings.second_session_day));
  }
  policy.mdsi.stages.push_back(ToStage(knowledge.mdsi_phase,
                                       knowledge.mdsi_phase.sessions_per_week.value_or(2), 7,
                                       settings.second_session_day));
  if (!knowledge.mdsi_phase.last_week || !knowledge.iv_phase.last_week) {
    throw std::runtime_error("dosing knowledge: the MDSI and IV courses need a last week");
  }
  policy.mdsi.max_weeks = *knowledge.mdsi_phase.last_week - knowledge.mdsi_phase.first_week + 1;
  policy.iv.stages.push_back(
      ToStage(knowledge.iv_phase,
              knowledge.iv_phase.sessions_per_week.value_or(settings.iv_sessions_per_week), 7,
              settings.second_session_day));
  policy.iv.max_weeks = *knowledge.iv_phase.last_week - knowledge.iv_phase.first_week + 1;
  if (policy.trd.stages.empty() || policy.trd.stages.back().sessions) {
    throw std::runtime_error("dosing knowledge: TRD maintenance must be open-ended");
  }

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
      {"iv_review_after_infusions", std::to_string(settings.iv_review_after_infusions)},
      {"iv_weight_limit_kg", sdk::FormatNumber(settings.iv_weight_limit_kg)},
      {"missed_session_grace_days", std::to_string(settings.missed_session_grace_days)},
      {"missed_early_weeks", std::to_string(knowledge.missed_early_weeks)},
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
