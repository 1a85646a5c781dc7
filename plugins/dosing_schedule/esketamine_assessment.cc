// Esketamine dose steps of a course assessment: age and label edition, the start dose, the dose
// history, the doses of the sessions to come, tolerability, the end-of-induction review and the
// hepatic cautions.
#include <cds/sdk/plugin.h>

#include <algorithm>
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
  bool withheld = rule == nullptr || child_pugh_c_;
  if (last != nullptr && !last_dose && !withheld) {
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

  const int given = static_cast<int>(course_.given.size());
  const bool eu_keeps_dose = policy_.label_edition.end_of_induction_dose_into_maintenance;
  const bool eu_84_caution = child_pugh_b_ && policy_.label_edition.id == "eu";
  std::vector<double> allowed;
  for (size_t k = 0; k < planned.size(); ++k) {
    cds::v1::ScheduledSession& s = AddPlannedSession(planned[k]);
    const int n = given + static_cast<int>(k);
    const int stage = planned[k].stage;
    const bool first_of_stage = n == regimen_.FirstSessionOfStage(stage);
    const bool last_of_stage =
        regimen_.stages[stage].sessions &&
        n + 1 == regimen_.FirstSessionOfStage(stage) + *regimen_.stages[stage].sessions;
    if (!withheld) {
      // Once every labelled dose is allowed, later sessions allow the same.
      if (allowed.size() < rule->doses_mg.size()) {
        allowed = LabelledDosesAt(*rule, last_dose, static_cast<int>(k));
      }
      s.set_dose_mg(proposal_->dose_mg);
      // EU-type label: maintenance starts at the dose the induction ended on.
      if (IsTrd() && eu_keeps_dose && stage == 1 && first_of_stage) {
        s.add_allowed_doses_mg(proposal_->dose_mg);
      } else {
        s.mutable_allowed_doses_mg()->Add(allowed.begin(), allowed.end());
      }
      s.set_device_count(DeviceCount(proposal_->dose_mg, knowledge_.device_mg));
    }
    s.set_minutes_between_devices(knowledge_.minutes_between_devices);

    std::string& note = *s.mutable_note();
    auto add_note = [&note](const std::string& text) {
      if (!note.empty()) note += "; ";
      note += text;
    };
    if (withheld && k == 0)
      add_note("dose not proposed (see criteria)");
    else if (!withheld && s.number() == 1)
      add_note("first dose");
    if (first_of_stage && n > 0) add_note(StageWords(regimen_.stages[stage]) + " starts");
    if (IsTrd() && stage == 0 && last_of_stage) add_note("end of induction: evaluate benefit");
    if (IsTrd() && eu_keeps_dose && stage == 1 && first_of_stage && !withheld) {
      add_note("EU: the end-of-induction dose continues");
    }
    if (!IsTrd() && last_of_stage) add_note("last session of the 4 studied weeks");
    if (!withheld && eu_84_caution &&
        std::any_of(s.allowed_doses_mg().begin(), s.allowed_doses_mg().end(),
                    [](double d) { return SameDose(d, 84); })) {
      add_note("Child-Pugh B: 84 mg with caution (EU)");
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
  const int induction_sessions = regimen_.stages.front().sessions.value_or(0);
  const int given = static_cast<int>(course_.given.size());
  if (given < induction_sessions) {
    basis_.Add(Rule::kEndOfInduction, kNotApplicable,
               "Not reached yet: " + std::to_string(given) + " of the " +
                   std::to_string(induction_sessions) +
                   " induction sessions given; evaluate benefit at the last induction session "
                   "(marked in the calendar).");
    return;
  }
  // Once weeks 5-8 are over the review point has passed: the response criteria judge the
  // current MADRS, and a stale end-of-induction warning would only repeat them.
  if (NextStage() >= 2) {
    basis_.Add(Rule::kEndOfInduction, kNotApplicable,
               "The end-of-induction review point has passed (weeks 5-8 given); the response "
               "and remission criteria judge the current MADRS.");
    return;
  }
  ReadOutcomes();
  const GivenSession& last_induction = course_.given[induction_sessions - 1];
  std::string explanation =
      "Induction ended with session " + std::to_string(induction_sessions) + " on " +
      sdk::FormatDate(last_induction.date) + ". ";
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
  sdk::AddInput(c, "Sessions given", std::to_string(given), "patient.treatment_course.sessions");
}

void CourseAssessment::AssessEuMaintenance() {
  if (!policy_.label_edition.end_of_induction_dose_into_maintenance) return;
  const int induction_sessions = regimen_.stages.front().sessions.value_or(0);
  const int given = static_cast<int>(course_.given.size());
  std::string explanation;
  for (const CitedText& note : knowledge_.eu_maintenance_notes) {
    explanation += (explanation.empty() ? "" : " ") + note.text;
  }
  cds::v1::CriterionOutcome outcome = kMet;
  if (given >= induction_sessions) {
    const GivenSession& end = course_.given[induction_sessions - 1];
    if (given > induction_sessions && end.dose_mg > 0 &&
        course_.given[induction_sessions].dose_mg > 0 &&
        !SameDose(course_.given[induction_sessions].dose_mg, end.dose_mg)) {
      outcome = kNotMet;
      explanation += " Induction ended at " + Mg(end.dose_mg) + " but maintenance began at " +
                     Mg(course_.given[induction_sessions].dose_mg) + ".";
      basis_.NeedsAttention("EU: maintenance did not start at the end-of-induction dose",
                            explanation);
    } else if (end.dose_mg > 0) {
      explanation += " Induction ended at " + Mg(end.dose_mg) + ".";
    }
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kEuMaintenance, outcome, std::move(explanation));
  sdk::AddInput(c, "Label edition", policy_.label_edition.id, "settings.label_edition");
}

const DoseRule* CourseAssessment::AssessMdsiAge() {
  const LabelEdition& edition = policy_.label_edition;
  const int limit = knowledge_.mdsi_min_age_excluded_years;
  if (!edition.mdsi_under_65_only) {
    cds::v1::Criterion& c =
        basis_.Add(Rule::kMdsiAge, kNotApplicable,
                   "The " + edition.id + " edition gives the MDSI dose without an age limit.");
    sdk::AddInput(c, "Label edition", edition.id, "settings.label_edition");
    return &knowledge_.mdsi_dose;
  }
  if (patient_.birth_date().empty()) {
    cds::v1::Criterion& c = basis_.Add(
        Rule::kMdsiAge, kUnknown,
        "No birth date: the " + edition.id + " edition gives MDSI dosing for adults under " +
            std::to_string(limit) + " only, so no dose is proposed.");
    basis_.Missing("patient.birth_date", "Birth date",
                   "the EU-type label gives MDSI dosing under " + std::to_string(limit) +
                       " only: no dose is proposed");
    basis_.NeedsAttention("no MDSI dose: birth date missing (EU-type label: under 65 only)",
                          c.explanation());
    return nullptr;
  }
  const std::optional<sdk::Date> birth = sdk::ParseDate(patient_.birth_date());
  if (!birth) throw sdk::InvalidRequest("patient.birth_date is not a YYYY-MM-DD date");
  const int age = sdk::AgeInYears(*birth, course_.start);
  const bool under = age < limit;
  cds::v1::Criterion& c = basis_.Add(
      Rule::kMdsiAge, under ? kMet : kNotMet,
      "Aged " + std::to_string(age) + " at the course start. " +
          (under ? std::string("MDSI dosing applies.")
                 : "The " + edition.id + " edition gives MDSI dosing for adults under " +
                       std::to_string(limit) +
                       " only: no automatic dose; the prescriber decides the dose."));
  sdk::AddInput(c, "Age at course start", std::to_string(age) + " years", "patient.birth_date");
  sdk::AddInput(c, "Label edition", edition.id, "settings.label_edition");
  basis_.Cite(c, knowledge_.mdsi_age_citation_ids);
  if (!under) {
    basis_.NeedsAttention("no MDSI dose at " + std::to_string(age) +
                              ": the EU-type label gives it under 65 only",
                          c.explanation());
    return nullptr;
  }
  return &knowledge_.mdsi_dose;
}

void CourseAssessment::AssessChildPugh() {
  const cds::v1::ChildPughClass cls = patient_.child_pugh_class();
  if (cls != cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED) {
    const std::string name = cds::v1::ChildPughClass_Name(cls);
    cds::v1::Criterion* c = nullptr;
    if (cls == cds::v1::CHILD_PUGH_CLASS_A) {
      c = &basis_.Add(Rule::kChildPugh, kNotMet,
                      "Child-Pugh A: no change to dosing or monitoring.");
    } else if (cls == cds::v1::CHILD_PUGH_CLASS_B) {
      child_pugh_b_ = true;
      std::string explanation =
          "Child-Pugh B (moderate hepatic impairment): monitor for adverse reactions for longer "
          "after dosing (added to the discharge conditions).";
      if (policy_.label_edition.id == "eu") {
        explanation += " EU-type label: use the 84 mg dose with caution.";
      }
      c = &basis_.Add(Rule::kChildPugh, kMet, explanation);
      if (policy_.label_edition.id == "eu") {
        basis_.Cite(*c, knowledge_.eu_84mg_caution_citation_ids);
      }
      basis_.NeedsAttention("Child-Pugh B: longer monitoring after dosing", explanation);
    } else {
      child_pugh_c_ = true;
      c = &basis_.Add(Rule::kChildPugh, kMet,
                      "Child-Pugh C (severe hepatic impairment): esketamine is not recommended. "
                      "No session or dose is planned; the prescriber decides.");
      basis_.NeedsAttention("Child-Pugh C: esketamine not recommended; no dose planned",
                            c->explanation());
    }
    sdk::AddInput(*c, "Child-Pugh class", name, "patient.child_pugh_class");
    basis_.Cite(*c, knowledge_.hepatic_citation_ids);
    return;
  }
  // No class: needed only when liver disease is coded.
  const cds::v1::Condition* liver = nullptr;
  int liver_index = -1;
  for (int i = 0; i < patient_.conditions_size() && liver == nullptr; ++i) {
    const cds::v1::Condition& condition = patient_.conditions(i);
    if (!sdk::Counts(condition.verification_status())) continue;
    if (condition.clinical_status() == cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED) continue;
    for (const cds::v1::Coding& coding : condition.code().coding()) {
      for (const std::string& code : knowledge_.liver_disease_icd10cm) {
        if (sdk::CodeMatches(coding, sdk::systems::kIcd10Cm, code)) liver = &condition;
      }
      for (const std::string& code : knowledge_.liver_disease_snomed) {
        if (sdk::CodeMatches(coding, sdk::systems::kSnomedCt, code)) liver = &condition;
      }
      if (liver != nullptr) {
        liver_index = i;
        break;
      }
    }
  }
  if (liver != nullptr) {
    cds::v1::Criterion& c = basis_.Add(
        Rule::kChildPugh, kUnknown,
        "Liver disease is coded but no Child-Pugh class was sent: cdsd cannot tell whether "
        "longer monitoring (B) applies or esketamine is not recommended (C).");
    const std::string path = "patient.conditions[" + std::to_string(liver_index) + "]";
    if (liver->code().coding_size() > 0) {
      sdk::AddInput(c, "Liver disease", sdk::Describe(liver->code().coding(0)), path);
    }
    basis_.Missing("patient.child_pugh_class", "Child-Pugh class",
                   "liver disease is coded: class C means esketamine is not recommended");
    basis_.NeedsAttention("liver disease coded: Child-Pugh class needed", c.explanation());
    return;
  }
  const cds::v1::Retrieval retrieval = patient_.retrieval().conditions();
  const bool retrieved =
      retrieval == cds::v1::RETRIEVAL_RETRIEVED ||
      (retrieval == cds::v1::RETRIEVAL_UNSPECIFIED && patient_.conditions_size() > 0);
  if (!retrieved) {
    basis_.Add(Rule::kChildPugh, kUnknown,
               "No Child-Pugh class and the diagnoses were not retrieved: liver disease cannot be "
               "ruled out.");
    basis_.Missing("patient.conditions", "Problem list / diagnoses (not retrieved)",
                   "cannot tell whether liver disease makes the Child-Pugh class needed");
    return;
  }
  basis_.Add(Rule::kChildPugh, kNotApplicable,
             "No liver disease coded in the diagnoses retrieved: the Child-Pugh class is not "
             "needed.");
}

}  // namespace cds::dosing
