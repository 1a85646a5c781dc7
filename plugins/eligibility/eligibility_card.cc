#include "eligibility_card.h"

#include <cds/sdk/basis.h>
#include <cds/sdk/clinical.h>

#include <algorithm>

namespace cds::eligibility {

namespace {

// The verdict word the detail opens with when nothing stands in the way.
constexpr const char* kEligibleVerdict = "Eligible";

// CDS Hooks: the summary must stay under 140 characters.
constexpr std::size_t kMaxSummary = 139;

const char* ProductName(Product product) {
  return product == Product::kEsketamineNasalSpray ? "esketamine nasal spray"
                                                   : "IV racemic ketamine";
}

const char* IndicationShort(Indication indication) {
  return indication == Indication::kTrd ? "TRD" : "MDSI";
}

const char* IndicationName(Indication indication) {
  return indication == Indication::kTrd
             ? "treatment-resistant depression (TRD)"
             : "depressive symptoms with acute suicidal ideation or behaviour (MDSI)";
}

// Appends every part to `out` without building temporaries.
template <class... Parts>
void Append(std::string& out, const Parts&... parts) {
  (out.append(std::string_view(parts)), ...);
}

using cds::sdk::AppendCitationRefs;

// The phrase a criterion contributes to the summary when it drives the decision.
std::string Phrase(const CriterionLabels& labels, cds::v1::CriterionOutcome outcome) {
  if (outcome == cds::v1::CRITERION_OUTCOME_UNKNOWN) {
    return labels.unknown_label.empty() ? labels.short_label + " unconfirmed"
                                        : labels.unknown_label;
  }
  if (outcome == cds::v1::CRITERION_OUTCOME_NOT_MET) {
    return labels.unmet_label.empty() ? labels.short_label + " not met" : labels.unmet_label;
  }
  return labels.short_label;
}

std::string Summarise(const std::string& lead, const std::vector<std::string>& reasons) {
  std::string summary = lead;
  if (reasons.empty()) return summary;
  summary += ": ";
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    const std::string separator = i == 0 ? "" : "; ";
    const std::size_t left = reasons.size() - i - 1;
    const std::string more = left > 0 ? "; +" + std::to_string(left) + " more" : "";
    // Keep room for the "+N more" tail of the reasons that will not fit.
    if (summary.size() + separator.size() + reasons[i].size() + more.size() > kMaxSummary) {
      summary += separator + "+" + std::to_string(reasons.size() - i) + " more";
      break;
    }
    summary += separator + reasons[i];
  }
  if (summary.size() > kMaxSummary) summary.resize(kMaxSummary);
  return summary;
}

std::string RoleText(Role role) {
  switch (role) {
    case Role::kEligibilityRequirement: return "eligibility requirement";
    case Role::kContraindication: return "contraindication";
    case Role::kCaution: return "caution";
    case Role::kConcomitantTreatment: return "concomitant treatment";
    case Role::kInformation: return "information";
  }
  return "";
}

void WriteMarkdown(const std::vector<CriterionLabels>& labels, const AssessedCourse& course,
                   const LabelEdition& label_edition, const Knowledge& knowledge,
                   const std::string& evaluation_date, const std::string& verdict,
                   cds::v1::Card& card) {
  std::string& md = *card.mutable_detail();
  md.clear();
  md.reserve(8192);
  Append(md, "### ", verdict, ": ", ProductName(course.product), " for ",
         IndicationName(course.indication), "\n\n- **Assessed:** ", ProductName(course.product),
         course.product_assumed
             ? " (no treatment course product in the request: `default_product` setting)"
             : " (from the treatment course)",
         ", ", IndicationShort(course.indication),
         course.indication_assumed
             ? " (no treatment course indication in the request: `default_indication` setting)\n"
             : " (from the treatment course)\n",
         "- **Label edition:** ", label_edition.id, " (", label_edition.title, ")\n",
         "- **Evaluated on:** ", evaluation_date, "\n");
  if (course.product == Product::kIvRacemicKetamine) {
    md +=
        "- IV racemic ketamine is off-label for depression: the esketamine label's criteria "
        "are applied, with the ketamine injection label's contraindication where a "
        "significant rise in blood pressure would be a serious hazard [S35].\n";
  }

  bool first_reason = true;
  for (int i = 0; i < card.criteria_size(); ++i) {
    const cds::v1::Criterion& c = card.criteria(i);
    const Role role = labels[i].spec->role;
    if (!MakesIneligible(role, c.outcome()) && !NeedsReview(role, c.outcome())) continue;
    if (first_reason) md += "\n#### Why\n";
    first_reason = false;
    Append(md, "- **", Phrase(labels[i], c.outcome()), "** (", c.role(), "): ", c.explanation());
    AppendCitationRefs(md, c);
    md += '\n';
  }

  cds::sdk::AppendMissingInputs(md, card, "#### Missing inputs");

  if (verdict == kEligibleVerdict) {
    // An ELIGIBLE answer rests on what was coded; say what codes cannot show.
    md +=
        "\n#### What this check cannot see\n"
        "No coded contraindication or caution was found in the lists the EHR retrieved. Codes "
        "cannot show: hypersensitivity to an excipient of the product; a history recorded only "
        "in notes or letters (an aneurysm, arteriovenous malformation or intracerebral "
        "haemorrhage never coded); codes the knowledge file does not list, including local "
        "codes; a blood-pressure or intracranial-pressure risk the prescriber judges from the "
        "examination. Confirm these before the first dose.\n";
  }

  cds::sdk::AppendCriteriaTable(md, card, "#### All criteria");
  cds::sdk::AppendSources(md, card, "#### Sources");
  Append(md, "\nKnowledge ", knowledge.version(), ", reviewed ", knowledge.review_date(),
         ". This card supports, and never replaces, the prescriber's judgement and the current "
         "prescribing information.\n");
}

}  // namespace

bool MakesIneligible(Role role, cds::v1::CriterionOutcome outcome) {
  return (role == Role::kContraindication && outcome == cds::v1::CRITERION_OUTCOME_MET) ||
         (role == Role::kEligibilityRequirement && outcome == cds::v1::CRITERION_OUTCOME_NOT_MET);
}

bool NeedsReview(Role role, cds::v1::CriterionOutcome outcome) {
  if (role == Role::kInformation) return false;
  if (outcome == cds::v1::CRITERION_OUTCOME_UNKNOWN) return true;
  return (role == Role::kCaution && outcome == cds::v1::CRITERION_OUTCOME_MET) ||
         (role == Role::kConcomitantTreatment && outcome == cds::v1::CRITERION_OUTCOME_NOT_MET);
}

void CompleteCard(const std::vector<CriterionLabels>& labels, const AssessedCourse& course,
                  const LabelEdition& label_edition, const Knowledge& knowledge,
                  const std::string& evaluation_date, cds::v1::Card& card) {
  cds::v1::EligibilityDecision& decision = *card.mutable_eligibility();
  // Contraindications lead the summary, unmet requirements follow.
  std::vector<std::string> contraindications;
  std::vector<std::string> unmet_requirements;
  std::vector<std::string> review_reasons;
  for (int i = 0; i < card.criteria_size(); ++i) {
    cds::v1::Criterion& criterion = *card.mutable_criteria(i);
    const Role role = labels[i].spec->role;
    criterion.set_role(RoleText(role));
    if (MakesIneligible(role, criterion.outcome())) {
      decision.add_contraindication_ids(criterion.id());
      (role == Role::kContraindication ? contraindications : unmet_requirements)
          .push_back(Phrase(labels[i], criterion.outcome()));
    } else if (NeedsReview(role, criterion.outcome())) {
      decision.add_review_criterion_ids(criterion.id());
      std::string phrase = Phrase(labels[i], criterion.outcome());
      if (std::find(review_reasons.begin(), review_reasons.end(), phrase) == review_reasons.end()) {
        review_reasons.push_back(std::move(phrase));
      }
    }
    for (const std::string& id : criterion.citation_ids()) {
      if (const cds::v1::Citation* citation = knowledge.FindCitation(id)) {
        cds::sdk::AddCitation(card, *citation);
      }
    }
  }

  const std::string course_text =
      std::string(ProductName(course.product)) + " (" + IndicationShort(course.indication) + ")";
  std::vector<std::string> ineligible_reasons = contraindications;
  ineligible_reasons.insert(ineligible_reasons.end(), unmet_requirements.begin(),
                            unmet_requirements.end());
  std::string verdict;
  if (!ineligible_reasons.empty()) {
    decision.set_status(cds::v1::ELIGIBILITY_STATUS_INELIGIBLE);
    card.set_indicator(!contraindications.empty() ? cds::v1::INDICATOR_CRITICAL
                                                  : cds::v1::INDICATOR_WARNING);
    card.set_summary(Summarise("Not eligible for " + course_text, ineligible_reasons));
    verdict = "Not eligible";
  } else if (!review_reasons.empty()) {
    decision.set_status(cds::v1::ELIGIBILITY_STATUS_NEEDS_REVIEW);
    card.set_indicator(cds::v1::INDICATOR_WARNING);
    card.set_summary(Summarise("Review before " + course_text, review_reasons));
    verdict = "Needs review";
  } else {
    decision.set_status(cds::v1::ELIGIBILITY_STATUS_ELIGIBLE);
    card.set_indicator(cds::v1::INDICATOR_INFO);
    card.set_summary(Summarise(
        "Eligible for " + course_text + ": criteria met, no coded contraindication found",
        {}));
    verdict = kEligibleVerdict;
  }
  decision.set_product(course.product == Product::kEsketamineNasalSpray
                           ? cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY
                           : cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE);
  decision.set_indication(course.indication == Indication::kTrd
                              ? cds::v1::KETAMINE_INDICATION_TRD
                              : cds::v1::KETAMINE_INDICATION_MDSI);
  decision.set_label_edition(label_edition.id);
  decision.set_requires_oral_antidepressant(
      course.product == Product::kEsketamineNasalSpray &&
      label_edition.by_indication[static_cast<int>(course.indication)].required_classes != 0);
  decision.set_product_assumed(course.product_assumed);
  decision.set_indication_assumed(course.indication_assumed);

  *card.mutable_source() = knowledge.source();
  card.set_knowledge_version(knowledge.version());
  WriteMarkdown(labels, course, label_edition, knowledge, evaluation_date, verdict, card);
}

}  // namespace cds::eligibility
