// Turns what the rules recorded into the finished card: the level (highest finding wins), the
// indicator, a one-line summary, the ordered actions, markdown a clinician can read, the
// citations the criteria used and the typed triage decision.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_CARD_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_CARD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rule_record.h"
#include "session_observations.h"
#include "triage_knowledge.h"

namespace cds::triage {

// The highest level among the findings recorded so far; ROUTINE when there are none.
cds::v1::TriageLevel HighestLevel(const cds::v1::TriageDecision& decision);

// The sources the card cites: every rule is evaluated on every card, so this is the same list
// each time and is computed once, at construction.
std::vector<const cds::v1::Citation*> CitedSources(const TriageKnowledge& knowledge);

void CompleteCard(const TriageKnowledge& knowledge,
                  const std::vector<const cds::v1::Citation*>& cited,
                  const SessionObservations& session, TriageRecord& record);

// "2026-11-21T10:40:00Z".
std::string FormatUtc(int64_t seconds_since_epoch);

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_CARD_H_
