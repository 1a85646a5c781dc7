#include "eligibility_service.h"

#include <algorithm>

#include <cds/sdk/basis.h>
#include <cds/sdk/clinical.h>
#include <cds/sdk/plugin.h>

#include "eligibility_rules.h"
#include "eligibility_value_sets.h"

namespace cds::eligibility {

namespace {

using cds::sdk::AddInputRequirement;

std::string NotApplicableText(const CriterionSpec& spec) {
  std::string product;
  if (!spec.products[static_cast<int>(Product::kIvRacemicKetamine)]) {
    product = "esketamine nasal spray";
  } else if (!spec.products[static_cast<int>(Product::kEsketamineNasalSpray)]) {
    product = "IV racemic ketamine";
  }
  std::string indication;
  if (!spec.indications[static_cast<int>(Indication::kMdsi)]) {
    indication = "TRD";
  } else if (!spec.indications[static_cast<int>(Indication::kTrd)]) {
    indication = "MDSI";
  }
  if (product.empty()) return "Applies only to " + indication + ".";
  if (indication.empty()) return "Applies only to " + product + ".";
  return "Applies only to " + product + " for " + indication + ".";
}

// Where a course names the product or indication the request is about, it wins; otherwise the
// operator's defaults are assessed and the card says so.
AssessedCourse ResolveCourse(const cds::v1::PatientContext& patient,
                             const EligibilitySettings& settings) {
  AssessedCourse course;
  switch (patient.treatment_course().product()) {
    case cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY:
      course.product = Product::kEsketamineNasalSpray;
      break;
    case cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE:
      course.product = Product::kIvRacemicKetamine;
      break;
    default: course.product = settings.default_product; course.product_assumed = true;
  }
  switch (patient.treatment_course().indication()) {
    case cds::v1::KETAMINE_INDICATION_TRD: course.indication = Indication::kTrd; break;
    case cds::v1::KETAMINE_INDICATION_MDSI: course.indication = Indication::kMdsi; break;
    default: course.indication = settings.default_indication; course.indication_assumed = true;
  }
  return course;
}

}  // namespace

cds::plugin::v1::PluginInfo EligibilityService::Info() {
  cds::plugin::v1::PluginInfo info;
  info.set_id(kServiceId);
  info.set_name("Ketamine and esketamine eligibility");
  info.set_version(kPluginVersion);
  info.set_vendor("cdsd");
  info.set_title("Eligibility for esketamine nasal spray or IV ketamine in depression");
  info.set_description(
      "Checks the indication (a major depressive disorder diagnosis; bipolar disorder is "
      "outside it), age, treatment-resistant depression criteria, the oral-antidepressant "
      "requirement of the label edition, contraindications (aneurysmal vascular disease, "
      "arteriovenous malformation, intracerebral haemorrhage, hypersensitivity, blood pressure "
      "at or above the defer threshold) and cautions. Lists not retrieved are missing inputs. "
      "Answers ELIGIBLE, INELIGIBLE or NEEDS_REVIEW with every criterion, its inputs, the "
      "missing inputs and the sources.");
  info.add_hooks("patient-view");
  info.add_hooks("order-select");
  info.set_knowledge_version(EmbeddedKnowledge().version());
  info.set_settings_schema(EligibilitySettings::Schema().ToJsonSchema());
  AddInputRequirement(info, "patient.birth_date", "Age on the evaluation date", true);
  AddInputRequirement(info, "patient.antidepressant_trials",
                 "Trials of this episode: drug, adequate dose, weeks, percent improvement", true);
  AddInputRequirement(info, "patient.observations[http://loinc.org|8480-6]",
                 "Pre-dose systolic blood pressure", true);
  AddInputRequirement(info, "patient.observations[http://loinc.org|8462-4]",
                 "Pre-dose diastolic blood pressure", true);
  AddInputRequirement(info, "patient.sex", "Decides whether pregnancy and breastfeeding apply", false);
  AddInputRequirement(info, "patient.pregnancy_status", "Pregnancy caution (unless male)", true);
  AddInputRequirement(info, "patient.breastfeeding_status", "Breastfeeding caution (unless male)", true);
  AddInputRequirement(info, "patient.conditions",
                 "ICD-10-CM / SNOMED CT: the MDD diagnosis, contraindications, cerebrovascular "
                 "and cardiorespiratory cautions, psychosis, substance use, pregnancy, liver and "
                 "kidney disease",
                 true);
  AddInputRequirement(info, "patient.allergies",
                 "RxNorm / SNOMED CT or the drug's name: ketamine or esketamine", true);
  AddInputRequirement(info, "patient.retrieval",
                 "Which lists were looked up: a list not retrieved is a missing input, never "
                 "\"none\"",
                 true);
  AddInputRequirement(info, "patient.medications",
                 "RxNorm: oral antidepressants, CNS depressants, stimulants, MAOIs, "
                 "benzodiazepine daily doses",
                 false);
  AddInputRequirement(info, "patient.child_pugh_class", "Needed when cirrhosis is recorded", false);
  AddInputRequirement(info, "patient.treatment_course",
                 "Product and indication; without them the configured defaults are assessed",
                 false);
  return info;
}

EligibilityService::EligibilityService(const nlohmann::json& settings)
    : knowledge_(EmbeddedKnowledge()), settings_(EligibilitySettings::FromJson(settings)) {
  label_edition_ = knowledge_.FindLabelEdition(settings_.label_edition);
  if (label_edition_ == nullptr) {
    throw cds::sdk::SettingsError("invalid settings: label_edition: not in the knowledge file");
  }
  criteria_ = knowledge_.criteria();
  const auto site_codes = LoadSiteValueSets(settings_.value_set_files, knowledge_);
  for (CriterionSpec& spec : criteria_) {
    for (CodeList* list :
         {&spec.codes, &spec.possible_codes, &spec.excluding_codes, &spec.remission_codes}) {
      auto added = site_codes.find(list->id());
      if (added != site_codes.end()) list->Extend(added->second);
    }
  }
  for (const CriterionSpec& spec : criteria_) {
    if (!spec.window_setting.empty()) settings_.WindowDays(spec.window_setting);
    labels_.push_back({&spec, settings_.Fill(spec.short_label), settings_.Fill(spec.unknown_label),
                       settings_.Fill(spec.unmet_label)});
    texts_.push_back({settings_.Fill(spec.description), NotApplicableText(spec)});
  }
}

void EligibilityService::Evaluate(const cds::plugin::v1::EvaluateInput& input,
                                  cds::plugin::v1::EvaluateOutput& output) const {
  const bool order_select = input.hook() == "order-select";
  if (!order_select && input.hook() != "patient-view") {
    throw cds::sdk::Unsupported("hook not served by ketamine-eligibility");
  }
  const std::optional<cds::sdk::Date> evaluation_date = cds::sdk::EvaluationDate(input);
  if (!evaluation_date) {
    throw cds::sdk::InvalidRequest("evaluation_date is missing or not YYYY-MM-DD");
  }
  const cds::v1::PatientContext& patient = input.patient();
  // order-select concerns the order being selected: without a ketamine or esketamine course
  // in the request, the selected order is not one this service assesses.
  if (order_select &&
      patient.treatment_course().product() == cds::v1::KETAMINE_PRODUCT_UNSPECIFIED) {
    return;
  }
  const AssessedCourse course = ResolveCourse(patient, settings_);
  const std::int64_t evaluation_seconds =
      input.has_evaluation_time()
          ? input.evaluation_time().seconds()
          : (evaluation_date->time_since_epoch().count() + 1) * std::int64_t{86400};
  const std::vector<RecognisedMedication> medications = RecogniseMedications(patient, knowledge_);
  const RuleContext context{patient,          settings_,          knowledge_,
                            course.product,   course.indication,  *label_edition_,
                            *evaluation_date, evaluation_seconds, medications};

  cds::v1::Card& card = *output.add_cards();
  const int product = static_cast<int>(course.product);
  const int indication = static_cast<int>(course.indication);
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const CriterionSpec& spec = *labels_[i].spec;
    cds::v1::Criterion& criterion = *card.add_criteria();
    criterion.set_id(spec.id);
    criterion.set_description(texts_[i].description);
    if (!spec.products[product] || !spec.indications[indication]) {
      criterion.set_outcome(cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE);
      criterion.set_explanation(texts_[i].not_applicable);
      continue;
    }
    if (!spec.label_editions.empty() &&
        std::find(spec.label_editions.begin(), spec.label_editions.end(), label_edition_->id) ==
            spec.label_editions.end()) {
      criterion.set_outcome(cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE);
      criterion.set_explanation("Applies only under the label edition(s) named in its "
                                "description; label_edition is " + label_edition_->id + ".");
      continue;
    }
    for (const std::string& id : spec.citation_ids[product]) criterion.add_citation_ids(id);
    EvaluateCriterion(spec, context, criterion, card);
  }
  CompleteCard(labels_, course, *label_edition_, knowledge_, input.evaluation_date(), card);
}

}  // namespace cds::eligibility
