// Discharge readiness after a session, as the label and REMS define it: not before the minimum
// observation time (longer with hepatic impairment); recorded sedation, dissociation and
// readiness-to-leave assessments after it; recent vital signs that are normal; blood pressure
// decreasing, near baseline and under a ceiling; no severe effect present and no escalation open
// that a clinician has not reviewed. Anything unknown keeps it UNKNOWN; anything unmet makes it
// NOT_READY; it is READY only when every criterion is met.
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
  // The findings so far, with the minute of each one's latest evidence (parallel lists).
  const cds::v1::TriageDecision& decision;
  const std::vector<std::optional<int>>& evidence_minutes;
};

// The minimum observation that applies to this patient (longer for Child-Pugh B or C).
int MinimumObservationMinutes(const SessionObservations& session, const TriageThresholds& t);

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
  std::string driving_advice_;
};

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_DISCHARGE_READINESS_H_
