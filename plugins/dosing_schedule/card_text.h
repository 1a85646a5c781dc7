// The words of a dosing card: the one-line summary (under 140 characters), the markdown detail
// a clinician reads (calendar table, progress, what to do at every session) and the indicator.
// Everything is derived from the card's typed decision and the attention points, so the text
// never says something the structured answer does not.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_CARD_TEXT_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_CARD_TEXT_H_

#include <cds/sdk/clinical.h>
#include <cds/v1/card.pb.h>

#include <string>
#include <vector>

#include "course_assessment.h"
#include "criteria.h"

namespace cds::dosing {

inline constexpr size_t kMaxSummaryLength = 139;

// Sets summary, detail and indicator (WARNING when anything needs attention, else INFO).
void WriteCardText(const DosingPolicy& policy, sdk::Date evaluation_date,
                   const std::vector<Attention>& attention, cds::v1::Card& card);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_CARD_TEXT_H_
