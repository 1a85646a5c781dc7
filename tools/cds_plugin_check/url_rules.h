// Which URLs a card may hand an EHR: the EHR opens them in the clinician's session, so a
// `javascript:`, `data:`, `file:` or `vbscript:` URL, or a relative one, is a way into that
// session rather than a link. Only absolute https is accepted; http only to localhost, with a
// warning, because it opens on the clinician's own machine.
#ifndef CDS_PLUGIN_CHECK_URL_RULES_H_
#define CDS_PLUGIN_CHECK_URL_RULES_H_

#include <string_view>

#include "card_findings.h"

namespace cds_plugin_check {

enum class UrlPolicy {
  // https, or http to localhost (with a warning).
  kHttpsOrLocalHttp,
  // https only: SMART app launches carry the clinician's context.
  kHttpsOnly,
};

// Adds to `findings` why `url`, found at `where` (e.g. "links[0].url"), is not a safe link.
void CheckUrl(std::string_view url, std::string_view where, UrlPolicy policy, CardFindings& findings);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_URL_RULES_H_
