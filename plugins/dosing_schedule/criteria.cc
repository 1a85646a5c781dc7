#include "criteria.h"

#include <cds/sdk/clinical.h>

#include <stdexcept>

namespace cds::dosing {

RuleTexts ResolveRuleTexts(const DosingKnowledge& knowledge,
                           const std::map<std::string, std::string>& values) {
  RuleTexts texts;
  for (size_t i = 0; i < kRuleIds.size(); ++i) {
    const CriterionText* text = knowledge.FindCriterion(kRuleIds[i]);
    if (text == nullptr) {
      throw std::runtime_error("dosing knowledge: no criterion \"" + std::string(kRuleIds[i]) +
                               "\"");
    }
    CriterionText resolved = *text;
    std::string& d = resolved.description;
    for (size_t open = d.find('{'); open != std::string::npos; open = d.find('{', open)) {
      const size_t close = d.find('}', open);
      if (close == std::string::npos) break;
      const auto value = values.find(d.substr(open + 1, close - open - 1));
      if (value == values.end()) {
        throw std::runtime_error("dosing knowledge: criterion \"" + text->id +
                                 "\" has an unknown placeholder " +
                                 d.substr(open, close - open + 1));
      }
      d.replace(open, close - open + 1, value->second);
      open += value->second.size();
    }
    texts[i] = std::move(resolved);
  }
  return texts;
}

CardBasis::CardBasis(cds::v1::Card& card, const RuleTexts& texts, const DosingKnowledge& knowledge)
    : card_(card),
      texts_(texts),
      knowledge_(knowledge),
      cited_(knowledge.citations.size(), false) {}

cds::v1::Criterion& CardBasis::Add(Rule rule, cds::v1::CriterionOutcome outcome,
                                   std::string explanation) {
  const CriterionText& text = texts_[static_cast<size_t>(rule)];
  cds::v1::Criterion& c = *card_.add_criteria();
  c.set_id(text.id);
  c.set_description(text.description);
  c.set_outcome(outcome);
  c.set_explanation(std::move(explanation));
  c.set_role(text.role);
  for (int i : text.citation_ids) c.add_citation_ids(knowledge_.citations[i].id());
  Cite(text.citation_ids);
  return c;
}

void CardBasis::Cite(const CitationIds& ids) {
  for (int i : ids) cited_[i] = true;
}

void CardBasis::WriteCitations() {
  for (size_t i = 0; i < cited_.size(); ++i) {
    if (cited_[i]) sdk::AddCitation(card_, knowledge_.citations[i]);
  }
}

void CardBasis::Cite(cds::v1::Criterion& criterion, const CitationIds& ids) {
  for (int i : ids) {
    const std::string& id = knowledge_.citations[i].id();
    bool listed = false;
    for (const std::string& existing : criterion.citation_ids()) listed = listed || existing == id;
    if (!listed) criterion.add_citation_ids(id);
  }
  Cite(ids);
}

void CardBasis::Missing(std::string path, std::string name, std::string impact) {
  sdk::AddMissingInput(card_, std::move(path), std::move(name), std::move(impact));
}

void CardBasis::NeedsAttention(std::string summary, std::string detail) {
  attention_.push_back(Attention{std::move(summary), std::move(detail)});
}

}  // namespace cds::dosing
