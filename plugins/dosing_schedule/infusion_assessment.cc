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
    const bool last_of_course =
        k + 1 == planned.size() && planned[k].week == policy_.iv.LastWeek().value_or(0);
    if (!usable && k == 0) {
      s.set_note("dose not computed: no usable body weight");
    } else if (usable && last_of_course) {
      s.set_note("last infusion of the 4-week course");
    }
  }
}

}  // namespace cds::dosing
