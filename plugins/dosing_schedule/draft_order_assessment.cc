// Draft-order step of a course assessment: when the hook carries a draft order for a ketamine
// product (CDS Hooks draftOrders), its product and dose are checked against the plan's next
// session. Orders for other medicines are not this plugin's business.
#include <algorithm>
#include <cmath>
#include <string>

#include "course_assessment_steps.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

// An ordered IV dose within this of the computed one agrees with it (orders round to whole mg).
constexpr double kIvOrderToleranceMg = 0.5;

bool HasCode(const cds::v1::CodeableConcept& medication, const std::string& system,
             const std::vector<std::string>& codes) {
  for (const std::string& code : codes) {
    if (sdk::FindCoding(medication, system, code) != nullptr) return true;
  }
  return false;
}

}  // namespace

const cds::v1::DraftOrder* CourseAssessment::KetamineDraftOrder(int& index) const {
  const cds::v1::DraftOrder* found = nullptr;
  for (int i = 0; i < input_.draft_orders_size(); ++i) {
    const cds::v1::DraftOrder& o = input_.draft_orders(i);
    const std::string& system = knowledge_.order_medication_system;
    if (!HasCode(o.medication(), system, knowledge_.esketamine_order_codes) &&
        !HasCode(o.medication(), system, knowledge_.ketamine_order_codes)) {
      continue;
    }
    const bool selected = std::find(input_.selections().begin(), input_.selections().end(),
                                    o.id()) != input_.selections().end();
    if (found == nullptr || selected) {
      found = &o;
      index = i;
      if (selected) break;
    }
  }
  return found;
}

void CourseAssessment::AssessDraftOrders() {
  int index = -1;
  const cds::v1::DraftOrder* order = KetamineDraftOrder(index);
  if (order == nullptr) {
    basis_.Add(Rule::kDraftOrder, kNotApplicable,
               input_.draft_orders().empty()
                   ? "No draft order was sent; the plan is checked against the course only."
                   : "No draft order names ketamine (RxNorm 6130) or esketamine (RxNorm 2107304).");
    return;
  }
  const std::string path = "draft_orders[" + std::to_string(index) + "]";
  const bool orders_esketamine = HasCode(order->medication(), knowledge_.order_medication_system,
                                         knowledge_.esketamine_order_codes);
  std::vector<std::string> problems;
  if (orders_esketamine != IsEsketamine()) {
    problems.push_back(std::string("the order is for ") +
                       (orders_esketamine ? "esketamine" : "racemic ketamine") +
                       " but the course is " + (IsEsketamine() ? "esketamine" : "IV ketamine"));
  }
  const cds::v1::ScheduledSession* next = nullptr;
  for (const cds::v1::ScheduledSession& s : decision_.sessions()) {
    if (!s.given()) {
      next = &s;
      break;
    }
  }
  cds::v1::CriterionOutcome outcome = kMet;
  std::string dose_text;
  if (!order->has_dose() || order->dose().unit() != "mg" || !std::isfinite(order->dose().value()) ||
      order->dose().value() <= 0) {
    outcome = kUnknown;
    basis_.Missing(path + ".dose", "Dose of the draft order in mg",
                   "the ordered dose cannot be checked against the plan");
  } else {
    const double dose = order->dose().value();
    dose_text = Mg(dose);
    if (decision_.dose_withheld() || next == nullptr || next->dose_mg() <= 0) {
      problems.push_back("the order is for " + Mg(dose) +
                         " but the plan proposes no dose for the next session (see criteria)");
    } else if (IsIv()) {
      if (std::fabs(dose - next->dose_mg()) > kIvOrderToleranceMg) {
        problems.push_back("the order is for " + Mg(dose) + ", the plan's weight-based dose is " +
                           Mg(next->dose_mg()));
      }
    } else if (std::none_of(next->allowed_doses_mg().begin(), next->allowed_doses_mg().end(),
                            [dose](double d) { return SameDose(d, dose); })) {
      problems.push_back("the order is for " + Mg(dose) + "; the next session (" + next->date() +
                         ") allows " + DoseChoices(next->allowed_doses_mg()));
    }
  }
  std::string explanation;
  if (!problems.empty()) {
    outcome = kNotMet;
    for (const std::string& p : problems) explanation += (explanation.empty() ? "" : "; ") + p;
    explanation = "The draft order does not agree with the plan: " + explanation + ".";
  } else if (outcome == kUnknown) {
    explanation = "The draft order names the product but no dose in mg.";
  } else {
    explanation = "The draft order (" + dose_text + ") agrees with the next session of the plan.";
  }
  cds::v1::Criterion& c = basis_.Add(Rule::kDraftOrder, outcome, explanation);
  if (order->medication().coding_size() > 0) {
    sdk::AddInput(c, "Ordered medication", sdk::Describe(order->medication().coding(0)),
                  path + ".medication");
  }
  if (!dose_text.empty()) sdk::AddInput(c, "Ordered dose", dose_text, path + ".dose");
  if (outcome == kNotMet) basis_.NeedsAttention("draft order differs from the plan", explanation);
}

}  // namespace cds::dosing
