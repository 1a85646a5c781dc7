// The criteria a dosing card reports, by id, and the recorder that writes them onto a card with
// the words, role and citations the knowledge file gives them. Also keeps the card's missing
// inputs, its citations, and the points that need the clinician's attention.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_CRITERIA_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_CRITERIA_H_

#include <cds/v1/card.pb.h>

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dosing_knowledge.h"

namespace cds::dosing {

enum class Rule {
  kProduct,
  kIndication,
  kCourseStart,
  kLabelEdition,
  kPhase,
  kSpacing,
  kFrequency,
  kMissedSessions,
  kMaintenanceFrequency,
  kFirstDose,
  kDoseHistory,
  kGeriatric,
  kTolerability,
  kMdsiDose,
  kMdsiDuration,
  kMdsiAge,
  kEndOfInduction,
  kEuMaintenance,
  kChildPugh,
  kIvCourse,
  kIvWeight,
  kIvDose,
  kIvReview,
  kResponse,
  kRemission,
  kPhq9,
  kDraftOrder,
  kCount,
};

// The knowledge file's id of each rule, in Rule order.
inline constexpr std::array<std::string_view, static_cast<size_t>(Rule::kCount)> kRuleIds = {
    "course.product",
    "course.indication",
    "course.start",
    "schedule.label_edition",
    "schedule.phase",
    "schedule.spacing",
    "schedule.frequency",
    "schedule.missed_sessions",
    "maintenance.frequency",
    "dose.first",
    "dose.history",
    "dose.geriatric",
    "dose.tolerability",
    "mdsi.dose",
    "mdsi.duration",
    "mdsi.age",
    "trd.end_of_induction",
    "eu.maintenance",
    "hepatic.child_pugh",
    "iv.course",
    "iv.weight",
    "iv.dose",
    "iv.review",
    "outcome.response",
    "outcome.remission",
    "outcome.phq9",
    "order.draft",
};

using RuleTexts = std::array<CriterionText, static_cast<size_t>(Rule::kCount)>;

// Looks up every rule in the knowledge file and fills the {placeholders} of its description.
// Throws std::runtime_error for a rule the file lacks or a placeholder without a value, so a
// knowledge edit that breaks a card fails at load, not at the bedside.
RuleTexts ResolveRuleTexts(const DosingKnowledge& knowledge,
                           const std::map<std::string, std::string>& values);

// A point the clinician must look at: a short phrase for the summary line and the full text.
struct Attention {
  std::string summary;
  std::string detail;
};

class CardBasis {
 public:
  CardBasis(cds::v1::Card& card, const RuleTexts& texts, const DosingKnowledge& knowledge);

  // Adds the criterion with its description, role and citations; returns it for inputs.
  cds::v1::Criterion& Add(Rule rule, cds::v1::CriterionOutcome outcome, std::string explanation);
  // Cites `ids` on the card, and also on `criterion` (for rules whose sources depend on the
  // request).
  void Cite(const CitationIds& ids);
  void Cite(cds::v1::Criterion& criterion, const CitationIds& ids);
  void Missing(std::string path, std::string name, std::string impact);
  void NeedsAttention(std::string summary, std::string detail);

  // Adds every cited source to the card once, in the knowledge file's order. Call last.
  void WriteCitations();

  const std::vector<Attention>& attention() const { return attention_; }

 private:
  cds::v1::Card& card_;
  const RuleTexts& texts_;
  const DosingKnowledge& knowledge_;
  // Indexed like knowledge_.citations: collected first, written once (no per-cite scans of
  // the card).
  std::vector<bool> cited_;
  std::vector<Attention> attention_;
};

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_CRITERIA_H_
