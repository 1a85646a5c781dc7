// Turns the evaluated criteria into the eligibility decision and the card a clinician reads:
// the status and its indicator, a one-line summary, the markdown detail, the citations and the
// typed EligibilityDecision.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_CARD_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_CARD_H_

#include <cds/v1/card.pb.h>

#include <string>
#include <vector>

#include "eligibility_knowledge.h"

namespace cds::eligibility {

// The product and indication assessed, and whether each came from the request or a default.
struct AssessedCourse {
  Product product = Product::kEsketamineNasalSpray;
  Indication indication = Indication::kTrd;
  bool product_assumed = false;
  bool indication_assumed = false;
};

// One evaluated criterion: its spec and the labels with this instance's thresholds filled in.
struct CriterionLabels {
  const CriterionSpec* spec = nullptr;
  std::string short_label;
  std::string unknown_label;
  std::string unmet_label;
};

// What each outcome of a criterion with `role` does to the decision.
bool MakesIneligible(Role role, cds::v1::CriterionOutcome outcome);
bool NeedsReview(Role role, cds::v1::CriterionOutcome outcome);

// `card.criteria()` must hold one evaluated criterion per entry of `labels`, in the same order.
// Sets the decision, indicator, summary, detail, citations and source.
void CompleteCard(const std::vector<CriterionLabels>& labels, const AssessedCourse& course,
                  const LabelEdition& label_edition, const Knowledge& knowledge,
                  const std::string& evaluation_date, cds::v1::Card& card);

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_CARD_H_
