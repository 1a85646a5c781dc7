// The triage rules: one small named predicate per rule of the knowledge file, bound to the rule's
// texts at construction. Each predicate records a criterion (always, whatever its outcome) and
// the findings it raises; the level of the answer is the highest finding.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_RULES_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_RULES_H_

#include <string_view>
#include <vector>

#include "rule_record.h"
#include "session_observations.h"
#include "triage_knowledge.h"
#include "triage_settings.h"

namespace cds::triage {

struct RuleContext {
  const SessionObservations& session;
  const TriageThresholds& thresholds;
  const TriageKnowledge& knowledge;
};

using RulePredicate = void (*)(const RuleContext& context, RuleRecord& record);

class TriageRules {
 public:
  // Binds every knowledge rule to its predicate. Throws std::logic_error when a rule has no
  // predicate or a predicate no rule: code and knowledge file are out of step.
  TriageRules(const TriageKnowledge& knowledge, const TriageSettings& settings);

  // Runs every rule in knowledge-file order.
  void Evaluate(const RuleContext& context, TriageRecord& out) const;

  // The ids of the rules that have a predicate in code.
  static std::vector<std::string_view> KnownRuleIds();

 private:
  struct BoundRule {
    RenderedRule rule;
    RulePredicate predicate;
  };
  std::vector<BoundRule> rules_;
};

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_RULES_H_
