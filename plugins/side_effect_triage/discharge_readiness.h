// Discharge readiness after a session (S9): not before the minimum observation time, and only once
// sedation, dissociation and respiratory depression have resolved, breathing is normal, blood
// pressure is back near baseline and nothing urgent is open. Anything unknown keeps it UNKNOWN;
// anything unmet makes it NOT_READY; it is READY only when every criterion is met.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_DISCHARGE_READINESS_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_DISCHARGE_READINESS_H_

#include <string>
#include <vector>

#include "rule_record.h"
#include "triage_knowledge.h"
#include "triage_rules.h"
#include "triage_settings.h"

namespace cds::triage {

struct DischargeContext {
  const RuleContext& rule;
  // The highest level the triage rules reached.
  cds::v1::TriageLevel level;
};

struct CriterionResult {
  cds::v1::CriterionOutcome outcome;
  std::string explanation;
};

using DischargePredicate = CriterionResult (*)(const DischargeContext& context,
                                               cds::v1::Criterion& criterion);

class DischargeCriteria {
 public:
  // Throws std::logic_error when a knowledge criterion has no predicate or the other way round.
  DischargeCriteria(const TriageKnowledge& knowledge, const TriageSettings& settings);

  // Adds one criterion per discharge requirement to the card and fills decision.discharge.
  void Evaluate(const DischargeContext& context, TriageRecord& out) const;

 private:
  struct BoundCriterion {
    const DischargeCriterionText* text;
    std::string description;
    DischargePredicate predicate;
  };
  std::vector<BoundCriterion> criteria_;
  int minimum_minutes_;
  std::string driving_advice_;
};

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_DISCHARGE_READINESS_H_
