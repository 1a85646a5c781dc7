// What CDS Hooks 2.0 asks of a card's suggestions and what an EHR can carry out: a selection
// behavior whenever there are suggestions, a label on each, and actions the EHR can apply (a
// FHIR resource for CREATE and UPDATE, "Type/id" for DELETE). Epic accepts only selection
// behavior "any" and one action per suggestion; those are warnings, being one EHR's limits.
#ifndef CDS_PLUGIN_CHECK_SUGGESTION_RULES_H_
#define CDS_PLUGIN_CHECK_SUGGESTION_RULES_H_

#include <cds/v1/card.pb.h>

#include "card_findings.h"

namespace cds_plugin_check {

// Adds to `findings` every way the suggestions of `card` break the rules above.
void CheckSuggestions(const cds::v1::Card& card, CardFindings& findings);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_SUGGESTION_RULES_H_
