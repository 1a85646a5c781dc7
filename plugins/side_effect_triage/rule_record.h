// How a rule writes what it saw into the answer: the card's criterion (outcome, inputs used,
// explanation, citations), the triage findings and actions it raises, and the inputs it missed.
// Keeping this in one place means every rule records its basis the same way.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_RULE_RECORD_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_RULE_RECORD_H_

#include <cds/sdk/clinical.h>
#include <cds/v1/card.pb.h>

#include <optional>
#include <string>
#include <vector>

#include "triage_knowledge.h"

namespace cds::triage {

// A rule's texts with the instance's setting values filled in (once, at construction).
struct RenderedRule {
  const RuleText* text = nullptr;
  std::string description;
  std::string finding;
  std::string threshold;
};

struct LeveledAction {
  cds::v1::TriageLevel level;
  std::string text;
};

// Everything the rules of one request produce, written straight into the card being built.
struct TriageRecord {
  cds::v1::Card& card;
  cds::v1::TriageDecision& decision;
  std::vector<LeveledAction> actions;
  // Parallel to decision.findings: the minute after the dose of the latest evidence behind each
  // finding, when known. An escalation review counts only when recorded at or after it.
  std::vector<std::optional<int>> evidence_minutes;
};

class RuleRecord {
 public:
  RuleRecord(TriageRecord& out, const RenderedRule& rule) : out_(out), rule_(rule) {
    criterion_ = out.card.add_criteria();
    criterion_->set_id(rule.text->id);
    criterion_->set_description(rule.description);
    criterion_->set_role(rule.text->role);
    for (const std::string& id : rule.text->citation_ids) criterion_->add_citation_ids(id);
  }

  void Outcome(cds::v1::CriterionOutcome outcome, std::string explanation) {
    criterion_->set_outcome(outcome);
    criterion_->set_explanation(std::move(explanation));
  }

  void Input(std::string name, std::string value, std::string path) {
    cds::sdk::AddInput(*criterion_, std::move(name), std::move(value), std::move(path));
  }

  void Missing(std::string path, std::string name, std::string impact) {
    cds::sdk::AddMissingInput(out_.card, std::move(path), std::move(name), std::move(impact));
  }

  // A finding at the rule's own level, described by the rule's finding text.
  void Finding(std::string observed, std::optional<int> evidence_minute = std::nullopt) {
    Finding(rule_.text->level, rule_.finding, std::move(observed), evidence_minute);
  }

  void Finding(cds::v1::TriageLevel level, std::string description, std::string observed,
               std::optional<int> evidence_minute = std::nullopt) {
    out_.evidence_minutes.push_back(evidence_minute);
    cds::v1::TriageFinding* f = out_.decision.add_findings();
    f->set_rule_id(rule_.text->id);
    f->set_level(level);
    f->set_description(std::move(description));
    f->set_observed(std::move(observed));
    f->set_threshold(rule_.threshold);
    for (const std::string& id : rule_.text->citation_ids) f->add_citation_ids(id);
  }

  // The rule's own actions, at its level.
  void RuleActions() {
    for (const std::string& a : rule_.text->actions) out_.actions.push_back({rule_.text->level, a});
  }

  void Action(cds::v1::TriageLevel level, std::string text) {
    out_.actions.push_back({level, std::move(text)});
  }

  const RenderedRule& rule() const { return rule_; }

 private:
  TriageRecord& out_;
  const RenderedRule& rule_;
  cds::v1::Criterion* criterion_ = nullptr;
};

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_RULE_RECORD_H_
