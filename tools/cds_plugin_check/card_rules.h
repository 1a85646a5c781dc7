// What makes a card well-formed for an EHR and for the clinician reading it: CDS Hooks 2.0 asks
// for a summary under 140 characters, an indicator and a source label; cdsd also asks for the
// basis of the advice (FDA CDS guidance): citations, each criterion pointing at one of them.
#ifndef CDS_PLUGIN_CHECK_CARD_RULES_H_
#define CDS_PLUGIN_CHECK_CARD_RULES_H_

#include <cds/v1/card.pb.h>

#include <string>
#include <vector>

namespace cds_plugin_check {

// CDS Hooks asks for a summary under 140 characters; cdsd counts UTF-8 bytes and shortens a
// summary of 140 bytes or more, so that is the limit a plugin must stay under to be shown as
// written.
inline constexpr size_t kMaxSummaryBytes = 139;

// Every way `card` breaks the rules above; empty when it is well-formed.
std::vector<std::string> CardProblems(const cds::v1::Card& card);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_CARD_RULES_H_
