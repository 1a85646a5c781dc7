// IV racemic ketamine dose step of a course assessment: the body weight and the weight-based dose
// of every infusion to come, or no dose at all when no usable weight is recorded.
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"
#include "infusion_dose.h"

namespace cds::dosing {

void CourseAssessment::AssessIvDoses(const std::vector<PlannedSession>& planned) {
  const WeightReading weight =
      ReadDosingWeight(patient_, today_, knowledge_, settings_.weight_max_age_days);
  const bool usable = weight.status == WeightStatus::kUsable;
  std::string why;
  std::string summary;
  const std::string age = std::to_string(weight.age_days) + " days";
  switch (weight.status) {
    case WeightStatus::kUsable:
      why = "Body weight " + sdk::FormatNumber(weight.kg) + " kg, " + age + " before the evaluation date.";
      break;
    case WeightStatus::kMissing:
      why = "No body weight in the request.";
      summary = "no dose: no body weight recorded";
      break;
    case WeightStatus::kUndated:
      why = "The most recent body weight has no date, so its age cannot be checked.";
      summary = "no dose: the latest body weight has no date";
      break;
    case WeightStatus::kTooOld:
      why = "The most recent body weight is " + age + " old; the limit is " +
            std::to_string(settings_.weight_max_age_days) + " days.";
      summary = "no dose: latest body weight is " + age + " old";
      break;
    case WeightStatus::kDatedAfterEvaluation:
      why = "The most recent body weight is dated after the evaluation date.";
      summary = "no dose: the latest body weight is dated after today";
      break;
    case WeightStatus::kUnknownUnit:
      why = "The most recent body weight's unit is not kg, g or [lb_av].";
      summary = "no dose: body weight unit not recognised";
      break;
    case WeightStatus::kImplausible:
      why = "The most recent body weight (" + sdk::FormatNumber(weight.kg) + " kg) is outside " +
            sdk::FormatNumber(knowledge_.plausible_weight_min_kg) + "-" +
            sdk::FormatNumber(knowledge_.plausible_weight_max_kg) +
            " kg, more likely an entry error than a real adult weight: confirm it.";
      summary = "no dose: body weight outside the plausible range";
      break;
  }
  cds::v1::Criterion& wc = basis_.Add(Rule::kIvWeight, usable ? kMet : kUnknown, why);
  if (weight.observation != nullptr) {
    sdk::AddInput(wc, "Body weight",
                  sdk::FormatNumber(weight.observation->value()) + " " + weight.observation->unit(),
                  weight.path);
  }
  sdk::AddInput(wc, "Oldest weight accepted",
                std::to_string(settings_.weight_max_age_days) + " days",
                "settings.weight_max_age_days");

  const double dose = usable ? InfusionDoseMg(weight.kg, settings_.iv_dose_mg_per_kg) : 0;
  decision_.set_dose_mg_per_kg(settings_.iv_dose_mg_per_kg);
  decision_.set_dose_withheld(!usable);
  if (usable) {
    decision_.set_weight_kg(weight.kg);
    cds::v1::Criterion& dc =
        basis_.Add(Rule::kIvDose, kMet,
                   sdk::FormatNumber(settings_.iv_dose_mg_per_kg) + " mg/kg x " + sdk::FormatNumber(weight.kg) +
                       " kg = " + Mg(dose) + ", infused over " +
                       std::to_string(settings_.iv_infusion_minutes) + " minutes.");
    sdk::AddInput(dc, "Dose per kg", sdk::FormatNumber(settings_.iv_dose_mg_per_kg) + " mg/kg",
                  "settings.iv_dose_mg_per_kg");
    sdk::AddInput(dc, "Body weight", sdk::FormatNumber(weight.kg) + " kg", weight.path);
    if (weight.kg > settings_.iv_weight_limit_kg) {
      sdk::AddInput(wc, "Site weight limit", sdk::FormatNumber(settings_.iv_weight_limit_kg) + " kg",
                    "settings.iv_weight_limit_kg");
      basis_.NeedsAttention(
          "weight above the site limit: confirm the dosing weight",
          "The body weight (" + sdk::FormatNumber(weight.kg) + " kg) is above the site limit of " +
              sdk::FormatNumber(settings_.iv_weight_limit_kg) + " kg: the dose of " + Mg(dose) +
              " uses the actual weight; confirm the dosing weight (actual, adjusted or capped) "
              "per the site protocol before the infusion.");
    }
  } else {
    basis_.Add(Rule::kIvDose, kUnknown, "No dose is computed without a usable body weight.");
    basis_.Missing(
        "patient.weight",
        "Body weight measured in the last " + std::to_string(settings_.weight_max_age_days) +
            " days (LOINC 29463-7)",
        "no IV dose can be computed (" + sdk::FormatNumber(settings_.iv_dose_mg_per_kg) + " mg/kg)");
    basis_.NeedsAttention(summary, why + " No IV dose is computed: record a current weight.");
  }
  proposal_ = DoseProposal{dose, ProposalBasis::kKeepLastDose, {}};
  if (usable) proposal_->options_mg.push_back(dose);

  for (size_t k = 0; k < planned.size(); ++k) {
    cds::v1::ScheduledSession& s = AddPlannedSession(planned[k]);
    s.set_dose_mg(dose);
    if (usable) s.add_allowed_doses_mg(dose);
    s.set_infusion_minutes(settings_.iv_infusion_minutes);
    const int n = static_cast<int>(course_.given.size() + k);
    const bool last_of_course = n + 1 == regimen_.TotalSessions().value_or(0);
    if (!usable && k == 0) {
      s.set_note("dose not computed: no usable body weight");
    } else if (usable && last_of_course) {
      s.set_note("last infusion of the 4-week course");
    }
  }
}

void CourseAssessment::AssessIvReview() {
  const int review_after = settings_.iv_review_after_infusions;
  const int given = static_cast<int>(course_.given.size());
  if (given < review_after) {
    basis_.Add(Rule::kIvReview, kNotApplicable,
               std::to_string(given) + " of the " + std::to_string(review_after) +
                   " infusions before the review point given.");
    return;
  }
  ReadOutcomes();
  const std::string after = "After " + std::to_string(given) + " infusions ";
  cds::v1::CriterionOutcome outcome = kMet;
  std::string explanation;
  switch (madrs_outcome_.status) {
    case cds::v1::RESPONSE_STATUS_RESPONSE:
    case cds::v1::RESPONSE_STATUS_REMISSION:
      explanation = after + "the MADRS shows a response.";
      break;
    case cds::v1::RESPONSE_STATUS_NO_RESPONSE:
      outcome = kNotMet;
      explanation = after + "the MADRS shows no response: review whether to continue (response "
                            "is uncommon after " + std::to_string(review_after) +
                    " infusions without any).";
      basis_.NeedsAttention(std::to_string(given) +
                                " infusions without a MADRS response: review whether to continue",
                            explanation);
      break;
    default:
      outcome = kUnknown;
      explanation = after + "the review point is reached, but response cannot be judged "
                            "without a baseline and a current MADRS total.";
      basis_.Missing("patient.observations[" + knowledge_.madrs_total.system + "|" +
                         knowledge_.madrs_total.code + "]",
                     "MADRS totals before and after the course start",
                     "the review after " + std::to_string(review_after) +
                         " infusions cannot judge response");
      basis_.NeedsAttention("infusion review point reached: MADRS response not judged",
                            explanation);
      break;
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kIvReview, outcome, std::move(explanation));
  sdk::AddInput(c, "Infusions given", std::to_string(given), "patient.treatment_course.sessions");
  sdk::AddInput(c, "Review after", std::to_string(review_after) + " infusions",
                "settings.iv_review_after_infusions");
  basis_.Cite(c, knowledge_.iv_review_citation_ids);
}

}  // namespace cds::dosing
