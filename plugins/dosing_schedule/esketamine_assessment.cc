// Esketamine dose steps of a course assessment: age and label edition, the start dose, the dose
// history, the doses of the sessions to come, tolerability, the end-of-induction review and the
// hepatic cautions.
#include <cds/sdk/plugin.h>

#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {

const DoseRule* CourseAssessment::AssessGeriatric() {
  const LabelEdition& edition = policy_.label_edition;
  const int min_age = knowledge_.geriatric_min_age_years;
  if (patient_.birth_date().empty()) {
    cds::v1::Criterion& c =
        basis_.Add(Rule::kGeriatric, kUnknown,
                   edition.geriatric_start_dose
                       ? "No birth date: the " + edition.id + " edition starts patients aged " +
                             std::to_string(min_age) + " and over at 28 mg, so no dose is proposed."
                       : "No birth date. The " + edition.id +
                             " edition gives no separate geriatric start, "
                             "so the dose does not depend on age here.");
    sdk::AddInput(c, "Label edition", edition.id, "settings.label_edition");
    basis_.Missing("patient.birth_date", "Birth date",
                   edition.geriatric_start_dose
                       ? "the start dose (28 or 56 mg) and step size depend on age under the " +
                             edition.id + " edition: no dose is proposed"
                       : "cannot tell whether the patient is 65 or over");
    if (!edition.geriatric_start_dose) return &knowledge_.trd_adult_dose;
    basis_.NeedsAttention("no dose: birth date missing (the EU-type label doses by age)",
                          c.explanation());
    return nullptr;
  }
  const std::optional<sdk::Date> birth = sdk::ParseDate(patient_.birth_date());
  if (!birth) throw sdk::InvalidRequest("patient.birth_date is not a YYYY-MM-DD date");
  const int age = sdk::AgeInYears(*birth, course_.start);
  const bool geriatric = age >= min_age;
  std::string explanation = "Aged " + std::to_string(age) + " at the course start. ";
  if (!geriatric) {
    explanation += "Adult dosing.";
  } else if (edition.geriatric_start_dose) {
    explanation += "The " + edition.id +
                   " edition starts at 28 mg and increases in 28 mg steps "
                   "(to 56 or 84 mg) on efficacy and tolerability.";
  } else {
    explanation += "The " + edition.id +
                   " edition gives no separate geriatric start, so the "
                   "56 mg start applies (the EU-type label would start at 28 mg).";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kGeriatric, geriatric ? kMet : kNotMet, explanation);
  sdk::AddInput(c, "Age at course start", std::to_string(age) + " years", "patient.birth_date");
  sdk::AddInput(c, "Label edition", edition.id, "settings.label_edition");
  if (geriatric && edition.geriatric_start_dose) {
    basis_.Cite(c, knowledge_.trd_geriatric_dose.citation_ids);
    return &knowledge_.trd_geriatric_dose;
  }
  return &knowledge_.trd_adult_dose;
}

void CourseAssessment::AssessFirstTrdDose(const DoseRule* rule,
                                          const std::vector<PlannedSession>& planned) {
  const DoseRule& adult = knowledge_.trd_adult_dose;
  const DoseRule& geriatric = knowledge_.trd_geriatric_dose;
  if (course_.given.empty()) {
    if (rule == nullptr) {
      basis_.Add(Rule::kFirstDose, kUnknown,
                 "The start dose depends on age under the " + policy_.label_edition.id +
                     " edition (" + Mg(geriatric.first_dose_mg) + " at " +
                     std::to_string(knowledge_.geriatric_min_age_years) + " and over, else " +
                     Mg(adult.first_dose_mg) + "), and the birth date is missing.");
    } else if (planned.empty()) {
      basis_.Add(Rule::kFirstDose, kNotApplicable, "No session is planned.");
    } else {
      basis_.Add(Rule::kFirstDose, kMet,
                 "Session 1 (" + sdk::FormatDate(planned.front().date) + ") is planned at " +
                     Mg(rule->first_dose_mg) + "; 84 mg is never a first dose.");
    }
    return;
  }
  const GivenSession& first = course_.given.front();
  const std::string path = SessionPath(first) + ".dose_mg";
  if (first.dose_mg <= 0) {
    cds::v1::Criterion& c =
        basis_.Add(Rule::kFirstDose, kUnknown, "The dose of the first session is not recorded.");
    sdk::AddInput(c, "First session", sdk::FormatDate(first.date), SessionPath(first) + ".date");
    basis_.Missing(path, "Dose of the first session",
                   "cannot check that the course started at the labelled dose");
    return;
  }
  const bool labelled_start = rule != nullptr
                                  ? SameDose(first.dose_mg, rule->first_dose_mg)
                                  : SameDose(first.dose_mg, adult.first_dose_mg) ||
                                        SameDose(first.dose_mg, geriatric.first_dose_mg);
  cds::v1::CriterionOutcome outcome = labelled_start ? kMet : kNotMet;
  std::string explanation =
      "The course started at " + Mg(first.dose_mg) + " on " + sdk::FormatDate(first.date) + ". ";
  if (labelled_start && rule == nullptr) {
    outcome = kUnknown;
    explanation +=
        "Whether that is the labelled start depends on age, and the birth date is missing.";
  } else if (labelled_start) {
    explanation += "That is the labelled start dose.";
  } else {
    explanation += "The label starts at " +
                   Mg(rule != nullptr ? rule->first_dose_mg : adult.first_dose_mg) +
                   " (84 mg only after a 56 mg start).";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kFirstDose, outcome, explanation);
  sdk::AddInput(c, "First dose", Mg(first.dose_mg), path);
  if (outcome == kNotMet) {
    basis_.NeedsAttention("first dose given was " + Mg(first.dose_mg) + ", not the labelled start",
                          explanation);
  }
}

void CourseAssessment::AssessDoseHistory(Rule rule_id, const DoseRule* rule,
                                         bool check_first_dose) {
  const size_t first_checked = check_first_dose ? 0 : 1;
  if (course_.given.size() <= first_checked) {
    basis_.Add(rule_id, course_.given.empty() && check_first_dose ? kMet : kNotApplicable,
               course_.given.empty()
                   ? (check_first_dose ? "No session given yet; the plan starts at " +
                                             Mg(rule->first_dose_mg) + "."
                                       : "No session given yet.")
                   : "Only the first session has been given (see the first-dose criterion).");
    return;
  }
  // Without an age under the EU-type label, check against every labelled dose without a step
  // limit: the narrower rule cannot be chosen.
  DoseRule union_rule;
  if (rule == nullptr) {
    union_rule = knowledge_.trd_geriatric_dose;
    union_rule.max_increase_mg = 0;
    rule = &union_rule;
  }
  std::vector<std::string> problems;
  bool any_missing = false;
  for (size_t i = first_checked; i < course_.given.size(); ++i) {
    const GivenSession& s = course_.given[i];
    const std::string when = "session " + std::to_string(i + 1) + " (" + sdk::FormatDate(s.date) + ")";
    if (s.dose_mg <= 0) {
      any_missing = true;
      basis_.Missing(SessionPath(s) + ".dose_mg", "Dose of " + when,
                     "cannot check it against the label");
      continue;
    }
    if (i == 0 && !SameDose(s.dose_mg, rule->first_dose_mg)) {
      problems.push_back(when + ": " + Mg(s.dose_mg) + ", the label starts at " +
                         Mg(rule->first_dose_mg));
    } else if (!IsLabelledDose(*rule, s.dose_mg)) {
      problems.push_back(when + ": " + Mg(s.dose_mg) + " is not a labelled dose (" +
                         DoseChoices(rule->doses_mg) + ")");
    } else if (i > 0 && rule->max_increase_mg > 0 && course_.given[i - 1].dose_mg > 0 &&
               s.dose_mg - course_.given[i - 1].dose_mg >
                   rule->max_increase_mg + kDoseToleranceMg) {
      problems.push_back(when + ": increase from " + Mg(course_.given[i - 1].dose_mg) + " to " +
                         Mg(s.dose_mg) + " is more than one " + Mg(rule->max_increase_mg) +
                         " step");
    }
  }
  const size_t checked = course_.given.size() - first_checked;
  if (!problems.empty()) {
    std::string list;
    for (const std::string& p : problems) list += (list.empty() ? "" : "; ") + p;
    cds::v1::Criterion& c = basis_.Add(rule_id, kNotMet, "Outside the label: " + list + ".");
    sdk::AddInput(c, "Sessions checked", std::to_string(checked),
                  "patient.treatment_course.sessions");
    basis_.NeedsAttention("dose history outside the label", c.explanation());
  } else if (any_missing) {
    basis_.Add(rule_id, kUnknown,
               "Some sessions have no dose recorded; the others are labelled doses.");
  } else {
    cds::v1::Criterion& c =
        basis_.Add(rule_id, kMet,
                   "The " + std::to_string(checked) + " doses checked are labelled doses (" +
                       DoseChoices(rule->doses_mg) + ")" +
                       (rule->max_increase_mg > 0
                            ? ", each increase at most one " + Mg(rule->max_increase_mg) + " step."
                            : "."));
    sdk::AddInput(c, "Sessions checked", std::to_string(checked),
                  "patient.treatment_course.sessions");
  }
}

void CourseAssessment::AssignEsketamineDoses(const DoseRule* rule,
                                             const std::vector<PlannedSession>& planned) {
  const GivenSession* last = course_.given.empty() ? nullptr : &course_.given.back();
  std::optional<double> last_dose;
  if (last != nullptr && last->dose_mg > 0) last_dose = last->dose_mg;
  bool withheld = rule == nullptr;
  if (last != nullptr && !last_dose) {
    withheld = true;
    basis_.Missing(SessionPath(*last) + ".dose_mg", "Dose of the last session",
                   "the next dose keeps the last one, so no dose is proposed");
    basis_.NeedsAttention("no dose: the last session's dose is not recorded",
                          "The next dose follows the last dose given, which is not recorded: no "
                          "dose is proposed.");
  }
  if (!withheld) {
    proposal_ =
        ProposeNextDose(*rule, LabelledDosesAt(*rule, last_dose, 0), last_dose,
                        last != nullptr ? last->tolerability : cds::v1::TOLERABILITY_UNSPECIFIED);
    if (proposal_->basis == ProposalBasis::kNoLabelledDoseAtOrBelowLast) {
      withheld = true;
      basis_.NeedsAttention(
          "no dose: the last dose " + Mg(*last_dose) + " is below the labelled doses",
          "No labelled dose is at or below the last dose given (" + Mg(*last_dose) +
              "); cdsd never proposes an escalation, so the prescriber chooses.");
    }
  }
  decision_.set_dose_withheld(withheld);

  const int end_of_induction_week = knowledge_.end_of_induction_week;
  const int mdsi_last_week = policy_.mdsi.LastWeek().value_or(0);
  std::vector<double> allowed;
  for (size_t k = 0; k < planned.size(); ++k) {
    cds::v1::ScheduledSession& s = AddPlannedSession(planned[k]);
    if (!withheld) {
      // Once every labelled dose is allowed, later sessions allow the same.
      if (allowed.size() < rule->doses_mg.size()) {
        allowed = LabelledDosesAt(*rule, last_dose, static_cast<int>(k));
      }
      s.set_dose_mg(proposal_->dose_mg);
      s.mutable_allowed_doses_mg()->Add(allowed.begin(), allowed.end());
      s.set_device_count(DeviceCount(proposal_->dose_mg, knowledge_.device_mg));
    }
    s.set_minutes_between_devices(knowledge_.minutes_between_devices);

    std::string& note = *s.mutable_note();
    auto add_note = [&note](const char* text) {
      if (!note.empty()) note += "; ";
      note += text;
    };
    if (withheld && k == 0)
      add_note("dose not proposed (see criteria)");
    else if (!withheld && s.number() == 1)
      add_note("first dose");
    const bool last_of_phase = k + 1 == planned.size() || planned[k + 1].phase != planned[k].phase;
    if (last_of_phase && planned[k].phase == cds::v1::DOSING_PHASE_INDUCTION &&
        planned[k].week == end_of_induction_week) {
      add_note("end of induction: evaluate benefit");
    }
    if (last_of_phase && planned[k].phase == cds::v1::DOSING_PHASE_MDSI &&
        planned[k].week == mdsi_last_week) {
      add_note("last session of the 4 studied weeks");
    }
    if (k > 0 && planned[k].phase != planned[k - 1].phase) {
      add_note(planned[k].phase == cds::v1::DOSING_PHASE_OPTIMISATION  ? "optimisation starts"
               : planned[k].phase == cds::v1::DOSING_PHASE_MAINTENANCE ? "maintenance starts"
                                                                       : "new phase starts");
    }
  }
}

void CourseAssessment::AssessTolerability() {
  if (course_.given.empty()) {
    basis_.Add(Rule::kTolerability, kNotApplicable, "No session given yet.");
    return;
  }
  const GivenSession& last = course_.given.back();
  const std::string when = "The last session (" + sdk::FormatDate(last.date) + ")";
  auto add_input = [&](cds::v1::Criterion& c) {
    // The MDSI label states its own reduction for tolerability.
    if (course_.indication == cds::v1::KETAMINE_INDICATION_MDSI && IsEsketamine()) {
      basis_.Cite(c, knowledge_.mdsi_dose.citation_ids);
    }
    sdk::AddInput(c, "Tolerability of the last session", TolerabilityWords(last.tolerability),
                  SessionPath(last) + ".tolerability");
    if (last.dose_mg > 0)
      sdk::AddInput(c, "Last dose", Mg(last.dose_mg), SessionPath(last) + ".dose_mg");
  };
  switch (last.tolerability) {
    case cds::v1::TOLERABILITY_WELL_TOLERATED:
    case cds::v1::TOLERABILITY_TOLERATED_WITH_SIDE_EFFECTS: {
      std::string explanation = when + " was " + TolerabilityWords(last.tolerability) + ".";
      if (proposal_) {
        explanation += " The plan keeps " + Mg(proposal_->dose_mg) + "; the label allows " +
                       DoseChoices(proposal_->options_mg) +
                       " next, and any change is the prescriber's choice.";
      }
      add_input(basis_.Add(Rule::kTolerability, kMet, std::move(explanation)));
      return;
    }
    case cds::v1::TOLERABILITY_NOT_TOLERATED: {
      std::string explanation = when + " was not tolerated. ";
      std::string summary;
      if (IsIv()) {
        explanation += "The IV rule has one weight-based dose: review before the next infusion.";
        summary = "last infusion not tolerated: review before the next";
      } else if (proposal_ && proposal_->basis == ProposalBasis::kStepDown) {
        explanation += "No escalation; the plan steps down to " + Mg(proposal_->dose_mg) + ".";
        summary =
            "last session not tolerated: next dose " + Mg(proposal_->dose_mg) + ", no escalation";
      } else if (proposal_ && proposal_->basis == ProposalBasis::kLowestDoseNotTolerated) {
        explanation +=
            "It was the lowest labelled dose, so there is no lower one: the plan keeps " +
            Mg(proposal_->dose_mg) + " for the prescriber to review before the next session.";
        summary = "not tolerated at the lowest labelled dose: review before the next session";
      } else {
        explanation += "No escalation is proposed.";
        summary = "last session not tolerated: no escalation";
      }
      cds::v1::Criterion& c = basis_.Add(Rule::kTolerability, kNotMet, explanation);
      add_input(c);
      basis_.NeedsAttention(std::move(summary), std::move(explanation));
      return;
    }
    default: {
      std::string explanation =
          when + " has no tolerability recorded: no escalation is proposed" +
          (proposal_ ? "; the plan keeps " + Mg(proposal_->dose_mg) + "." : ".");
      cds::v1::Criterion& c = basis_.Add(Rule::kTolerability, kUnknown, explanation);
      add_input(c);
      basis_.Missing(SessionPath(last) + ".tolerability", "Tolerability of the last session",
                     "escalation cannot be considered");
      basis_.NeedsAttention("last session's tolerability not recorded: no escalation proposed",
                            std::move(explanation));
      return;
    }
  }
}

void CourseAssessment::AssessEndOfInduction() {
  const int week = knowledge_.end_of_induction_week;
  const sdk::Date review_day = WeekStart(course_.start, week + 1) - std::chrono::days{1};
  if (current_week_ <= week) {
    basis_.Add(Rule::kEndOfInduction, kNotApplicable,
               "Not reached yet: induction ends on " + sdk::FormatDate(review_day) + " (end of week " +
                   std::to_string(week) +
                   "); evaluate benefit at the last induction session (marked in the calendar).");
    return;
  }
  ReadOutcomes();
  std::string explanation = "Induction ended on " + sdk::FormatDate(review_day) + ". ";
  cds::v1::CriterionOutcome outcome = kMet;
  switch (madrs_outcome_.status) {
    case cds::v1::RESPONSE_STATUS_RESPONSE:
    case cds::v1::RESPONSE_STATUS_REMISSION:
      explanation += "The MADRS shows benefit (see the response criteria).";
      break;
    case cds::v1::RESPONSE_STATUS_NO_RESPONSE:
      explanation += "The MADRS shows no response: evaluate whether to continue.";
      basis_.NeedsAttention("no MADRS response after induction: evaluate benefit", explanation);
      break;
    default:
      outcome = kUnknown;
      explanation += "Benefit cannot be judged without a baseline and a current MADRS total.";
      basis_.NeedsAttention("benefit after induction not judged: MADRS missing", explanation);
      break;
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kEndOfInduction, outcome, std::move(explanation));
  sdk::AddInput(c, "Course week at the evaluation date", std::to_string(current_week_),
                "evaluation_date");
}

void CourseAssessment::AssessChildPugh() {
  const cds::v1::ChildPughClass cls = patient_.child_pugh_class();
  if (cls == cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED) {
    basis_.Add(Rule::kChildPugh, kUnknown,
               "No Child-Pugh class is recorded (the request sends one when the patient has liver "
               "disease), so cdsd cannot tell whether the hepatic cautions apply.");
    basis_.Missing("patient.child_pugh_class", "Child-Pugh class",
                   "cannot tell whether longer monitoring (class B) applies or esketamine is not "
                   "recommended (class C)");
    return;
  }
  const std::string name = cds::v1::ChildPughClass_Name(cls);
  cds::v1::Criterion* c = nullptr;
  if (cls == cds::v1::CHILD_PUGH_CLASS_A) {
    c = &basis_.Add(Rule::kChildPugh, kNotMet, "Child-Pugh A: no change to dosing or monitoring.");
  } else if (cls == cds::v1::CHILD_PUGH_CLASS_B) {
    child_pugh_b_ = true;
    c = &basis_.Add(Rule::kChildPugh, kMet,
                    "Child-Pugh B: the monitoring plan adds a longer observation where needed.");
  } else {
    c = &basis_.Add(Rule::kChildPugh, kMet,
                    "Child-Pugh C (severe hepatic impairment): esketamine is not recommended.");
    basis_.NeedsAttention("Child-Pugh C: esketamine not recommended", c->explanation());
  }
  sdk::AddInput(*c, "Child-Pugh class", name, "patient.child_pugh_class");
}

}  // namespace cds::dosing
