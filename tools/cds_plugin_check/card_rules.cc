// The card rules of card_rules.h, one problem message per broken rule.
#include "card_rules.h"

#include <set>

namespace cds_plugin_check {

std::vector<std::string> CardProblems(const cds::v1::Card& card) {
  std::vector<std::string> problems;
  const size_t summary_length = card.summary().size();
  if (summary_length == 0) problems.push_back("summary is empty");
  if (summary_length > kMaxSummaryBytes) {
    problems.push_back("summary is " + std::to_string(summary_length) + " bytes (at most " +
                       std::to_string(kMaxSummaryBytes) + ", or cdsd shortens it)");
  }
  if (card.indicator() == cds::v1::INDICATOR_UNSPECIFIED || !cds::v1::Indicator_IsValid(card.indicator())) {
    problems.push_back("indicator is not set to info, warning or critical");
  }
  if (card.source().label().empty()) problems.push_back("source.label is empty");
  if (card.citations().empty()) problems.push_back("no citations: the clinician cannot check the basis");
  std::set<std::string> citation_ids;
  for (const cds::v1::Citation& citation : card.citations()) {
    if (citation.id().empty() || citation.title().empty()) {
      problems.push_back("a citation lacks an id or a title");
    } else if (!citation_ids.insert(citation.id()).second) {
      problems.push_back("citation id " + citation.id() + " is used twice");
    }
  }
  for (const cds::v1::Criterion& criterion : card.criteria()) {
    for (const std::string& id : criterion.citation_ids()) {
      if (!citation_ids.contains(id)) {
        problems.push_back("criterion " + criterion.id() + " cites " + id +
                           ", which is not among the card's citations");
      }
    }
  }
  return problems;
}

}  // namespace cds_plugin_check
