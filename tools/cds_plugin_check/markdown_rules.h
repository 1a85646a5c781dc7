// What card.detail (markdown) may contain: no raw HTML, because EHRs render markdown with
// different sanitisers and some pass HTML through, so a tag is a script, a frame or a tracking
// image in the clinician's session; and every link destination must pass url_rules.h.
#ifndef CDS_PLUGIN_CHECK_MARKDOWN_RULES_H_
#define CDS_PLUGIN_CHECK_MARKDOWN_RULES_H_

#include <string_view>

#include "card_findings.h"

namespace cds_plugin_check {

// Adds to `findings` every HTML tag in `markdown` (anything "<" followed by a letter, '/', '!'
// or '?', named more precisely for <script, <iframe and on...= handlers) and every autolink
// ("<https://...>"), inline or reference link destination that is not a safe URL. Code spans are not exempt: an EHR's
// renderer may not honour them.
void CheckMarkdown(std::string_view markdown, CardFindings& findings);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_MARKDOWN_RULES_H_
