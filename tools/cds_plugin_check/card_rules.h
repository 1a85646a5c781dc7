// What makes a card well-formed and safe for an EHR and for the clinician reading it: CDS Hooks
// 2.0 asks for a summary under 140 characters, an indicator, a source label, labelled links and
// suggestions with a selection behavior; cdsd also asks for the basis of the advice (FDA CDS
// guidance): citations, each criterion pointing at one of them. Safety in the EHR: https links
// only (url_rules.h), markdown without HTML (markdown_rules.h), actions the EHR can apply
// (suggestion_rules.h), and a vendor decision of a type the plugin declared.
#ifndef CDS_PLUGIN_CHECK_CARD_RULES_H_
#define CDS_PLUGIN_CHECK_CARD_RULES_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/v1/card.pb.h>

#include <string>
#include <string_view>

#include "card_findings.h"

namespace cds_plugin_check {

// CDS Hooks asks for a summary under 140 characters (counted here as UTF-8 code points); cdsd
// shortens a summary of 140 bytes or more, so a non-ASCII summary must also stay under that
// many bytes to be shown as written.
inline constexpr size_t kMaxSummaryCharacters = 139;
inline constexpr size_t kMaxSummaryBytes = 139;

// UTF-8 code points in `text` (bytes that do not continue a sequence).
size_t CodePoints(std::string_view text);

// Every way `card`, from the plugin described by `info`, breaks the rules above.
CardFindings CardProblems(const cds::v1::Card& card, const cds::plugin::v1::PluginInfo& info);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_CARD_RULES_H_
