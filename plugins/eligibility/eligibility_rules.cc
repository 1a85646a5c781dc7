#include "eligibility_rules.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "eligibility_retrieval.h"

namespace cds::eligibility {

namespace {

using cds::sdk::AddInput;
using cds::sdk::AddMissingInput;
using cds::sdk::FormatNumber;
using cds::v1::Criterion;
using cds::v1::CriterionOutcome;

constexpr std::int64_t kSecondsPerDay = 86400;

std::string Indexed(const char* field, int index) {
  return std::string("patient.") + field + "[" + std::to_string(index) + "]";
}

void Conclude(Criterion& criterion, CriterionOutcome outcome, std::string explanation) {
  criterion.set_outcome(outcome);
  criterion.set_explanation(std::move(explanation));
}

// Appends `advice` after `text` with a space when both are present.
std::string WithAdvice(std::string text, const std::string& advice) {
  if (!advice.empty()) {
    if (!text.empty()) text += ' ';
    text += advice;
  }
  return text;
}

// A condition whose status was not sent may still be current: absence is never "resolved".
bool IsCurrent(cds::v1::ConditionClinicalStatus status) {
  return status != cds::v1::CONDITION_CLINICAL_STATUS_INACTIVE &&
         status != cds::v1::CONDITION_CLINICAL_STATUS_REMISSION &&
         status != cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED;
}

bool IsCurrent(cds::v1::AllergyClinicalStatus status) {
  return status != cds::v1::ALLERGY_CLINICAL_STATUS_INACTIVE &&
         status != cds::v1::ALLERGY_CLINICAL_STATUS_RESOLVED;
}

const char* StatusText(cds::v1::ConditionClinicalStatus status) {
  switch (status) {
    case cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE: return "active";
    case cds::v1::CONDITION_CLINICAL_STATUS_RECURRENCE: return "recurrence";
    case cds::v1::CONDITION_CLINICAL_STATUS_RELAPSE: return "relapse";
    case cds::v1::CONDITION_CLINICAL_STATUS_INACTIVE: return "inactive";
    case cds::v1::CONDITION_CLINICAL_STATUS_REMISSION: return "in remission";
    case cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED: return "resolved";
    default: return "status not sent";
  }
}

const char* StatusText(cds::v1::AllergyClinicalStatus status) {
  switch (status) {
    case cds::v1::ALLERGY_CLINICAL_STATUS_ACTIVE: return "active";
    case cds::v1::ALLERGY_CLINICAL_STATUS_INACTIVE: return "inactive";
    case cds::v1::ALLERGY_CLINICAL_STATUS_RESOLVED: return "resolved";
    default: return "status not sent";
  }
}

const char* VerificationNote(cds::v1::VerificationStatus status) {
  switch (status) {
    case cds::v1::VERIFICATION_STATUS_PROVISIONAL: return ", provisional";
    case cds::v1::VERIFICATION_STATUS_DIFFERENTIAL: return ", differential";
    case cds::v1::VERIFICATION_STATUS_UNCONFIRMED: return ", unconfirmed";
    default: return "";
  }
}

// Stopped and completed medicines do not count; every other status, including "not sent",
// is treated as possibly being taken.
bool MayBeTaking(cds::v1::MedicationStatus status) {
  return status != cds::v1::MEDICATION_STATUS_STOPPED &&
         status != cds::v1::MEDICATION_STATUS_COMPLETED;
}

bool ConfirmedTaking(cds::v1::MedicationStatus status) {
  return status == cds::v1::MEDICATION_STATUS_ACTIVE ||
         status == cds::v1::MEDICATION_STATUS_INTENDED;
}

const char* MedicationStatusNote(cds::v1::MedicationStatus status) {
  switch (status) {
    case cds::v1::MEDICATION_STATUS_ACTIVE: return "active";
    case cds::v1::MEDICATION_STATUS_INTENDED: return "intended";
    case cds::v1::MEDICATION_STATUS_ON_HOLD: return "on hold, may restart";
    case cds::v1::MEDICATION_STATUS_STOPPED: return "stopped";
    case cds::v1::MEDICATION_STATUS_COMPLETED: return "completed";
    default: return "status not sent, treated as possibly taken";
  }
}

std::string DescribeMedication(const cds::v1::MedicationStatement& statement,
                               const RecognisedMedication& recognised) {
  std::string text = recognised.medicine->name;
  if (statement.has_daily_dose()) {
    text += ' ';
    text += FormatNumber(statement.daily_dose().value());
    text += ' ';
    text += statement.daily_dose().unit();
  }
  text += " (";
  text += MedicationStatusNote(statement.status());
  text += recognised.by_name ? "; recognised from its name" : "";
  text += ')';
  return text;
}

// "I71.4 (ICD-10-CM)", marked when the knowledge file's entry was not checked against a
// published code table, so the reader knows how far to trust the match.
std::string DescribeMatch(const cds::v1::Coding& coding, const CodeEntry& entry) {
  std::string text = cds::sdk::Describe(coding);
  if (!entry.site_value_set.empty()) {
    text += " [site value set " + entry.site_value_set + "]";
  } else if (!entry.verified) {
    text += " [code not verified in the knowledge file]";
  }
  return text;
}

std::string DateOf(const google::protobuf::Timestamp& time) {
  std::int64_t days = time.seconds() / kSecondsPerDay;
  if (time.seconds() < 0 && time.seconds() % kSecondsPerDay != 0) --days;
  return cds::sdk::FormatDate(cds::sdk::Date(std::chrono::days(days)));
}

// ---- minimum_age -------------------------------------------------------------------------

void MinimumAge(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                cds::v1::Card& card) {
  const std::string& birth = ctx.patient.birth_date();
  const char* impact = "cannot confirm the patient is an adult (an eligibility requirement)";
  if (birth.empty()) {
    AddMissingInput(card, "patient.birth_date", "Birth date", impact);
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "Birth date not sent: the age cannot be checked.");
    return;
  }
  const std::optional<cds::sdk::Date> born = cds::sdk::ParseDate(birth);
  if (!born || *born > ctx.evaluation_date) {
    AddInput(criterion, "Birth date", birth, "patient.birth_date");
    AddMissingInput(card, "patient.birth_date", "Birth date (usable)", impact);
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             born ? "Birth date is after the evaluation date: the age cannot be checked."
                  : "Birth date is not a valid YYYY-MM-DD date: the age cannot be checked.");
    return;
  }
  const int age = cds::sdk::AgeInYears(*born, ctx.evaluation_date);
  const std::string on = cds::sdk::FormatDate(ctx.evaluation_date);
  AddInput(criterion, "Age on " + on, std::to_string(age) + " years (born " + birth + ")",
           "patient.birth_date");
  const std::string facts = "Age " + std::to_string(age) + " on " + on + "; the minimum is " +
                            std::to_string(ctx.settings.minimum_age) + ".";
  if (age >= ctx.settings.minimum_age) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET, WithAdvice(facts, spec.when_met));
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, WithAdvice(facts, spec.when_not_met));
  }
}

// ---- indication: the diagnosis --------------------------------------------------------------

bool Tentative(cds::v1::VerificationStatus status) {
  return status == cds::v1::VERIFICATION_STATUS_PROVISIONAL ||
         status == cds::v1::VERIFICATION_STATUS_DIFFERENTIAL ||
         status == cds::v1::VERIFICATION_STATUS_UNCONFIRMED;
}

// The label treats major depressive disorder. A confirmed excluding diagnosis (bipolar
// disorder: a history of mania rules out MDD, so any status counts) takes the patient outside
// it, even beside an MDD code; a tentative one, an MDD code only in remission or not confirmed,
// or a depression not coded as MDD, needs a clinician to confirm the diagnosis; a retrieved
// problem list without any of these does not show the indication.
void IndicationDiagnosis(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                         cds::v1::Card& card) {
  std::string excluded, excluded_tentative, active, in_remission, other;
  const auto& conditions = ctx.patient.conditions();
  for (int i = 0; i < conditions.size(); ++i) {
    const cds::v1::Condition& condition = conditions[i];
    if (!cds::sdk::Counts(condition.verification_status())) continue;
    const CodeEntry* entry = nullptr;
    std::string* bucket = nullptr;
    const cds::v1::Coding* coding = spec.excluding_codes.FindMatch(condition.code(), &entry);
    if (coding != nullptr) {
      bucket = Tentative(condition.verification_status()) ? &excluded_tentative : &excluded;
    } else if ((coding = spec.codes.FindMatch(condition.code(), &entry)) != nullptr) {
      const bool remission_code = spec.remission_codes.FindMatch(condition.code()) != nullptr;
      const bool current = IsCurrent(condition.clinical_status()) && !remission_code &&
                           !Tentative(condition.verification_status());
      bucket = current ? &active : &in_remission;
    } else if ((coding = spec.possible_codes.FindMatch(condition.code(), &entry)) != nullptr) {
      bucket = &other;
    } else {
      continue;
    }
    const std::string described = DescribeMatch(*coding, *entry);
    AddInput(criterion, "Diagnosis",
             described + " (" + StatusText(condition.clinical_status()) +
                 VerificationNote(condition.verification_status()) + ")",
             Indexed("conditions", i));
    if (bucket->empty()) *bucket = described;
  }
  if (!excluded.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             "Recorded: " + excluded +
                 ". Bipolar disorder is outside the indication (major depressive disorder)" +
                 (active.empty() ? std::string(".")
                                 : "; the MDD code " + active + " conflicts with it.") +
                 (spec.when_not_met.empty() ? "" : " " + spec.when_not_met));
  } else if (!excluded_tentative.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             excluded_tentative + " is recorded as not confirmed: bipolar disorder would put the "
                                  "patient outside the indication; confirm the diagnosis.");
  } else if (!active.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice("Recorded: " + active + ".", spec.when_met));
  } else if (!ListRetrieved(ctx.patient, PatientList::kConditions)) {
    AddListNotRetrieved(card, PatientList::kConditions,
                        "cannot confirm major depressive disorder (the indication) or rule out "
                        "the contraindications");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "The diagnoses were not retrieved: the indication (major depressive disorder) "
             "cannot be confirmed.");
  } else if (!in_remission.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "Major depressive disorder is recorded only as in remission, inactive or not "
             "confirmed (" + in_remission + "): confirm a current episode.");
  } else if (!other.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "A depressive disorder is recorded but not coded as major depressive disorder (" +
                 other + "): confirm whether the patient has MDD, the labelled indication.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             WithAdvice("No major depressive disorder among the " +
                            std::to_string(conditions.size()) + " retrieved diagnoses.",
                        spec.when_not_met));
  }
}

// ---- failed antidepressant trials --------------------------------------------------------

enum class TrialVerdict { kFailed, kNotFailed, kUnknown };

struct TrialAssessment {
  TrialVerdict verdict = TrialVerdict::kUnknown;
  const Medicine* drug = nullptr;
  std::string summary;
};

struct TrialTally {
  // Different antidepressants with a confirmed failed trial.
  std::vector<const Medicine*> failed;
  // Further different drugs that could have failed, if their unknown data allowed it.
  int could_also_count = 0;
  std::vector<TrialAssessment> trials;
};

const char* AssessmentText(cds::v1::Assessment a) {
  switch (a) {
    case cds::v1::ASSESSMENT_YES: return "yes";
    case cds::v1::ASSESSMENT_NO: return "no";
    case cds::v1::ASSESSMENT_UNKNOWN: return "unknown";
    default: return "not recorded";
  }
}

// A trial fails (counts towards TRD) when the drug is a recognised oral antidepressant, the dose
// was adequate, it lasted at least the adequate duration and the improvement was within the
// non-response threshold. Any known fact that rules the trial out settles it; otherwise any
// missing fact leaves it unknown.
TrialAssessment AssessTrial(const cds::v1::AntidepressantTrial& trial, int index,
                            const RuleContext& ctx, std::vector<std::string>* missing_paths) {
  TrialAssessment a;
  bool by_name = false;
  const Medicine* medicine = RecogniseMedicine(trial.drug(), "", ctx.knowledge, &by_name);
  const bool is_antidepressant =
      medicine != nullptr && (medicine->classes & ctx.knowledge.oral_antidepressant()) != 0;
  if (is_antidepressant) a.drug = medicine;

  std::vector<std::string> against;
  std::vector<std::string> unknown;
  const std::string path = Indexed("antidepressant_trials", index);
  if (!is_antidepressant) {
    unknown.push_back("drug not recognised as an oral antidepressant");
    missing_paths->push_back(path + ".drug");
  }
  switch (trial.adequate_dose()) {
    case cds::v1::ASSESSMENT_YES: break;
    case cds::v1::ASSESSMENT_NO: against.push_back("dose not adequate"); break;
    default:
      unknown.push_back("dose adequacy not recorded");
      missing_paths->push_back(path + ".adequate_dose");
  }
  if (!trial.has_duration_weeks()) {
    unknown.push_back("duration not recorded");
    missing_paths->push_back(path + ".duration_weeks");
  } else if (trial.duration_weeks() < ctx.settings.adequate_trial_weeks) {
    against.push_back("shorter than " + FormatNumber(ctx.settings.adequate_trial_weeks) + " weeks");
  }
  if (!trial.has_percent_improvement()) {
    unknown.push_back("improvement not recorded");
    missing_paths->push_back(path + ".percent_improvement");
  } else {
    const double improvement = trial.percent_improvement();
    const double threshold = ctx.settings.non_response_max_improvement_percent;
    const bool non_response =
        ctx.settings.non_response_inclusive ? improvement <= threshold : improvement < threshold;
    if (!non_response) {
      against.push_back(std::string("improvement not ") +
                        (ctx.settings.non_response_inclusive ? "at or below " : "below ") +
                        FormatNumber(threshold) + " %");
    }
  }

  std::string drug_text;
  if (medicine) {
    drug_text = medicine->name;
  } else if (!trial.drug().text().empty()) {
    drug_text = trial.drug().text();
  } else if (trial.drug().coding_size() > 0) {
    drug_text = cds::sdk::Describe(trial.drug().coding(0));
  } else {
    drug_text = "drug not sent";
  }
  a.summary = drug_text + ": adequate dose " + AssessmentText(trial.adequate_dose()) + ", " +
              (trial.has_duration_weeks() ? FormatNumber(trial.duration_weeks()) + " weeks"
                                          : std::string("duration not recorded")) +
              ", " +
              (trial.has_percent_improvement()
                   ? FormatNumber(trial.percent_improvement()) + " % improvement"
                   : std::string("improvement not recorded"));
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
  };
  if (!against.empty()) {
    a.verdict = TrialVerdict::kNotFailed;
    a.summary += " -> does not count (" + join(against) + ")";
    missing_paths->resize(missing_paths->size() - unknown.size());
  } else if (!unknown.empty()) {
    a.verdict = TrialVerdict::kUnknown;
    a.summary += " -> unknown (" + join(unknown) + ")";
  } else {
    a.verdict = TrialVerdict::kFailed;
    a.summary += " -> failed trial";
  }
  return a;
}

TrialTally TallyTrials(const RuleContext& ctx, std::vector<std::string>* missing_paths) {
  TrialTally tally;
  const auto& trials = ctx.patient.antidepressant_trials();
  for (int i = 0; i < trials.size(); ++i) {
    tally.trials.push_back(AssessTrial(trials[i], i, ctx, missing_paths));
    const TrialAssessment& a = tally.trials.back();
    if (a.verdict == TrialVerdict::kFailed &&
        std::find(tally.failed.begin(), tally.failed.end(), a.drug) == tally.failed.end()) {
      tally.failed.push_back(a.drug);
    }
  }
  // Unknown trials could add a drug not already counted; an unrecognised drug could be any.
  std::vector<const Medicine*> possible;
  for (const TrialAssessment& a : tally.trials) {
    if (a.verdict != TrialVerdict::kUnknown) continue;
    if (a.drug == nullptr) {
      ++tally.could_also_count;
    } else if (std::find(tally.failed.begin(), tally.failed.end(), a.drug) == tally.failed.end() &&
               std::find(possible.begin(), possible.end(), a.drug) == possible.end()) {
      possible.push_back(a.drug);
      ++tally.could_also_count;
    }
  }
  return tally;
}

std::string NamesOf(const std::vector<const Medicine*>& medicines) {
  std::string out;
  for (const Medicine* m : medicines) out += (out.empty() ? "" : ", ") + m->name;
  return out;
}

void FailedAntidepressantTrials(const CriterionSpec& spec, const RuleContext& ctx,
                                Criterion& criterion, cds::v1::Card& card) {
  const int needed = ctx.settings.min_failed_trials;
  const char* impact = "cannot confirm treatment-resistant depression (an eligibility requirement)";
  const bool retrieved = ListRetrieved(ctx.patient, PatientList::kAntidepressantTrials);
  if (ctx.patient.antidepressant_trials_size() == 0) {
    if (retrieved) {
      Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
               WithAdvice("The antidepressant-trial history was retrieved and lists no trial in "
                          "this episode.",
                          spec.when_not_met));
      return;
    }
    AddMissingInput(card, "patient.antidepressant_trials", "Antidepressant trials in this episode",
                    impact);
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "Antidepressant trials not retrieved: treatment resistance cannot be confirmed.");
    return;
  }
  std::vector<std::string> missing_paths;
  const TrialTally tally = TallyTrials(ctx, &missing_paths);
  for (std::size_t i = 0; i < tally.trials.size(); ++i) {
    AddInput(criterion, "Antidepressant trial " + std::to_string(i + 1), tally.trials[i].summary,
             Indexed("antidepressant_trials", static_cast<int>(i)));
  }
  const int failed = static_cast<int>(tally.failed.size());
  std::string facts = std::to_string(failed) + " different antidepressant" +
                      (failed == 1 ? "" : "s") + " with a failed trial" +
                      (failed > 0 ? " (" + NamesOf(tally.failed) + ")" : "") + "; " +
                      std::to_string(needed) + " needed.";
  if (failed >= needed) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET, WithAdvice(facts, spec.when_met));
  } else if (failed + tally.could_also_count >= needed) {
    for (const std::string& path : missing_paths) {
      AddMissingInput(card, path, "Antidepressant trial detail", impact);
    }
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " " + std::to_string(tally.could_also_count) +
                 " more trial(s) could count but lack the data to decide.");
  } else if (!retrieved) {
    AddListNotRetrieved(card, PatientList::kAntidepressantTrials, impact);
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " The trial history is marked not retrieved, so other trials may exist.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, WithAdvice(facts, spec.when_not_met));
  }
}

void FailedTrialLimit(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                      cds::v1::Card& card) {
  const int limit = ctx.settings.max_trials_counted;
  if (limit == 0) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE,
             "No limit set (max_trials_counted is 0).");
    return;
  }
  // The TRD criterion reports the trials' missing data; this one only counts.
  std::vector<std::string> missing_already_reported;
  const TrialTally tally = TallyTrials(ctx, &missing_already_reported);
  const int failed = static_cast<int>(tally.failed.size());
  AddInput(criterion, "Different antidepressants with a failed trial", std::to_string(failed),
           "patient.antidepressant_trials");
  const std::string facts =
      std::to_string(failed) + " failed; the studied limit is " + std::to_string(limit) + ".";
  if (failed > limit) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET, WithAdvice(facts, spec.when_met));
  } else if (failed + tally.could_also_count > limit) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " Trials with missing data could take the count above the limit.");
  } else if (!ListRetrieved(ctx.patient, PatientList::kAntidepressantTrials)) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " The trial history was not retrieved, so the count may be higher.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, facts);
  }
}

// ---- concomitant oral antidepressant -----------------------------------------------------

void ConcomitantOralAntidepressant(const CriterionSpec& spec, const RuleContext& ctx,
                                   Criterion& criterion, cds::v1::Card& card) {
  const ConcomitantRequirement& requirement =
      ctx.label_edition.by_indication[static_cast<int>(ctx.indication)];
  for (const std::string& id : requirement.citation_ids) criterion.add_citation_ids(id);
  const std::string edition = "Label edition " + ctx.label_edition.id + " (" +
                              ctx.label_edition.title + "): " + requirement.wording + ".";

  const MedicineClasses wanted = requirement.required_classes != 0
                                     ? requirement.required_classes
                                     : ctx.knowledge.oral_antidepressant();
  std::string confirmed;
  std::vector<int> unconfirmed;
  for (const RecognisedMedication& rm : ctx.medications) {
    const cds::v1::MedicationStatement& statement = ctx.patient.medications(rm.index);
    if (!(rm.medicine->classes & ctx.knowledge.oral_antidepressant())) continue;
    if (!MayBeTaking(statement.status())) continue;
    AddInput(criterion, "Oral antidepressant", DescribeMedication(statement, rm),
             Indexed("medications", rm.index));
    if (!(rm.medicine->classes & wanted)) continue;
    if (ConfirmedTaking(statement.status())) {
      confirmed += (confirmed.empty() ? "" : ", ") + rm.medicine->name;
    } else {
      unconfirmed.push_back(rm.index);
    }
  }

  if (requirement.required_classes == 0) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE,
             edition + " Not required" +
                 (confirmed.empty() ? "." : "; currently taking " + confirmed + "."));
    return;
  }
  const std::string needed = ctx.knowledge.DescribeClasses(requirement.required_classes);
  if (!confirmed.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             edition + " Taking " + confirmed + " (" + needed + ").");
  } else if (!unconfirmed.empty()) {
    for (int index : unconfirmed) {
      AddMissingInput(card, Indexed("medications", index) + ".status", "Medication status",
                      "cannot confirm the required " + needed + " is being taken");
    }
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             edition + " An " + needed + " is listed but not confirmed as active or intended.");
  } else if (!ListRetrieved(ctx.patient, PatientList::kMedications)) {
    AddListNotRetrieved(card, PatientList::kMedications,
                        "cannot confirm the oral antidepressant the label edition requires");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             edition + " The medication list was not retrieved.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             WithAdvice(edition + " No active or intended " + needed + " in the medication list.",
                        spec.when_not_met));
  }
}

// ---- coded conditions and allergies ------------------------------------------------------

struct CodedFindings {
  bool met = false;
  bool unknown = false;
  std::string first_met;
  std::string unknown_reason;
};

void NoteFinding(CodedFindings& f, bool definite, bool current, InactiveRecords when_inactive,
                 const std::string& what) {
  if (!definite) {
    if (!current && when_inactive == InactiveRecords::kIgnore) return;
    f.unknown = true;
    if (f.unknown_reason.empty()) {
      f.unknown_reason = what + " may indicate this but does not establish it";
    }
    return;
  }
  if (current || when_inactive == InactiveRecords::kSame) {
    if (!f.met) f.first_met = what;
    f.met = true;
  } else if (when_inactive == InactiveRecords::kReview) {
    f.unknown = true;
    if (f.unknown_reason.empty()) {
      f.unknown_reason =
          what + " is recorded as no longer active: confirm whether it still applies";
    }
  }
}

// A match counts whatever the list's retrieval state; "none found" needs the list retrieved.
void ConcludeCoded(const CriterionSpec& spec, const CodedFindings& f, const RuleContext& ctx,
                   PatientList list, Criterion& criterion, cds::v1::Card& card,
                   const char* where) {
  if (f.met) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice("Recorded: " + f.first_met + ".", spec.when_met));
  } else if (!ListRetrieved(ctx.patient, list)) {
    AddListNotRetrieved(card, list, "cannot rule out the contraindications and cautions it holds");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             std::string(ListPath(list)) + " was not retrieved: " +
                 (f.unknown ? f.unknown_reason + "; " : std::string()) +
                 "absence cannot be concluded.");
  } else if (f.unknown) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN, f.unknown_reason + ".");
  } else {
    std::string text = std::string("No ") + where + " matches the " +
                       std::to_string(spec.codes.entries().size()) + " codes of this criterion";
    if (spec.when_inactive == InactiveRecords::kIgnore) text += " (resolved records do not count)";
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, text + ".");
  }
}

void ScanConditions(const CriterionSpec& spec, const RuleContext& ctx, const CodeList& codes,
                    bool definite, Criterion& criterion, CodedFindings& findings) {
  const auto& conditions = ctx.patient.conditions();
  for (int i = 0; i < conditions.size(); ++i) {
    const cds::v1::Condition& condition = conditions[i];
    if (!cds::sdk::Counts(condition.verification_status())) continue;
    const CodeEntry* entry = nullptr;
    const cds::v1::Coding* coding = codes.FindMatch(condition.code(), &entry);
    if (coding == nullptr) continue;
    const bool current = IsCurrent(condition.clinical_status());
    const std::string described = DescribeMatch(*coding, *entry);
    AddInput(criterion, "Condition",
             described + " (" + StatusText(condition.clinical_status()) +
                 VerificationNote(condition.verification_status()) + ")",
             Indexed("conditions", i));
    NoteFinding(findings, definite, current, spec.when_inactive, described);
  }
}

void CodedCondition(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                    cds::v1::Card& card) {
  CodedFindings findings;
  ScanConditions(spec, ctx, spec.codes, true, criterion, findings);
  if (!spec.possible_codes.empty()) {
    ScanConditions(spec, ctx, spec.possible_codes, false, criterion, findings);
  }
  ConcludeCoded(spec, findings, ctx, PatientList::kConditions, criterion, card,
                "recorded condition");
}

// The words of an allergy's substance that name one of `names`, or empty.
std::string NamedInWords(const cds::v1::CodeableConcept& substance,
                         const std::vector<std::string>& names) {
  auto names_any = [&names](const std::string& text) {
    for (const std::string& name : names) {
      if (ContainsWord(text, name)) return true;
    }
    return false;
  };
  if (names_any(substance.text())) return substance.text();
  for (const cds::v1::Coding& coding : substance.coding()) {
    if (names_any(coding.display())) return coding.display();
  }
  return "";
}

void SubstanceAllergy(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                      cds::v1::Card& card) {
  CodedFindings findings;
  const auto& allergies = ctx.patient.allergies();
  for (int i = 0; i < allergies.size(); ++i) {
    const cds::v1::AllergyIntolerance& allergy = allergies[i];
    if (!cds::sdk::Counts(allergy.verification_status())) continue;
    const CodeEntry* entry = nullptr;
    const cds::v1::Coding* coding = spec.codes.FindMatch(allergy.substance(), &entry);
    const bool definite = coding != nullptr;
    if (!definite && !spec.possible_codes.empty())
      coding = spec.possible_codes.FindMatch(allergy.substance(), &entry);
    std::string described;
    if (coding != nullptr) {
      described = DescribeMatch(*coding, *entry);
    } else {
      // Uncoded (or locally coded) allergies are common: the words alone raise the question.
      const std::string words = NamedInWords(allergy.substance(), spec.substance_names);
      if (words.empty()) continue;
      described = "\"" + words + "\" (named in words, no recognised code)";
    }
    AddInput(criterion, "Allergy",
             described + " (" + StatusText(allergy.clinical_status()) +
                 VerificationNote(allergy.verification_status()) +
                 (allergy.reaction().empty() ? "" : "; reaction: " + allergy.reaction()) + ")",
             Indexed("allergies", i));
    NoteFinding(findings, definite, IsCurrent(allergy.clinical_status()), spec.when_inactive,
                described);
  }
  // ICD-10-CM has no ingredient-specific allergy code: status codes can only raise a question.
  if (!spec.possible_codes.empty()) {
    ScanConditions(spec, ctx, spec.possible_codes, false, criterion, findings);
  }
  ConcludeCoded(spec, findings, ctx, PatientList::kAllergies, criterion, card,
                "recorded allergy or condition");
}

// ---- blood pressure ----------------------------------------------------------------------

struct Reading {
  const char* name;
  const char* path;
  double threshold;
  std::optional<cds::sdk::FoundObservation> found;
  bool unit_ok = false;
  bool current = false;
  std::string problem;  // why a normal value cannot be relied on
};

Reading ReadBloodPressure(const RuleContext& ctx, std::string_view loinc, const char* name,
                          const char* path, double threshold) {
  Reading r{name, path, threshold, cds::sdk::LatestObservation(ctx.patient, loinc)};
  if (!r.found) {
    r.problem = std::string(name) + " not sent";
    return r;
  }
  const cds::v1::Observation& o = *r.found->observation;
  r.unit_ok = o.unit().empty() || o.unit() == "mm[Hg]" || o.unit() == "mmHg";
  if (!r.unit_ok) {
    r.problem = std::string(name) + " unit \"" + o.unit() + "\" is not mm[Hg]";
    return r;
  }
  const int max_days = ctx.settings.blood_pressure_max_age_days;
  if (max_days == 0) {
    r.current = true;
  } else if (!o.has_effective_time()) {
    r.problem = std::string(name) + " reading has no time, so it cannot be confirmed as current";
  } else {
    const std::int64_t age = ctx.evaluation_seconds - o.effective_time().seconds();
    r.current = age <= static_cast<std::int64_t>(max_days) * kSecondsPerDay;
    if (!r.current) {
      r.problem =
          std::string(name) + " reading is older than " + std::to_string(max_days) + " days";
    }
  }
  return r;
}

// The two blood-pressure tiers share one reading of the observations: above the caution
// thresholds (strictly) the risk is weighed; at or above the defer thresholds no dose is given
// today.
void BloodPressureTier(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                       cds::v1::Card& card, double systolic, double diastolic, bool inclusive) {
  Reading readings[] = {
      ReadBloodPressure(ctx, cds::sdk::loinc::kSystolicBp, "Systolic blood pressure",
                        "patient.observations[http://loinc.org|8480-6]", systolic),
      ReadBloodPressure(ctx, cds::sdk::loinc::kDiastolicBp, "Diastolic blood pressure",
                        "patient.observations[http://loinc.org|8462-4]", diastolic),
  };
  const char* comparison = inclusive ? "at or above " : "above ";
  bool above = false;
  bool all_reliable = true;
  std::string values;
  std::string problems;
  for (Reading& r : readings) {
    if (r.found) {
      const cds::v1::Observation& o = *r.found->observation;
      std::string value = FormatNumber(o.value()) + " " + (o.unit().empty() ? "mm[Hg]" : o.unit());
      value += o.has_effective_time() ? " on " + DateOf(o.effective_time()) : " (undated)";
      AddInput(criterion, r.name, value, r.found->path);
      values += (values.empty() ? "" : ", ") + std::string(r.name) + " " + value;
      // A high reading is a reason to review whatever its age.
      if (r.unit_ok && (inclusive ? o.value() >= r.threshold : o.value() > r.threshold)) {
        above = true;
      }
    }
    if (!r.problem.empty()) {
      all_reliable = false;
      problems += (problems.empty() ? "" : "; ") + r.problem;
    }
  }
  const std::string threshold = FormatNumber(systolic) + "/" + FormatNumber(diastolic) + " mmHg";
  if (above) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice(values + ": " + comparison + threshold + ".", spec.when_met));
  } else if (!ListRetrieved(ctx.patient, PatientList::kObservations)) {
    AddListNotRetrieved(card, PatientList::kObservations,
                        "cannot confirm the latest pre-dose blood pressure");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             (values.empty() ? std::string() : values + "; ") +
                 "the observations were not retrieved, so a later reading may exist.");
  } else if (all_reliable) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             values + ": not " + comparison + threshold + ".");
  } else {
    for (const Reading& r : readings) {
      if (r.problem.empty()) continue;
      AddMissingInput(card, r.path, std::string(r.name) + " (pre-dose)",
                      "cannot check the blood-pressure caution (" + r.problem + ")");
    }
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             (values.empty() ? std::string() : values + "; ") + problems + ".");
  }
}

// ---- recent events ---------------------------------------------------------------------------

// A matching condition counts when its onset lies within the window setting's days before the
// evaluation date, whatever its status now (a resolved recent infarction is still recent). No
// onset date: the window cannot be checked.
void RecentCondition(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                     cds::v1::Card& card) {
  const int days = ctx.settings.WindowDays(spec.window_setting);
  std::string within, undated;
  const auto& conditions = ctx.patient.conditions();
  for (int i = 0; i < conditions.size(); ++i) {
    const cds::v1::Condition& condition = conditions[i];
    if (!cds::sdk::Counts(condition.verification_status())) continue;
    const CodeEntry* entry = nullptr;
    const cds::v1::Coding* coding = spec.codes.FindMatch(condition.code(), &entry);
    if (coding == nullptr) continue;
    const std::string described = DescribeMatch(*coding, *entry);
    const std::optional<cds::sdk::Date> onset = cds::sdk::ParseDate(condition.onset_date());
    AddInput(criterion, "Condition",
             described + (onset ? ", onset " + condition.onset_date() : ", no onset date") + " (" +
                 StatusText(condition.clinical_status()) + ")",
             Indexed("conditions", i));
    if (!onset) {
      if (undated.empty()) undated = described;
      AddMissingInput(card, Indexed("conditions", i) + ".onset_date", "Onset date",
                      "cannot tell whether the event was within " + std::to_string(days) +
                          " days");
      continue;
    }
    const auto age = (ctx.evaluation_date - *onset).count();
    if (age >= 0 && age <= days && within.empty()) within = described;
  }
  const std::string window = std::to_string(days) + " days";
  if (!within.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice("Onset within " + window + ": " + within + ".", spec.when_met));
  } else if (!undated.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             undated + " is recorded without an onset date: cannot tell whether it was within " +
                 window + ".");
  } else if (!ListRetrieved(ctx.patient, PatientList::kConditions)) {
    AddListNotRetrieved(card, PatientList::kConditions,
                        "cannot rule out the contraindications and cautions it holds");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "The diagnoses were not retrieved: a recent event cannot be ruled out.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             "No matching event with onset within " + window + ".");
  }
}

// ---- pregnancy, breastfeeding --------------------------------------------------------------

bool RecordedMale(const cds::v1::PatientContext& patient) {
  return patient.sex() == cds::v1::ADMINISTRATIVE_SEX_MALE;
}

void Pregnancy(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
               cds::v1::Card& card) {
  const cds::v1::PregnancyStatus status = ctx.patient.pregnancy_status();
  if (status != cds::v1::PREGNANCY_STATUS_UNSPECIFIED) {
    AddInput(criterion, "Pregnancy status", cds::v1::PregnancyStatus_Name(status),
             "patient.pregnancy_status");
  }
  // The knowledge file sets when_inactive "ignore": a resolved pregnancy record is a past one.
  CodedFindings coded;
  ScanConditions(spec, ctx, spec.codes, true, criterion, coded);
  if (status == cds::v1::PREGNANCY_STATUS_PREGNANT || coded.met) {
    std::string facts = status == cds::v1::PREGNANCY_STATUS_PREGNANT
                            ? "Recorded as pregnant."
                            : "A current pregnancy is coded: " + coded.first_met + ".";
    if (status == cds::v1::PREGNANCY_STATUS_NOT_PREGNANT) {
      facts += " This conflicts with the recorded status NOT_PREGNANT.";
    }
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET, WithAdvice(facts, spec.when_met));
    return;
  }
  switch (status) {
    case cds::v1::PREGNANCY_STATUS_NOT_PREGNANT:
      Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, "Recorded as not pregnant.");
      return;
    case cds::v1::PREGNANCY_STATUS_NOT_APPLICABLE:
      Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE,
               "The record says pregnancy is not applicable to this patient.");
      return;
    default: break;
  }
  if (RecordedMale(ctx.patient)) {
    AddInput(criterion, "Sex", "ADMINISTRATIVE_SEX_MALE", "patient.sex");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE,
             "Recorded as male and no pregnancy status sent.");
    return;
  }
  AddMissingInput(card, "patient.pregnancy_status", "Pregnancy status",
                  "cannot rule out pregnancy (a caution)");
  Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
           status == cds::v1::PREGNANCY_STATUS_UNKNOWN
               ? "Pregnancy status recorded as unknown: pregnancy cannot be ruled out."
               : "Pregnancy status not sent and the patient is not recorded as male: pregnancy "
                 "cannot be ruled out.");
}

void Breastfeeding(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                   cds::v1::Card& card) {
  const cds::v1::BreastfeedingStatus status = ctx.patient.breastfeeding_status();
  if (status != cds::v1::BREASTFEEDING_STATUS_UNSPECIFIED) {
    AddInput(criterion, "Breastfeeding status", cds::v1::BreastfeedingStatus_Name(status),
             "patient.breastfeeding_status");
  }
  if (status == cds::v1::BREASTFEEDING_STATUS_BREASTFEEDING) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice("Recorded as breastfeeding.", spec.when_met));
    return;
  }
  if (status == cds::v1::BREASTFEEDING_STATUS_NOT_BREASTFEEDING) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, "Recorded as not breastfeeding.");
    return;
  }
  if (RecordedMale(ctx.patient)) {
    AddInput(criterion, "Sex", "ADMINISTRATIVE_SEX_MALE", "patient.sex");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE,
             "Recorded as male and no breastfeeding status sent.");
    return;
  }
  AddMissingInput(card, "patient.breastfeeding_status", "Breastfeeding status",
                  "cannot rule out breastfeeding (a caution)");
  Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
           "Breastfeeding status not sent or unknown: breastfeeding cannot be ruled out.");
}

// ---- hepatic -------------------------------------------------------------------------------

void ChildPughClass(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                    cds::v1::Card& card) {
  const cds::v1::ChildPughClass recorded = ctx.patient.child_pugh_class();
  if (recorded != cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED) {
    AddInput(criterion, "Child-Pugh class", cds::v1::ChildPughClass_Name(recorded),
             "patient.child_pugh_class");
    if (recorded == spec.child_pugh_class) {
      Conclude(
          criterion, cds::v1::CRITERION_OUTCOME_MET,
          WithAdvice("Recorded as " + cds::v1::ChildPughClass_Name(recorded) + ".", spec.when_met));
    } else {
      Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
               "Recorded as " + cds::v1::ChildPughClass_Name(recorded) + ".");
    }
    return;
  }
  CodedFindings liver;
  ScanConditions(spec, ctx, spec.codes, true, criterion, liver);
  if (liver.met) {
    AddMissingInput(card, "patient.child_pugh_class", "Child-Pugh class",
                    "liver disease is recorded: the class decides the hepatic cautions");
    Conclude(
        criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
        "Liver disease is recorded (" + liver.first_met + ") but no Child-Pugh class was sent.");
  } else if (!ListRetrieved(ctx.patient, PatientList::kConditions)) {
    AddListNotRetrieved(card, PatientList::kConditions,
                        "cannot rule out the contraindications and cautions it holds");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "No Child-Pugh class sent and the diagnoses were not retrieved: liver disease "
             "cannot be ruled out.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             "No Child-Pugh class sent and no cirrhosis or hepatic failure recorded.");
  }
}

// ---- medicines -----------------------------------------------------------------------------

void MedicineClass(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                   cds::v1::Card& card) {
  std::string taking;
  for (const RecognisedMedication& rm : ctx.medications) {
    if (!(rm.medicine->classes & spec.medicine_classes)) continue;
    const cds::v1::MedicationStatement& statement = ctx.patient.medications(rm.index);
    if (!MayBeTaking(statement.status())) continue;
    AddInput(criterion, "Medication", DescribeMedication(statement, rm),
             Indexed("medications", rm.index));
    taking += (taking.empty() ? "" : ", ") + rm.medicine->name;
  }
  if (!taking.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET,
             WithAdvice("Taking or may be taking " + taking + ".", spec.when_met));
  } else if (!ListRetrieved(ctx.patient, PatientList::kMedications)) {
    AddListNotRetrieved(card, PatientList::kMedications,
                        "cannot rule out the interacting medicines it may hold");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             "The medication list was not retrieved: no " +
                 ctx.knowledge.DescribeClasses(spec.medicine_classes) + " can be ruled out.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             "No current " + ctx.knowledge.DescribeClasses(spec.medicine_classes) + " among the " +
                 std::to_string(ctx.patient.medications_size()) + " medication entries.");
  }
}

void BenzodiazepineDose(const CriterionSpec& spec, const RuleContext& ctx, Criterion& criterion,
                        cds::v1::Card& card) {
  const double threshold = ctx.settings.benzodiazepine_diazepam_equivalent_mg;
  double total = 0;
  int benzodiazepines = 0;
  std::string unknown;
  for (const RecognisedMedication& rm : ctx.medications) {
    if (!(rm.medicine->classes & ctx.knowledge.benzodiazepine())) continue;
    const cds::v1::MedicationStatement& statement = ctx.patient.medications(rm.index);
    if (!MayBeTaking(statement.status())) continue;
    ++benzodiazepines;
    const std::string path = Indexed("medications", rm.index);
    std::string value = DescribeMedication(statement, rm);
    std::string problem;
    const std::string& unit = statement.daily_dose().unit();
    if (!statement.has_daily_dose()) {
      problem = "daily dose not sent";
      AddMissingInput(card, path + ".daily_dose", "Benzodiazepine daily dose",
                      "cannot check the benzodiazepine dose caution");
    } else if (unit != "mg/d" && unit != "mg/day" && unit != "mg") {
      problem = "dose unit \"" + unit + "\" is not mg/d";
    } else if (!rm.medicine->diazepam_mg_per_mg) {
      problem = "no diazepam equivalent in the table";
    } else {
      const double equivalent = statement.daily_dose().value() * *rm.medicine->diazepam_mg_per_mg;
      total += equivalent;
      value += " = " + FormatNumber(equivalent) + " mg/day diazepam-equivalent";
    }
    if (!problem.empty()) {
      value += " (" + problem + ")";
      unknown += (unknown.empty() ? "" : "; ") + rm.medicine->name + ": " + problem;
    }
    AddInput(criterion, "Benzodiazepine", value, path);
  }
  const std::string facts = "Total " + FormatNumber(total) +
                            " mg/day diazepam-equivalent from the doses that could be converted; "
                            "the threshold is above " +
                            FormatNumber(threshold) + ".";
  if (total > threshold) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_MET, WithAdvice(facts, spec.when_met));
  } else if (!unknown.empty()) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " Not converted: " + unknown + ".");
  } else if (!ListRetrieved(ctx.patient, PatientList::kMedications)) {
    AddListNotRetrieved(card, PatientList::kMedications,
                        "cannot rule out the interacting medicines it may hold");
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_UNKNOWN,
             facts + " The medication list was not retrieved, so other doses may exist.");
  } else if (benzodiazepines == 0) {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET,
             "No current benzodiazepine in the medication list.");
  } else {
    Conclude(criterion, cds::v1::CRITERION_OUTCOME_NOT_MET, facts);
  }
}

}  // namespace

const Medicine* RecogniseMedicine(const cds::v1::CodeableConcept& codeable_concept,
                                  std::string_view fallback_name, const Knowledge& knowledge,
                                  bool* by_name) {
  *by_name = false;
  for (const cds::v1::Coding& coding : codeable_concept.coding()) {
    if (coding.system() != cds::sdk::systems::kRxNorm) continue;
    if (const Medicine* m = knowledge.FindMedicineByRxNorm(coding.code())) return m;
  }
  // Clinical-drug codes and local codes are not in the ingredient table: fall back to the
  // words the EHR sent, so "Sertraline 50 mg tablet" is still recognised.
  const Medicine* m = knowledge.FindMedicineByName(fallback_name);
  if (!m) m = knowledge.FindMedicineByName(codeable_concept.text());
  for (int i = 0; !m && i < codeable_concept.coding_size(); ++i) {
    m = knowledge.FindMedicineByName(codeable_concept.coding(i).display());
  }
  *by_name = m != nullptr;
  return m;
}

std::vector<RecognisedMedication> RecogniseMedications(const cds::v1::PatientContext& patient,
                                                       const Knowledge& knowledge) {
  std::vector<RecognisedMedication> out;
  out.reserve(patient.medications_size());
  for (int i = 0; i < patient.medications_size(); ++i) {
    const cds::v1::MedicationStatement& statement = patient.medications(i);
    bool by_name = false;
    const Medicine* medicine =
        RecogniseMedicine(statement.medication(), statement.name(), knowledge, &by_name);
    if (medicine) out.push_back({i, medicine, by_name});
  }
  return out;
}

void EvaluateCriterion(const CriterionSpec& spec, const RuleContext& context,
                       cds::v1::Criterion& criterion, cds::v1::Card& card) {
  switch (spec.rule) {
    case RuleKind::kMinimumAge: return MinimumAge(spec, context, criterion, card);
    case RuleKind::kIndicationDiagnosis:
      return IndicationDiagnosis(spec, context, criterion, card);
    case RuleKind::kFailedAntidepressantTrials:
      return FailedAntidepressantTrials(spec, context, criterion, card);
    case RuleKind::kFailedTrialLimit: return FailedTrialLimit(spec, context, criterion, card);
    case RuleKind::kConcomitantOralAntidepressant:
      return ConcomitantOralAntidepressant(spec, context, criterion, card);
    case RuleKind::kCodedCondition: return CodedCondition(spec, context, criterion, card);
    case RuleKind::kSubstanceAllergy: return SubstanceAllergy(spec, context, criterion, card);
    case RuleKind::kBloodPressureAbove:
      return BloodPressureTier(spec, context, criterion, card, context.settings.bp_caution_systolic,
                               context.settings.bp_caution_diastolic, false);
    case RuleKind::kBloodPressureAtOrAbove:
      return BloodPressureTier(spec, context, criterion, card, context.settings.bp_defer_systolic,
                               context.settings.bp_defer_diastolic, true);
    case RuleKind::kRecentCondition: return RecentCondition(spec, context, criterion, card);
    case RuleKind::kPregnancy: return Pregnancy(spec, context, criterion, card);
    case RuleKind::kBreastfeeding: return Breastfeeding(spec, context, criterion, card);
    case RuleKind::kChildPughClass: return ChildPughClass(spec, context, criterion, card);
    case RuleKind::kMedicineClass: return MedicineClass(spec, context, criterion, card);
    case RuleKind::kBenzodiazepineDose: return BenzodiazepineDose(spec, context, criterion, card);
  }
}

}  // namespace cds::eligibility
