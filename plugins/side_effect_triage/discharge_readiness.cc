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
constexpr char kReportPath[] = "patient.session_report";

bool ChildPughBOrC(const SessionObservations& s) {
  return s.child_pugh == cds::v1::CHILD_PUGH_CLASS_B || s.child_pugh == cds::v1::CHILD_PUGH_CLASS_C;
}

CriterionResult MinimumObservation(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const std::optional<int>& since = s.minutes_since_dose;
  const int minimum = MinimumObservationMinutes(s, c.rule.thresholds);
  if (ChildPughBOrC(s)) {
    AddInput(criterion, "Child-Pugh class",
             s.child_pugh == cds::v1::CHILD_PUGH_CLASS_B ? "B" : "C", "patient.child_pugh_class");
  }
  if (!since) return {CRITERION_OUTCOME_UNKNOWN, "The time since the dose is not recorded."};
  AddInput(criterion, "Minutes since dose", Concat({*since, " min"}),
           "patient.session_report.minutes_since_dose");
  const std::string why =
      ChildPughBOrC(s) ? " (longer for moderate or severe hepatic impairment)" : "";
  if (*since >= minimum) {
    return {CRITERION_OUTCOME_MET, Concat({*since, " min since the dose: the ", minimum,
                                           "-minute minimum", why, " is reached."})};
  }
  return {CRITERION_OUTCOME_NOT_MET, Concat({*since, " min since the dose: observe until ", minimum,
                                             " min at the earliest", why, "."})};
}

// Symptoms of a kind still present, named for the explanation, and added as inputs.
std::string PresentSymptoms(const SessionObservations& s, cds::v1::Criterion& criterion,
                            bool (*matches)(const ReportedSymptom&)) {
  std::string present;
  for (const ReportedSymptom& sym : s.symptoms) {
    if (!sym.present() || !matches(sym)) continue;
    AddInput(criterion, "Symptom", DescribeSymptom(sym), SymptomPath(sym));
    Append(present, {present.empty() ? "" : ", ", SymptomName(sym)});
  }
  return present;
}

bool IsSedationSymptom(const ReportedSymptom& s) {
  return s.definition != nullptr && s.definition->indicates_sedation;
}
bool IsDissociationSymptom(const ReportedSymptom& s) {
  return s.definition != nullptr && s.definition->blocks_discharge &&
         !s.definition->indicates_sedation &&
         s.category != SymptomCategory::kRespiratoryDepression;
}

// The latest assessment timed at or after `minimum` and not after the evaluation (a time later
// than minutes_since_dose is a recording error, not a later assessment), or null.
template <class Reading>
const Reading* LatestAfter(const std::vector<Reading>& readings, int minimum,
                           const std::optional<int>& since) {
  const Reading* best = nullptr;
  for (const Reading& r : readings) {
    if (!r.minute || *r.minute < minimum || (since && *r.minute > *since)) continue;
    if (best == nullptr || *r.minute >= *best->minute) best = &r;
  }
  return best;
}

CriterionResult SedationAssessed(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const int minimum = MinimumObservationMinutes(s, c.rule.thresholds);
  const std::string symptoms = PresentSymptoms(s, criterion, &IsSedationSymptom);
  if (!symptoms.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Still present: ", symptoms, "."})};
  }
  const SedationReading* latest = LatestAfter(s.sedation, minimum, s.minutes_since_dose);
  if (latest == nullptr) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({s.sedation.empty() ? "No sedation assessment is recorded"
                                       : "No timed sedation assessment is recorded",
                    " at or after ", minimum, " min (and not after this evaluation): assess "
                    "sedation (MOAA/S or RASS) and record it."})};
  }
  AddInput(criterion, "Latest sedation assessment", DescribeSedation(*latest),
           Concat({kReportPath, ".sedation_assessments[", latest->index, "]"}));
  switch (DepthOf(*latest, c.rule.thresholds)) {
    case SedationDepth::kAwake:
      return {CRITERION_OUTCOME_MET, Concat({DescribeSedation(*latest), ": awake."})};
    case SedationDepth::kAgitated:
      return {CRITERION_OUTCOME_NOT_MET,
              Concat({DescribeSedation(*latest), ": agitated; clinician review first."})};
    default:
      return {CRITERION_OUTCOME_NOT_MET,
              Concat({DescribeSedation(*latest), ": still sedated; keep observing."})};
  }
}

CriterionResult DissociationAssessed(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const int minimum = MinimumObservationMinutes(s, c.rule.thresholds);
  const std::string symptoms = PresentSymptoms(s, criterion, &IsDissociationSymptom);
  if (!symptoms.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Still present: ", symptoms, "."})};
  }
  const DissociationReading* latest = LatestAfter(s.dissociation, minimum, s.minutes_since_dose);
  if (latest == nullptr) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({s.dissociation.empty() ? "No dissociation assessment is recorded"
                                           : "No timed dissociation assessment is recorded",
                    " at or after ", minimum, " min: assess dissociation and record it."})};
  }
  const std::string shown = Concat({latest->shown, " at ", *latest->minute, " min"});
  AddInput(criterion, "Latest dissociation assessment", shown,
           Concat({kReportPath, ".dissociation_assessments[", latest->index, "]"}));
  const int cutoff = c.rule.thresholds.dissociation_cadss_resolved_max;
  if (latest->cadss) {
    if (*latest->cadss <= cutoff) {
      return {CRITERION_OUTCOME_MET, Concat({shown, ": at or below ", cutoff, ", resolved."})};
    }
    return {CRITERION_OUTCOME_NOT_MET,
            Concat({shown, ": above ", cutoff, ", not resolved; keep observing."})};
  }
  if (latest->judged_present) {
    if (!*latest->judged_present) return {CRITERION_OUTCOME_MET, Concat({shown, "."})};
    return {CRITERION_OUTCOME_NOT_MET, Concat({shown, ": not resolved; keep observing."})};
  }
  return {CRITERION_OUTCOME_UNKNOWN, Concat({shown, ": record whether it has resolved."})};
}

constexpr VitalSign kDischargeSigns[] = {VitalSign::kSystolic, VitalSign::kDiastolic,
                                         VitalSign::kSpo2, VitalSign::kRespiratoryRate,
                                         VitalSign::kHeartRate};

CriterionResult RecentVitals(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const TriageThresholds& t = c.rule.thresholds;
  const int minimum = MinimumObservationMinutes(s, t);
  if (!s.minutes_since_dose) {
    return {CRITERION_OUTCOME_UNKNOWN,
            "The time since the dose is not recorded, so no reading can be shown to be recent."};
  }
  const int since = *s.minutes_since_dose;
  std::string stale;
  for (VitalSign sign : kDischargeSigns) {
    const VitalReading* latest = Latest(s, sign);
    if (latest == nullptr) {
      Append(stale, {stale.empty() ? "" : "; ", VitalSignWords(sign), " not measured"});
      continue;
    }
    AddInput(criterion, Concat({"Latest ", VitalSignWords(sign)}), DescribeValue(*latest, sign),
             ReadingPath(*latest, sign));
    const int minute = *latest->minute;
    if (minute < minimum) {
      Append(stale, {stale.empty() ? "" : "; ", VitalSignWords(sign), " last taken at ", minute,
                     " min, before the ", minimum, "-minute minimum"});
    } else if (minute > since) {
      Append(stale, {stale.empty() ? "" : "; ", VitalSignWords(sign), " timed at ", minute,
                     " min, after the time of this evaluation (", since, " min)"});
    } else if (since - minute > t.discharge_vitals_max_age_minutes) {
      Append(stale, {stale.empty() ? "" : "; ", VitalSignWords(sign), " last taken at ", minute,
                     " min, more than ", t.discharge_vitals_max_age_minutes, " min ago"});
    }
  }
  if (!stale.empty()) {
    return {CRITERION_OUTCOME_UNKNOWN, Concat({"Take the vital signs again: ", stale, "."})};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({"Blood pressure, SpO2, respiratory rate and heart rate taken at or after ",
                  minimum, " min and within ", t.discharge_vitals_max_age_minutes,
                  " min of now."})};
}

bool IsRespiratorySymptom(const ReportedSymptom& s) {
  return s.definition != nullptr && s.category == SymptomCategory::kRespiratoryDepression;
}

CriterionResult BreathingNormal(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const TriageThresholds& t = c.rule.thresholds;
  const VitalReading* spo2 = Latest(s, VitalSign::kSpo2);
  const VitalReading* rate = Latest(s, VitalSign::kRespiratoryRate);
  if (spo2) {
    AddInput(criterion, "Latest SpO2", DescribeValue(*spo2, VitalSign::kSpo2),
             ReadingPath(*spo2, VitalSign::kSpo2));
  }
  if (rate) {
    AddInput(criterion, "Latest respiratory rate",
             DescribeValue(*rate, VitalSign::kRespiratoryRate),
             ReadingPath(*rate, VitalSign::kRespiratoryRate));
  }
  std::string low = PresentSymptoms(s, criterion, &IsRespiratorySymptom);
  if (!low.empty()) low += " still present";
  if (spo2 && *spo2->spo2 < t.spo2_floor_percent) {
    Append(low, {low.empty() ? "" : "; ", "SpO2 ", DescribeValue(*spo2, VitalSign::kSpo2),
                 " below ", Measured{t.spo2_floor_percent}, " %"});
  } else if (spo2 && s.baseline_spo2 &&
             *s.baseline_spo2 - *spo2->spo2 >= t.spo2_fall_percent - kComparisonTolerance) {
    Append(low, {low.empty() ? "" : "; ", "SpO2 ", DescribeValue(*spo2, VitalSign::kSpo2), " is ",
                 Measured{*s.baseline_spo2 - *spo2->spo2}, " points below the pre-dose ",
                 Measured{*s.baseline_spo2}, " %"});
  }
  if (rate && *rate->respiratory_rate < t.respiratory_rate_floor_per_min) {
    Append(low, {low.empty() ? "" : "; ", "respiratory rate ",
                 DescribeValue(*rate, VitalSign::kRespiratoryRate), " below ",
                 Measured{t.respiratory_rate_floor_per_min}, "/min"});
  }
  if (!low.empty()) return {CRITERION_OUTCOME_NOT_MET, Concat({"Breathing: ", low, "."})};
  if (!spo2 || !rate) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({"No timed post-dose ", !spo2 ? "SpO2" : "respiratory rate", " reading."})};
  }
  if (!s.baseline_spo2) {
    return {CRITERION_OUTCOME_UNKNOWN,
            "The pre-dose SpO2 is not recorded, so a fall from it cannot be excluded."};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({"Latest SpO2 ", DescribeValue(*spo2, VitalSign::kSpo2), " and respiratory rate ",
                  DescribeValue(*rate, VitalSign::kRespiratoryRate), "."})};
}

CriterionResult CirculationNormal(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const TriageThresholds& t = c.rule.thresholds;
  const VitalReading* rate = Latest(s, VitalSign::kHeartRate);
  const VitalReading* systolic = Latest(s, VitalSign::kSystolic);
  if (rate) {
    AddInput(criterion, "Latest heart rate", DescribeValue(*rate, VitalSign::kHeartRate),
             ReadingPath(*rate, VitalSign::kHeartRate));
  }
  if (systolic) {
    AddInput(criterion, "Latest systolic blood pressure",
             DescribeValue(*systolic, VitalSign::kSystolic),
             ReadingPath(*systolic, VitalSign::kSystolic));
  }
  std::string wrong;
  if (rate && (*rate->heart_rate <= t.heart_rate_low_bpm + kComparisonTolerance ||
               *rate->heart_rate >= t.heart_rate_high_bpm - kComparisonTolerance)) {
    Append(wrong, {"heart rate ", DescribeValue(*rate, VitalSign::kHeartRate), " outside ",
                   Measured{t.heart_rate_low_bpm}, "-", Measured{t.heart_rate_high_bpm}, "/min"});
  }
  if (systolic && *systolic->systolic <= t.hypotension_systolic_mmhg + kComparisonTolerance) {
    Append(wrong, {wrong.empty() ? "" : "; ", "systolic ",
                   DescribeValue(*systolic, VitalSign::kSystolic), " at or below ",
                   Measured{t.hypotension_systolic_mmhg}});
  } else if (systolic && s.baseline_systolic &&
             100.0 * (*s.baseline_systolic - *systolic->systolic) / *s.baseline_systolic >=
                 t.bp_fall_systolic_percent - 1e-6) {
    Append(wrong, {wrong.empty() ? "" : "; ", "systolic ",
                   DescribeValue(*systolic, VitalSign::kSystolic), " is ",
                   Measured{t.bp_fall_systolic_percent}, " % or more below the pre-dose ",
                   Measured{*s.baseline_systolic}});
  }
  if (!wrong.empty()) return {CRITERION_OUTCOME_NOT_MET, Concat({"Circulation: ", wrong, "."})};
  if (!rate || !systolic) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({"No timed post-dose ", !rate ? "heart rate" : "systolic pressure",
                    " reading."})};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({"Latest heart rate ", DescribeValue(*rate, VitalSign::kHeartRate),
                  " and systolic ", DescribeValue(*systolic, VitalSign::kSystolic), "."})};
}

// The timed reading with both pressures just before `latest` (or null).
const VitalReading* PreviousBp(const SessionObservations& s, const VitalReading& latest) {
  const VitalReading* best = nullptr;
  for (const VitalReading& r : s.readings) {
    if (&r == &latest || !r.systolic || !r.diastolic || !r.minute) continue;
    if (*r.minute > *latest.minute) continue;
    if (best == nullptr || *r.minute >= *best->minute) best = &r;
  }
  return best;
}

CriterionResult BpSafe(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const TriageThresholds& t = c.rule.thresholds;
  const BaselineComparison bp = CompareLatestWithBaseline(s, t);
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
  if (bp.latest == nullptr) return {CRITERION_OUTCOME_UNKNOWN, bp.explanation};
  const VitalReading& latest = *bp.latest;
  AddInput(criterion, "Latest systolic blood pressure", DescribeValue(latest, VitalSign::kSystolic),
           ReadingPath(latest, VitalSign::kSystolic));
  AddInput(criterion, "Latest diastolic blood pressure",
           DescribeValue(latest, VitalSign::kDiastolic), ReadingPath(latest, VitalSign::kDiastolic));
  std::string unsafe;
  if (*latest.systolic >= t.discharge_bp_ceiling_systolic_mmhg - kComparisonTolerance ||
      *latest.diastolic >= t.discharge_bp_ceiling_diastolic_mmhg - kComparisonTolerance) {
    Append(unsafe, {"latest ", Measured{*latest.systolic}, "/", Measured{*latest.diastolic},
                    " mm[Hg] is not below the ceiling of ",
                    Measured{t.discharge_bp_ceiling_systolic_mmhg}, "/",
                    Measured{t.discharge_bp_ceiling_diastolic_mmhg}});
  }
  const VitalReading* previous = PreviousBp(s, latest);
  if (previous) {
    AddInput(criterion, "Previous systolic blood pressure",
             DescribeValue(*previous, VitalSign::kSystolic),
             ReadingPath(*previous, VitalSign::kSystolic));
    if (*latest.systolic > *previous->systolic || *latest.diastolic > *previous->diastolic) {
      Append(unsafe, {unsafe.empty() ? "" : "; ", "still rising: ", Measured{*previous->systolic},
                      "/", Measured{*previous->diastolic}, " at ", *previous->minute, " min to ",
                      Measured{*latest.systolic}, "/", Measured{*latest.diastolic}, " at ",
                      *latest.minute, " min"});
    }
  }
  if (bp.outcome == CRITERION_OUTCOME_NOT_MET) {
    Append(unsafe, {unsafe.empty() ? "" : "; ", bp.explanation});
  }
  if (!unsafe.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Blood pressure: ", unsafe, ". Keep monitoring."})};
  }
  if (bp.outcome == CRITERION_OUTCOME_UNKNOWN) return {CRITERION_OUTCOME_UNKNOWN, bp.explanation};
  if (previous == nullptr) {
    return {CRITERION_OUTCOME_UNKNOWN,
            "Only one timed post-dose blood pressure: whether it is decreasing cannot be judged."};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({bp.explanation, " Not rising, and below the ceiling of ",
                  Measured{t.discharge_bp_ceiling_systolic_mmhg}, "/",
                  Measured{t.discharge_bp_ceiling_diastolic_mmhg}, " mm[Hg]."})};
}

bool IsSevere(const ReportedSymptom& s) {
  return s.symptom->severity() == cds::v1::SEVERITY_SEVERE;
}

CriterionResult NoSevereEffect(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const std::string severe = PresentSymptoms(s, criterion, &IsSevere);
  if (!severe.empty()) {
    return {CRITERION_OUTCOME_NOT_MET, Concat({"Severe and still present: ", severe, "."})};
  }
  if (!s.symptoms_assessed) {
    return {CRITERION_OUTCOME_UNKNOWN,
            "No symptom is listed and the report does not say symptoms were checked."};
  }
  return {CRITERION_OUTCOME_MET, "No severe side effect is still present."};
}

bool NeedsStaffCheck(const ReportedSymptom& s) {
  return s.definition != nullptr && s.definition->discharge_staff_check;
}

CriterionResult BalanceAndVomitingChecked(const DischargeContext& c,
                                          cds::v1::Criterion& criterion) {
  const std::string present = PresentSymptoms(c.rule.session, criterion, &NeedsStaffCheck);
  if (!present.empty()) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({present, " still present: staff record it resolved (or judge the patient "
                             "stable and record it) before discharge."})};
  }
  return {CRITERION_OUTCOME_MET, "No dizziness, vertigo or vomiting recorded as still present."};
}

CriterionResult ReadinessToLeave(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  const int minimum = MinimumObservationMinutes(s, c.rule.thresholds);
  const cds::v1::ReadinessToLeave* r = s.readiness;
  if (r == nullptr) {
    return {CRITERION_OUTCOME_UNKNOWN,
            "The readiness-to-leave checks are not recorded (walks unaided, oriented, escort or "
            "transport arranged)."};
  }
  if (!r->has_minutes_after_dose() || r->minutes_after_dose() < minimum ||
      (s.minutes_since_dose && r->minutes_after_dose() > *s.minutes_since_dose)) {
    return {CRITERION_OUTCOME_UNKNOWN,
            Concat({"The readiness-to-leave checks are not timed at or after ", minimum,
                    " min and before this evaluation: repeat them."})};
  }
  struct Check {
    cds::v1::Assessment value;
    const char* name;
    const char* field;
  };
  const Check checks[] = {
      {r->walks_unaided(), "walks unaided", "walks_unaided"},
      {r->oriented(), "oriented", "oriented"},
      {r->escort_or_transport_arranged(), "escort or transport arranged",
       "escort_or_transport_arranged"},
  };
  std::string no;
  std::string unknown;
  for (const Check& check : checks) {
    const char* shown = check.value == cds::v1::ASSESSMENT_YES  ? "yes"
                        : check.value == cds::v1::ASSESSMENT_NO ? "no"
                        : check.value == cds::v1::ASSESSMENT_UNKNOWN ? "unknown"
                                                                     : "not recorded";
    AddInput(criterion, check.name, Concat({shown, " at ", r->minutes_after_dose(), " min"}),
             Concat({kReportPath, ".readiness_to_leave.", check.field}));
    if (check.value == cds::v1::ASSESSMENT_YES) continue;
    std::string& into = check.value == cds::v1::ASSESSMENT_NO ? no : unknown;
    Append(into, {into.empty() ? "" : ", ", check.name, " ", shown});
  }
  if (!no.empty()) return {CRITERION_OUTCOME_NOT_MET, Concat({"Readiness to leave: ", no, "."})};
  if (!unknown.empty()) {
    return {CRITERION_OUTCOME_UNKNOWN, Concat({"Readiness to leave: ", unknown, "."})};
  }
  return {CRITERION_OUTCOME_MET,
          Concat({"Walks unaided, oriented, escort or transport arranged (at ",
                  r->minutes_after_dose(), " min)."})};
}

bool NeedsReviewWhilePresent(const ReportedSymptom& s) {
  if (s.definition == nullptr) return true;
  switch (s.category) {
    case SymptomCategory::kOther:
    case SymptomCategory::kHypertensiveWarning:
    case SymptomCategory::kSuicidality:
    case SymptomCategory::kSeizure:
    case SymptomCategory::kLossOfConsciousness:
      return true;
    default:
      return false;
  }
}

// A review counts for a finding when recorded at or after the finding's latest evidence (or when
// that evidence has no time).
const EscalationReviewRecord* ReviewOf(const SessionObservations& s, const std::string& rule_id,
                                       const std::optional<int>& evidence) {
  for (const EscalationReviewRecord& review : s.reviews) {
    if (review.rule_id != rule_id) continue;
    if (!evidence || (review.minute && *review.minute >= *evidence)) return &review;
  }
  return nullptr;
}

CriterionResult NoOpenEscalation(const DischargeContext& c, cds::v1::Criterion& criterion) {
  const SessionObservations& s = c.rule.session;
  std::string open;
  std::string reviewed;
  std::vector<std::string_view> listed;  // a rule with several open findings is named once
  for (int i = 0; i < c.decision.findings_size(); ++i) {
    const cds::v1::TriageFinding& f = c.decision.findings(i);
    if (f.level() < cds::v1::TRIAGE_LEVEL_URGENT) continue;
    const std::optional<int>& evidence = c.evidence_minutes[static_cast<size_t>(i)];
    if (const EscalationReviewRecord* review = ReviewOf(s, f.rule_id(), evidence)) {
      Append(reviewed, {reviewed.empty() ? "" : "; ", f.rule_id(), " reviewed",
                        review->minute ? Concat({" at ", *review->minute, " min"}) : ""});
      continue;
    }
    if (std::find(listed.begin(), listed.end(), f.rule_id()) != listed.end()) continue;
    listed.push_back(f.rule_id());
    Append(open, {open.empty() ? "" : "; ", f.rule_id(), " (", f.description(), ")"});
  }
  for (const ReportedSymptom& sym : s.symptoms) {
    if (!sym.present() || !NeedsReviewWhilePresent(sym)) continue;
    AddInput(criterion, "Symptom needing review", DescribeSymptom(sym), SymptomPath(sym));
    Append(open,
           {open.empty() ? "" : "; ", SymptomName(sym), " still present",
            sym.definition == nullptr ? ", not recognised by cdsd" : ", needs clinician review"});
  }
  if (!reviewed.empty()) {
    AddInput(criterion, "Escalation reviews", reviewed, "patient.session_report.escalation_reviews");
  }
  if (!open.empty()) {
    return {CRITERION_OUTCOME_NOT_MET,
            Concat({"Open until a clinician records it reviewed (escalation_reviews, at or after "
                    "its latest evidence): ",
                    open, "."})};
  }
  return {CRITERION_OUTCOME_MET,
          reviewed.empty() ? std::string("No urgent or emergency finding and no symptom needing "
                                         "review still present.")
                           : Concat({"Every urgent or emergency finding is reviewed (", reviewed,
                                     "): discharge follows the current state."})};
}

struct NamedPredicate {
  std::string_view id;
  DischargePredicate predicate;
};

constexpr std::array kPredicates = {
    NamedPredicate{"discharge.minimum_observation", &MinimumObservation},
    NamedPredicate{"discharge.sedation_assessed", &SedationAssessed},
    NamedPredicate{"discharge.dissociation_assessed", &DissociationAssessed},
    NamedPredicate{"discharge.recent_vitals", &RecentVitals},
    NamedPredicate{"discharge.breathing_normal", &BreathingNormal},
    NamedPredicate{"discharge.circulation_normal", &CirculationNormal},
    NamedPredicate{"discharge.bp_safe", &BpSafe},
    NamedPredicate{"discharge.no_severe_effect", &NoSevereEffect},
    NamedPredicate{"discharge.balance_and_vomiting_checked", &BalanceAndVomitingChecked},
    NamedPredicate{"discharge.readiness_to_leave", &ReadinessToLeave},
    NamedPredicate{"discharge.no_open_escalation", &NoOpenEscalation},
};

google::protobuf::Timestamp ToTimestamp(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

}  // namespace

int MinimumObservationMinutes(const SessionObservations& session, const TriageThresholds& t) {
  return ChildPughBOrC(session) ? t.discharge_minimum_minutes_child_pugh_b
                                : t.discharge_minimum_minutes;
}

DischargeCriteria::DischargeCriteria(const TriageKnowledge& knowledge,
                                     const TriageSettings& settings)
    : driving_advice_(knowledge.driving_advice) {
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
  const int minimum = MinimumObservationMinutes(context.rule.session, context.rule.thresholds);
  discharge.set_earliest_minutes_after_dose(minimum);
  if (context.rule.session.dose_time_seconds) {
    *discharge.mutable_earliest_time() =
        ToTimestamp(*context.rule.session.dose_time_seconds + int64_t{minimum} * 60);
  }
  discharge.set_driving_advice(driving_advice_);
}

}  // namespace cds::triage
