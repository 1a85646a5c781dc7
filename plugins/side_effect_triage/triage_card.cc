#include "triage_card.h"

#include <cds/sdk/basis.h>
#include <cds/sdk/clinical.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "plain_text.h"

namespace cds::triage {
namespace {

// Summaries stay under the CDS Hooks limit of 140 characters.
constexpr size_t kSummaryLimit = 139;

const char* LevelName(cds::v1::TriageLevel level) {
  switch (level) {
    case cds::v1::TRIAGE_LEVEL_ROUTINE:
      return "ROUTINE";
    case cds::v1::TRIAGE_LEVEL_MONITOR:
      return "MONITOR";
    case cds::v1::TRIAGE_LEVEL_URGENT:
      return "URGENT";
    case cds::v1::TRIAGE_LEVEL_EMERGENCY:
      return "EMERGENCY";
    default:
      return "UNSPECIFIED";
  }
}

const char* DischargeWords(cds::v1::DischargeStatus status) {
  switch (status) {
    case cds::v1::DISCHARGE_STATUS_READY:
      return "ready for discharge";
    case cds::v1::DISCHARGE_STATUS_NOT_READY:
      return "not ready for discharge";
    default:
      return "discharge readiness unknown";
  }
}

cds::v1::Indicator IndicatorFor(cds::v1::TriageLevel level) {
  if (level == cds::v1::TRIAGE_LEVEL_EMERGENCY) return cds::v1::INDICATOR_CRITICAL;
  if (level == cds::v1::TRIAGE_LEVEL_ROUTINE) return cds::v1::INDICATOR_INFO;
  return cds::v1::INDICATOR_WARNING;
}

// Actions from the highest findings first; each text once.
void OrderActions(const TriageKnowledge& knowledge, cds::v1::TriageLevel level,
                  TriageRecord& record) {
  std::stable_sort(
      record.actions.begin(), record.actions.end(),
      [](const LeveledAction& a, const LeveledAction& b) { return a.level > b.level; });
  cds::v1::TriageDecision& decision = record.decision;
  if (level == cds::v1::TRIAGE_LEVEL_EMERGENCY) {
    decision.add_actions(knowledge.card.emergency_disclaimer);
  }
  for (const LeveledAction& a : record.actions) {
    if (std::find(decision.actions().begin(), decision.actions().end(), a.text) ==
        decision.actions().end()) {
      decision.add_actions(a.text);
    }
  }
  decision.add_actions(knowledge.driving_advice);
}

std::string Summary(const cds::v1::TriageDecision& decision) {
  const cds::v1::TriageFinding* top = nullptr;
  for (const cds::v1::TriageFinding& f : decision.findings()) {
    if (f.level() == decision.level()) {
      top = &f;
      break;
    }
  }
  std::string summary =
      Concat({LevelName(decision.level()), ": ",
              top != nullptr ? top->description() : "no side effect needing action"});
  if (decision.findings_size() > 1) {
    Append(summary, {" (+", decision.findings_size() - 1, " more)"});
  }
  const std::string_view discharge = DischargeWords(decision.discharge().status());
  if (summary.size() + 2 + discharge.size() <= kSummaryLimit) {
    Append(summary, {"; ", discharge});
  } else if (summary.size() > kSummaryLimit) {
    summary.resize(kSummaryLimit - 3);
    summary += "...";
  }
  return summary;
}

void AppendCitations(std::string& out, const google::protobuf::RepeatedPtrField<std::string>& ids) {
  if (ids.empty()) return;
  out += " [";
  for (int i = 0; i < ids.size(); ++i) Append(out, {i ? ", " : "", ids[i]});
  out += "]";
}

// Markdown for the clinician: findings, actions, discharge, what is missing, and only the rules
// that could not be decided (every rule with its outcome is in the card's criteria).
std::string Detail(const TriageKnowledge& knowledge, const SessionObservations& session,
                   const cds::v1::Card& card) {
  const cds::v1::TriageDecision& decision = card.triage();
  std::string md;
  md.reserve(4096);
  Append(md, {"**Triage level: ", LevelName(decision.level()), "**"});
  if (session.minutes_since_dose) {
    Append(md, {" at ", *session.minutes_since_dose, " min after the dose"});
  }
  md += ".\n\n";
  if (decision.level() == cds::v1::TRIAGE_LEVEL_EMERGENCY) {
    Append(md, {"> **Follow the site's emergency protocol now.** ",
                knowledge.card.emergency_disclaimer, "\n\n"});
  }

  md += "### Findings\n";
  if (decision.findings().empty()) md += "- None.\n";
  for (const cds::v1::TriageFinding& f : decision.findings()) {
    Append(md, {"- **", LevelName(f.level()), "** ", f.description(), ": ", f.observed(),
                ". Threshold: ", f.threshold(), " (`", f.rule_id(), "`)"});
    AppendCitations(md, f.citation_ids());
    md += "\n";
  }

  md += "\n### Actions\n";
  for (int i = 0; i < decision.actions_size(); ++i)
    Append(md, {i + 1, ". ", decision.actions(i), "\n"});

  const cds::v1::DischargeReadiness& discharge = decision.discharge();
  Append(md, {"\n### Discharge: ", DischargeWords(discharge.status()),
              "\n- Earliest: ", discharge.earliest_minutes_after_dose(), " min after the dose"});
  if (discharge.has_earliest_time()) {
    Append(md, {" (", FormatUtc(discharge.earliest_time().seconds()), ")"});
  }
  md += ", once everything else below has resolved.\n";
  for (const std::string& reason : discharge.blocking_reasons()) Append(md, {"- ", reason, "\n"});
  Append(md, {"- ", discharge.driving_advice(), " ["});
  for (size_t i = 0; i < knowledge.driving_citation_ids.size(); ++i) {
    Append(md, {i ? ", " : "", knowledge.driving_citation_ids[i]});
  }
  md += "]\n";

  cds::sdk::AppendMissingInputs(md, card, "### Missing or unusable inputs (never read as normal)");

  bool any_unknown = false;
  for (const cds::v1::Criterion& c : card.criteria()) {
    if (c.outcome() != cds::v1::CRITERION_OUTCOME_UNKNOWN) continue;
    if (!any_unknown) md += "\n### Rules that could not be decided\n";
    any_unknown = true;
    Append(md, {"- `", c.id(), "`: ", c.explanation(), "\n"});
  }

  Append(md,
         {"\n### Notes\n- ", knowledge.card.hypertension_source_note,
          "\n- The emergency SpO2 and respiratory-rate thresholds are not in the clinical "
          "reference; their defaults come from opioid practice guidance (X1).\n"
          "- 'Back near baseline', the discharge ceiling, the recency of discharge vital signs and "
          "the liver-test limits are site settings, not label figures.\n"});
  for (const std::string& note : knowledge.card.stricter_than_label) {
    Append(md, {"- Stricter than the label: ", note, "\n"});
  }
  if (session.product == cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE) {
    Append(md, {"- ", knowledge.card.iv_ketamine_note, "\n"});
  }
  Append(md, {"- Every rule checked, with its outcome, inputs and sources, is in the card's "
              "criteria. Knowledge ",
              knowledge.knowledge_version, ", reviewed ", knowledge.review_date, ".\n"});
  return md;
}

}  // namespace

cds::v1::TriageLevel HighestLevel(const cds::v1::TriageDecision& decision) {
  cds::v1::TriageLevel level = cds::v1::TRIAGE_LEVEL_ROUTINE;
  for (const cds::v1::TriageFinding& f : decision.findings()) level = std::max(level, f.level());
  return level;
}

std::string FormatUtc(int64_t seconds) {
  const std::chrono::sys_seconds time{std::chrono::seconds(seconds)};
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::hh_mm_ss clock(time - day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", cds::sdk::FormatDate(day).c_str(),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

std::vector<const cds::v1::Citation*> CitedSources(const TriageKnowledge& knowledge) {
  std::vector<const cds::v1::Citation*> cited;
  auto cites = [&](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  for (const cds::v1::Citation& citation : knowledge.citations) {
    bool used = cites(knowledge.driving_citation_ids, citation.id());
    for (const RuleText& r : knowledge.rules) used = used || cites(r.citation_ids, citation.id());
    for (const DischargeCriterionText& c : knowledge.discharge_criteria) {
      used = used || cites(c.citation_ids, citation.id());
    }
    if (used) cited.push_back(&citation);
  }
  return cited;
}

void CompleteCard(const TriageKnowledge& knowledge,
                  const std::vector<const cds::v1::Citation*>& cited,
                  const SessionObservations& session, TriageRecord& record) {
  cds::v1::Card& card = record.card;
  cds::v1::TriageDecision& decision = record.decision;
  const cds::v1::TriageLevel level = HighestLevel(decision);
  decision.set_level(level);
  OrderActions(knowledge, level, record);
  if (session.dose_time_seconds) {
    decision.mutable_dose_time()->set_seconds(*session.dose_time_seconds);
  }

  card.set_indicator(IndicatorFor(level));
  card.set_summary(Summary(decision));
  card.mutable_source()->set_label(knowledge.card.source_label);
  card.mutable_source()->set_url(knowledge.card.source_url);
  card.set_knowledge_version(knowledge.knowledge_version);
  for (const cds::v1::Citation* citation : cited) *card.add_citations() = *citation;
  card.set_detail(Detail(knowledge, session, card));
}

}  // namespace cds::triage
