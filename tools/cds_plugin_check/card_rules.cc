// The card rules of card_rules.h, one problem message per broken rule.
#include "card_rules.h"

#include <algorithm>
#include <set>

#include "markdown_rules.h"
#include "suggestion_rules.h"
#include "url_rules.h"

namespace cds_plugin_check {
namespace {

void CheckSummary(const std::string& summary, CardFindings& findings) {
  if (summary.empty()) {
    findings.Fail("summary is empty");
    return;
  }
  const size_t characters = CodePoints(summary);
  if (characters > kMaxSummaryCharacters) {
    findings.Fail("summary is " + std::to_string(characters) + " characters (CDS Hooks: under " +
                  std::to_string(kMaxSummaryCharacters + 1) + ")");
  } else if (summary.size() > kMaxSummaryBytes) {
    findings.Fail("summary is " + std::to_string(characters) + " characters but " +
                  std::to_string(summary.size()) + " bytes (at most " +
                  std::to_string(kMaxSummaryBytes) + " bytes, or cdsd shortens it)");
  }
}

void CheckBasis(const cds::v1::Card& card, CardFindings& findings) {
  if (card.citations().empty()) findings.Fail("no citations: the clinician cannot check the basis");
  std::set<std::string> citation_ids;
  for (const cds::v1::Citation& citation : card.citations()) {
    if (citation.id().empty() || citation.title().empty()) {
      findings.Fail("a citation lacks an id or a title");
    } else if (!citation_ids.insert(citation.id()).second) {
      findings.Fail("citation id " + citation.id() + " is used twice");
    }
    if (!citation.url().empty()) {
      CheckUrl(citation.url(), "citation " + citation.id() + " url", UrlPolicy::kHttpsOrLocalHttp,
               findings);
    }
  }
  for (const cds::v1::Criterion& criterion : card.criteria()) {
    for (const std::string& id : criterion.citation_ids()) {
      if (!citation_ids.contains(id)) {
        findings.Fail("criterion " + criterion.id() + " cites " + id +
                      ", which is not among the card's citations");
      }
    }
  }
}

void CheckLinks(const cds::v1::Card& card, CardFindings& findings) {
  if (!card.source().url().empty()) {
    CheckUrl(card.source().url(), "source.url", UrlPolicy::kHttpsOrLocalHttp, findings);
  }
  if (!card.source().icon().empty()) {
    CheckUrl(card.source().icon(), "source.icon", UrlPolicy::kHttpsOrLocalHttp, findings);
  }
  for (int i = 0; i < card.links_size(); ++i) {
    const cds::v1::Link& link = card.links(i);
    const std::string at = "links[" + std::to_string(i) + "]";
    if (link.label().empty()) findings.Fail(at + " has no label");
    if (link.type() != cds::v1::LINK_TYPE_ABSOLUTE && link.type() != cds::v1::LINK_TYPE_SMART) {
      findings.Fail(at + " has no type (absolute or smart)");
    }
    CheckUrl(link.url(), at + ".url",
             link.type() == cds::v1::LINK_TYPE_SMART ? UrlPolicy::kHttpsOnly
                                                     : UrlPolicy::kHttpsOrLocalHttp,
             findings);
  }
}

// The reasons an EHR offers a clinician who overrides the card: shown by display, recorded by
// system and code.
void CheckOverrideReasons(const cds::v1::Card& card, CardFindings& findings) {
  for (int i = 0; i < card.override_reasons_size(); ++i) {
    const cds::v1::Coding& reason = card.override_reasons(i);
    const std::string at = "override_reasons[" + std::to_string(i) + "]";
    if (reason.display().empty()) findings.Fail(at + " has no display");
    if (reason.system().empty() || reason.code().empty()) findings.Fail(at + " lacks a system or a code");
  }
}

void CheckVendorDecision(const cds::v1::Card& card, const cds::plugin::v1::PluginInfo& info,
                         CardFindings& findings) {
  if (!card.has_vendor_decision()) return;
  const std::string& type_url = card.vendor_decision().type_url();
  const std::string type = type_url.substr(type_url.rfind('/') + 1);
  if (type.empty()) {
    findings.Fail("vendor_decision has no type_url");
  } else if (std::find(info.decision_types().begin(), info.decision_types().end(), type) ==
             info.decision_types().end()) {
    findings.Fail("vendor_decision is a " + type + ", which PluginInfo.decision_types does not list");
  }
}

}  // namespace

size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

CardFindings CardProblems(const cds::v1::Card& card, const cds::plugin::v1::PluginInfo& info) {
  CardFindings findings;
  CheckSummary(card.summary(), findings);
  if (card.indicator() == cds::v1::INDICATOR_UNSPECIFIED || !cds::v1::Indicator_IsValid(card.indicator())) {
    findings.Fail("indicator is not set to info, warning or critical");
  }
  if (card.source().label().empty()) findings.Fail("source.label is empty");
  // cdsd assigns a fresh uuid to a card that has none; a plugin-set one, being deterministic,
  // would be the same on every evaluation and SubmitFeedback could not tell them apart.
  if (!card.uuid().empty()) findings.Fail("uuid is set: leave it empty, the host assigns card uuids");
  CheckBasis(card, findings);
  CheckLinks(card, findings);
  CheckMarkdown(card.detail(), findings);
  CheckSuggestions(card, findings);
  CheckOverrideReasons(card, findings);
  CheckVendorDecision(card, info, findings);
  return findings;
}

}  // namespace cds_plugin_check
