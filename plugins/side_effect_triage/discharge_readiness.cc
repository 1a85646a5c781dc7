#include "discharge_readiness.h"

#include <cds/sdk/clinical.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "plain_text.h"
#include "vital_sign_checks.h"

namespace cds::triage {
namespace {

using cds::sdk::AddInput;
using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;

constexpr char kRole[] = "discharge requirement";

CriterionResult MinimumObservation(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const std::optional<int>& since = c.rule.session.minutes_since_dose;
  const int minimum = c.rule.thresholds.discharge_minimum_minutes;
  if (!since) return {CRITERION_OUTCOME_UNKNOWN, "The time since the dose is not recorded."};
  AddInput(criterion, "Minutes since dose", Concat({*since, " min"}),
           "patient.session_report.minutes_since_dose");
  if (*since >= minimum) {
    return {CRITERION_OUTCOME_MET,
            Concat({*since, " min since the dose: the ", minimum, "-minute minimum is reached."})};
  }
  return {CRITERION_OUTCOME_NOT_MET, Concat({*since, " min since the dose: observe until ", minimum,
                                             " min at the earliest."})};
}

CriterionResult SedationDissociationResolved(const DischargeContext& c,
                                             cds::v1::Criterion& criterion) {
  std::string present;
  for (const ReportedSymptom& s : c.rule.session.symptoms) {
    if (s.definition == nullptr || !s.definition->blocks_discharge || !s.present()) continue;
    AddInput(criterion, "Symptom", DescribeSymptom(s), Concat({SymptomPath(s), ".resolved"}));
    Append(present, {present.empty() ? "" : ", ", SymptomName(s)});
  }
  if (!present.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Still present: ", present, "."})};
  }
  return {CRITERION_OUTCOME_MET,
          "No sedation, dissociation or breathing problem is recorded as still present; staff "
          "confirm this at discharge."};
}

CriterionResult BreathingNormal(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const TriageThresholds& t = c.rule.thresholds;
  const VitalReading* spo2 = Latest(c.rule.session, VitalSign::kSpo2);
  const VitalReading* rate = Latest(c.rule.session, VitalSign::kRespiratoryRate);
  if (spo2) {
    AddInput(criterion, "Latest SpO2", DescribeValue(*spo2, VitalSign::kSpo2),
             ReadingPath(*spo2, VitalSign::kSpo2));
  }
  if (rate) {
    AddInput(criterion, "Latest respiratory rate",
             DescribeValue(*rate, VitalSign::kRespiratoryRate),
             ReadingPath(*rate, VitalSign::kRespiratoryRate));
  }
  std::string low;
  if (spo2 && *spo2->spo2 < t.spo2_low_percent) {
    Append(low, {"SpO2 ", DescribeValue(*spo2, VitalSign::kSpo2)});
  }
  if (rate && *rate->respiratory_rate < t.respiratory_rate_slow_per_min) {
    Append(low, {low.empty() ? "" : "; ", "respiratory rate ",
                 DescribeValue(*rate, VitalSign::kRespiratoryRate)});
  }
  if (!low.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Latest ", low, " below the threshold."})};
  }
  if (!spo2 || !rate) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({"No timed post-dose ", !spo2 ? "SpO2" : "respiratory rate", " reading."})};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({"Latest SpO2 ", DescribeValue(*spo2, VitalSign::kSpo2), " and respiratory rate ",
                  DescribeValue(*rate, VitalSign::kRespiratoryRate), "."})};
}

CriterionResult BpNearBaseline(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const BaselineComparison bp = CompareLatestWithBaseline(s, c.rule.thresholds);
  if (s.baseline_systolic) {
    AddInput(criterion, "Baseline systolic blood pressure",
             Concat({Measured{*s.baseline_systolic}, " mm[Hg]"}),
             "patient.session_report.baseline.systolic_mmhg");
  }
  if (s.baseline_diastolic) {
    AddInput(criterion, "Baseline diastolic blood pressure",
             Concat({Measured{*s.baseline_diastolic}, " mm[Hg]"}),
             "patient.session_report.baseline.diastolic_mmhg");
  }
  if (bp.latest) {
    AddInput(criterion, "Latest systolic blood pressure",
             DescribeValue(*bp.latest, VitalSign::kSystolic),
             ReadingPath(*bp.latest, VitalSign::kSystolic));
    AddInput(criterion, "Latest diastolic blood pressure",
             DescribeValue(*bp.latest, VitalSign::kDiastolic),
             ReadingPath(*bp.latest, VitalSign::kDiastolic));
  }
  return {bp.outcome, bp.explanation};
}

CriterionResult NoOpenEscalation(const DischargeContext& c, cds::v1::Criterion& criterion) {
  std::string open;
  if (c.level >= cds::v1::TRIAGE_LEVEL_URGENT) {
    open = c.level == cds::v1::TRIAGE_LEVEL_EMERGENCY ? "triage level EMERGENCY"
                                                      : "triage level URGENT";
  }
  for (const ReportedSymptom& s : c.rule.session.symptoms) {
    const bool needs_review = s.definition == nullptr || s.category == SymptomCategory::kOther;
    if (!needs_review || !s.present()) continue;
    AddInput(criterion, "Symptom needing review", DescribeSymptom(s), SymptomPath(s));
    Append(open,
           {open.empty() ? "" : "; ", SymptomName(s), " still present",
            s.definition == nullptr ? ", not recognised by cdsd" : ", needs clinician review"});
  }
  if (!open.empty()) return {CRITERION_OUTCOME_NOT_MET, Concat({"Open: ", open, "."})};
  return {CRITERION_OUTCOME_MET,
          "No urgent or emergency finding and no unassessed symptom still present."};
}

struct NamedPredicate {
  std::string_view id;
  DischargePredicate predicate;
};

constexpr std::array kPredicates = {
    NamedPredicate{"discharge.minimum_observation", &MinimumObservation},
    NamedPredicate{"discharge.sedation_dissociation_resolved", &SedationDissociationResolved},
    NamedPredicate{"discharge.breathing_normal", &BreathingNormal},
    NamedPredicate{"discharge.bp_near_baseline", &BpNearBaseline},
    NamedPredicate{"discharge.no_open_escalation", &NoOpenEscalation},
};

google::protobuf::Timestamp ToTimestamp(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

}  // namespace

DischargeCriteria::DischargeCriteria(const TriageKnowledge& knowledge,
                                     const TriageSettings& settings)
    : minimum_minutes_(settings.thresholds().discharge_minimum_minutes),
      driving_advice_(knowledge.driving_advice) {
  for (const DischargeCriterionText& text : knowledge.discharge_criteria) {
    auto it = std::find_if(kPredicates.begin(), kPredicates.end(),
                           [&](const NamedPredicate& p) { return p.id == text.id; });
    if (it == kPredicates.end()) {
      throw std::logic_error("discharge criterion without a predicate: " + text.id);
    }
    criteria_.push_back({&text, settings.Render(text.description), it->predicate});
  }
  if (criteria_.size() != kPredicates.size()) {
    throw std::logic_error("discharge predicates and knowledge criteria differ");
  }
}

void DischargeCriteria::Evaluate(const DischargeContext& context, TriageRecord& out) const {
  cds::v1::DischargeReadiness& discharge = *out.decision.mutable_discharge();
  bool any_unknown = false;
  bool any_not_met = false;
  for (const BoundCriterion& bound : criteria_) {
    cds::v1::Criterion& criterion = *out.card.add_criteria();
    criterion.set_id(bound.text->id);
    criterion.set_description(bound.description);
    criterion.set_role(kRole);
    for (const std::string& id : bound.text->citation_ids) criterion.add_citation_ids(id);
    CriterionResult result = bound.predicate(context, criterion);
    criterion.set_outcome(result.outcome);
    if (result.outcome == CRITERION_OUTCOME_NOT_MET) {
      any_not_met = true;
      discharge.add_blocking_reasons(result.explanation);
    } else if (result.outcome == CRITERION_OUTCOME_UNKNOWN) {
      any_unknown = true;
      discharge.add_blocking_reasons(Concat({"Not known: ", result.explanation}));
    }
    criterion.set_explanation(std::move(result.explanation));
  }
  discharge.set_status(any_not_met   ? cds::v1::DISCHARGE_STATUS_NOT_READY
                       : any_unknown ? cds::v1::DISCHARGE_STATUS_UNKNOWN
                                     : cds::v1::DISCHARGE_STATUS_READY);
  // The earliest the clock allows; the other criteria have no predictable end.
  discharge.set_earliest_minutes_after_dose(minimum_minutes_);
  if (context.rule.session.dose_time_seconds) {
    *discharge.mutable_earliest_time() =
        ToTimestamp(*context.rule.session.dose_time_seconds + int64_t{minimum_minutes_} * 60);
  }
  discharge.set_driving_advice(driving_advice_);
}

}  // namespace cds::triage
