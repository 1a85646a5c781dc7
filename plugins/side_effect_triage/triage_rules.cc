#include "triage_rules.h"

#include <cds/sdk/clinical.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "plain_text.h"
#include "vital_sign_checks.h"

namespace cds::triage {
namespace {

using cds::v1::CRITERION_OUTCOME_MET;
using cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;
using cds::v1::CRITERION_OUTCOME_NOT_MET;
using cds::v1::CRITERION_OUTCOME_UNKNOWN;

constexpr char kMinutesSinceDosePath[] = "patient.session_report.minutes_since_dose";
constexpr char kBaselineSystolicPath[] = "patient.session_report.baseline.systolic_mmhg";
constexpr char kBaselineDiastolicPath[] = "patient.session_report.baseline.diastolic_mmhg";
constexpr char kVitalsPath[] = "patient.session_report.vitals";

// "186/112 mm[Hg] at 40 min"; a pressure that was not measured shows as "?".
std::string DescribeBp(const VitalReading& r) {
  std::string out;
  out.reserve(40);
  r.systolic ? Append(out, {Measured{*r.systolic}}) : Append(out, {"?"});
  out += "/";
  r.diastolic ? Append(out, {Measured{*r.diastolic}}) : Append(out, {"?"});
  out += " mm[Hg]";
  r.minute ? Append(out, {" at ", *r.minute, " min"}) : Append(out, {" at an unrecorded time"});
  return out;
}

void InputReading(RuleRecord& record, const VitalReading& r, VitalSign sign) {
  record.Input(VitalSignName(sign), DescribeValue(r, sign), ReadingPath(r, sign));
}

void InputBp(RuleRecord& record, const VitalReading& r) {
  if (r.systolic) InputReading(record, r, VitalSign::kSystolic);
  if (r.diastolic) InputReading(record, r, VitalSign::kDiastolic);
}

void InputSymptom(RuleRecord& record, const ReportedSymptom& s) {
  record.Input("Symptom", DescribeSymptom(s), Concat({SymptomPath(s), ".code"}));
}

// Records that no reading carries `sign` (or that there are no readings at all).
void MissingSign(RuleRecord& record, const SessionObservations& session, VitalSign sign,
                 const std::string& impact) {
  if (session.readings.empty()) {
    // Listed once per card, so the impact covers every rule that needs a reading.
    record.Missing(
        kVitalsPath, "Post-dose vital signs",
        "no post-dose readings: severe hypertension and respiratory depression cannot be "
        "excluded, and discharge readiness cannot be judged");
    return;
  }
  record.Missing(Concat({kVitalsPath, "[].", VitalSignField(sign)}), VitalSignName(sign),
                 Concat({"not in any post-dose reading: ", impact}));
}

// The symptoms of a category that occurred (present or resolved); one recorded as looked for and
// absent is not a finding.
std::vector<const ReportedSymptom*> SymptomsOf(const SessionObservations& session,
                                               SymptomCategory category) {
  std::vector<const ReportedSymptom*> out;
  for (const ReportedSymptom& s : session.symptoms) {
    if (s.definition != nullptr && s.category == category && s.occurred()) out.push_back(&s);
  }
  return out;
}

// When staff last saw the symptom: assessed, else onset; nullopt when neither is recorded.
std::optional<int> SymptomMinute(const ReportedSymptom& s) {
  if (s.symptom->has_assessed_minutes_after_dose()) return s.symptom->assessed_minutes_after_dose();
  if (s.symptom->has_onset_minutes_after_dose()) return s.symptom->onset_minutes_after_dose();
  return std::nullopt;
}

std::optional<int> LatestMinute(const std::vector<const ReportedSymptom*>& symptoms) {
  std::optional<int> latest;
  for (const ReportedSymptom* s : symptoms) {
    const std::optional<int> m = SymptomMinute(*s);
    if (!m) return std::nullopt;  // one untimed symptom: the evidence has no known end
    latest = latest ? std::max(*latest, *m) : *m;
  }
  return latest;
}

std::string Names(const std::vector<const ReportedSymptom*>& symptoms) {
  std::string out;
  for (const ReportedSymptom* s : symptoms) {
    Append(out, {out.empty() ? "" : ", ", SymptomName(*s), s->present() ? "" : " (resolved)"});
  }
  return out;
}

// Says so when a headache of unrecorded severity is counted as a severe one.
std::string SeverityAssumption(const std::vector<const ReportedSymptom*>& warnings) {
  for (const ReportedSymptom* s : warnings) {
    if (s->definition->warning_only_if_severe && !s->severity_recorded()) {
      return " A headache whose severity is not recorded counts as severe.";
    }
  }
  return "";
}

void InputBaseline(RuleRecord& record, const std::optional<double>& value, const char* name,
                   const char* field, const char* unit) {
  if (!value) return;
  record.Input(name, Concat({Measured{*value}, " ", unit}),
               Concat({"patient.session_report.baseline.", field}));
}

std::string BaselineBp(const SessionObservations& s) {
  std::string out;
  s.baseline_systolic ? Append(out, {Measured{*s.baseline_systolic}}) : Append(out, {"?"});
  out += "/";
  s.baseline_diastolic ? Append(out, {Measured{*s.baseline_diastolic}}) : Append(out, {"?"});
  return out;
}

// The latest minute of the readings that match; nullopt when one of them has no time (the
// evidence then has no known end, and any review counts).
template <class Matches>
std::optional<int> LatestMatching(const SessionObservations& s, Matches matches) {
  std::optional<int> latest;
  for (const VitalReading& r : s.readings) {
    if (!matches(r)) continue;
    if (!r.minute) return std::nullopt;
    latest = latest ? std::max(*latest, *r.minute) : *r.minute;
  }
  return latest;
}

std::optional<int> LatestSevereMinute(const SessionObservations& s, const TriageThresholds& t) {
  return LatestMatching(s, [&](const VitalReading& r) {
    return (r.systolic && *r.systolic >= t.bp_severe_systolic_mmhg - kComparisonTolerance) ||
           (r.diastolic && *r.diastolic >= t.bp_severe_diastolic_mmhg - kComparisonTolerance);
  });
}

std::string SevereThreshold(const TriageThresholds& t) {
  return Concat({Measured{t.bp_severe_systolic_mmhg}, "/", Measured{t.bp_severe_diastolic_mmhg}});
}

// --- Blood pressure ---------------------------------------------------------------------------

// US-PI-2019 section 5.6 sends symptoms of a hypertensive crisis or encephalopathy to emergency
// care with no BP threshold: after the dose, any rise (or a rise that cannot be excluded) counts.
void HypertensiveCrisisSymptoms(const RuleContext& c, RuleRecord& r) {
  const auto warnings = SymptomsOf(c.session, SymptomCategory::kHypertensiveWarning);
  if (warnings.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              "No chest pain, shortness of breath, severe headache, visual disturbance, diminished "
              "consciousness or neurological deficit reported.");
    return;
  }
  for (const ReportedSymptom* s : warnings) InputSymptom(r, *s);
  const SevereBloodPressure severe = FindSevereBloodPressure(c.session, c.thresholds);
  const BloodPressureRise rise = FindBloodPressureRise(c.session);
  const std::string names = Names(warnings);
  std::string why;
  if (severe.reading) {
    InputBp(r, *severe.reading);
    why = Concat({"blood pressure ", DescribeBp(*severe.reading), " is at or above ",
                  SevereThreshold(c.thresholds)});
  } else if (rise.reading) {
    InputBp(r, *rise.reading);
    InputBaseline(r, c.session.baseline_systolic, "Baseline systolic blood pressure",
                  "systolic_mmhg", "mm[Hg]");
    InputBaseline(r, c.session.baseline_diastolic, "Baseline diastolic blood pressure",
                  "diastolic_mmhg", "mm[Hg]");
    why = Concat({"blood pressure rose after the dose to ", DescribeBp(*rise.reading),
                  " from a pre-dose ", BaselineBp(c.session), " (no absolute threshold applies)"});
  } else if (rise.unknown) {
    why = "the pre-dose or post-dose blood pressure is missing, so a rise cannot be excluded";
    const char* impact = "a post-dose rise with warning symptoms cannot be excluded";
    if (!c.session.baseline_systolic) {
      r.Missing(kBaselineSystolicPath, "Baseline systolic blood pressure", impact);
    }
    if (!c.session.baseline_diastolic) {
      r.Missing(kBaselineDiastolicPath, "Baseline diastolic blood pressure", impact);
    }
    if (!Highest(c.session, VitalSign::kSystolic)) {
      MissingSign(r, c.session, VitalSign::kSystolic, impact);
    }
    if (!Highest(c.session, VitalSign::kDiastolic)) {
      MissingSign(r, c.session, VitalSign::kDiastolic, impact);
    }
  } else {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              Concat({"Warning symptoms (", names,
                      ") are reported but no post-dose blood pressure is above the pre-dose value "
                      "or at or above ",
                      SevereThreshold(c.thresholds), ": rule symptom.warning_without_bp_rise."}));
    return;
  }
  std::optional<int> evidence = LatestMinute(warnings);
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({names, " after the dose and ", why,
                    ": possible hypertensive crisis or encephalopathy. Warning symptoms count even "
                    "when resolved.",
                    SeverityAssumption(warnings)}));
  r.Finding(Concat({names, "; ", why}), evidence);
  r.RuleActions();
}

void SevereBp(const RuleContext& c, RuleRecord& r) {
  const SevereBloodPressure severe = FindSevereBloodPressure(c.session, c.thresholds);
  if (severe.reading) {
    InputBp(r, *severe.reading);
    const std::string bp = DescribeBp(*severe.reading);
    r.Outcome(CRITERION_OUTCOME_MET, Concat({"Blood pressure ", bp, " is at or above ",
                                             SevereThreshold(c.thresholds), " mm[Hg]."}));
    r.Finding(Concat({"BP ", bp, " (", kVitalsPath, "[", severe.reading->index, "])"}),
              LatestSevereMinute(c.session, c.thresholds));
    r.RuleActions();
    return;
  }
  const VitalReading* systolic = Highest(c.session, VitalSign::kSystolic);
  const VitalReading* diastolic = Highest(c.session, VitalSign::kDiastolic);
  if (systolic) InputReading(r, *systolic, VitalSign::kSystolic);
  if (diastolic) InputReading(r, *diastolic, VitalSign::kDiastolic);
  if (severe.unknown) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              "Systolic or diastolic pressure was not measured after the dose, so severe "
              "hypertension cannot be excluded.");
    if (!systolic) {
      MissingSign(r, c.session, VitalSign::kSystolic, "severe hypertension cannot be excluded");
    }
    if (!diastolic) {
      MissingSign(r, c.session, VitalSign::kDiastolic, "severe hypertension cannot be excluded");
    }
    return;
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            Concat({"Highest systolic ", DescribeValue(*systolic, VitalSign::kSystolic),
                    " and highest diastolic ", DescribeValue(*diastolic, VitalSign::kDiastolic),
                    ": neither at or above ", SevereThreshold(c.thresholds), " mm[Hg]."}));
}

void BpRiseOverBaseline(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageThresholds& t = c.thresholds;
  if (s.baseline_systolic) {
    r.Input("Baseline systolic blood pressure", Concat({Measured{*s.baseline_systolic}, " mm[Hg]"}),
            kBaselineSystolicPath);
  }
  if (s.baseline_diastolic) {
    r.Input("Baseline diastolic blood pressure",
            Concat({Measured{*s.baseline_diastolic}, " mm[Hg]"}), kBaselineDiastolicPath);
  }
  // Against a fixed baseline the largest rise is at the highest reading.
  const VitalReading* systolic = Highest(s, VitalSign::kSystolic);
  const VitalReading* diastolic = Highest(s, VitalSign::kDiastolic);
  std::string rises;
  bool fired = false;
  auto rise = [&](const VitalReading* reading, VitalSign sign,
                  const std::optional<double>& baseline, double threshold, const char* word) {
    if (reading == nullptr || !baseline) return;
    InputReading(r, *reading, sign);
    const double value = *ValueOf(*reading, sign) - *baseline;
    Append(rises, {rises.empty() ? "" : "; ", word, " ", value >= 0 ? "+" : "", Measured{value},
                   " mm[Hg] over baseline ", Measured{*baseline}, " (",
                   DescribeValue(*reading, sign), ")"});
    fired = fired || value >= threshold - kComparisonTolerance;
  };
  rise(systolic, VitalSign::kSystolic, s.baseline_systolic, t.bp_rise_systolic_mmhg, "systolic");
  rise(diastolic, VitalSign::kDiastolic, s.baseline_diastolic, t.bp_rise_diastolic_mmhg,
       "diastolic");
  if (fired) {
    r.Outcome(CRITERION_OUTCOME_MET, Concat({"Largest rise: ", rises, "."}));
    r.Finding(rises);
    r.RuleActions();
    return;
  }
  if (!s.baseline_systolic || !s.baseline_diastolic || !systolic || !diastolic) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              Concat({"The pre-dose or post-dose blood pressure is incomplete, so a rise over "
                      "baseline cannot be judged",
                      rises.empty() ? "" : " in full (", rises, rises.empty() ? "." : ")."}));
    if (!s.baseline_systolic) {
      r.Missing(kBaselineSystolicPath, "Baseline systolic blood pressure",
                "the rise over baseline and the return to baseline cannot be judged");
    }
    if (!s.baseline_diastolic) {
      r.Missing(kBaselineDiastolicPath, "Baseline diastolic blood pressure",
                "the rise over baseline and the return to baseline cannot be judged");
    }
    if (!systolic) {
      MissingSign(r, s, VitalSign::kSystolic, "the rise over baseline cannot be judged");
    }
    if (!diastolic) {
      MissingSign(r, s, VitalSign::kDiastolic, "the rise over baseline cannot be judged");
    }
    return;
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            Concat({"Largest rise: ", rises, "; below +", Measured{t.bp_rise_systolic_mmhg}, "/+",
                    Measured{t.bp_rise_diastolic_mmhg}, "."}));
}

// --- Breathing, seizure, consciousness --------------------------------------------------------

void VitalBelow(const RuleContext& c, RuleRecord& r, VitalSign sign, double threshold) {
  const VitalReading* lowest = Lowest(c.session, sign);
  if (lowest == nullptr) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, Concat({VitalSignName(sign),
                                                 " was not measured after the dose, so respiratory "
                                                 "depression cannot be excluded by it."}));
    MissingSign(r, c.session, sign, "respiratory depression cannot be excluded");
    return;
  }
  InputReading(r, *lowest, sign);
  const std::string value = DescribeValue(*lowest, sign);
  const bool below = *ValueOf(*lowest, sign) < threshold;
  r.Outcome(
      below ? CRITERION_OUTCOME_MET : CRITERION_OUTCOME_NOT_MET,
      Concat({"Lowest ", VitalSignWords(sign), " ", value, below ? " is below " : " is not below ",
              Measured{threshold}, " ", VitalSignUnit(sign), "."}));
  if (below) {
    r.Finding(Concat({VitalSignName(sign), " ", value, " (", ReadingPath(*lowest, sign), ")"}),
              LatestMatching(c.session, [&](const VitalReading& x) {
                const std::optional<double> v = ValueOf(x, sign);
                return v && *v < threshold;
              }));
    r.RuleActions();
  }
}

void Spo2Low(const RuleContext& c, RuleRecord& r) {
  VitalBelow(c, r, VitalSign::kSpo2, c.thresholds.spo2_low_percent);
}

void RespiratoryRateSlow(const RuleContext& c, RuleRecord& r) {
  VitalBelow(c, r, VitalSign::kRespiratoryRate, c.thresholds.respiratory_rate_slow_per_min);
}

// Symptoms that escalate whenever they are reported, present or resolved: an episode of
// respiratory depression, a seizure or a loss of consciousness has happened either way.
void ReportedEvent(const RuleContext& c, RuleRecord& r, SymptomCategory category) {
  const auto reported = SymptomsOf(c.session, category);
  if (reported.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "None reported.");
    return;
  }
  for (const ReportedSymptom* s : reported) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}), SymptomMinute(*s));
  }
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({"Reported: ", Names(reported), ". Counts even when resolved."}));
  r.RuleActions();
}

void RespiratorySignsReported(const RuleContext& c, RuleRecord& r) {
  ReportedEvent(c, r, SymptomCategory::kRespiratoryDepression);
}
void Seizure(const RuleContext& c, RuleRecord& r) {
  ReportedEvent(c, r, SymptomCategory::kSeizure);
}
void LossOfConsciousness(const RuleContext& c, RuleRecord& r) {
  ReportedEvent(c, r, SymptomCategory::kLossOfConsciousness);
}

void WarningWithoutBpRise(const RuleContext& c, RuleRecord& r) {
  const auto warnings = SymptomsOf(c.session, SymptomCategory::kHypertensiveWarning);
  if (warnings.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "No warning symptom reported.");
    return;
  }
  for (const ReportedSymptom* s : warnings) InputSymptom(r, *s);
  const BloodPressureRise rise = FindBloodPressureRise(c.session);
  if (rise.reading || rise.unknown || FindSevereBloodPressure(c.session, c.thresholds).reading) {
    r.Outcome(CRITERION_OUTCOME_NOT_APPLICABLE,
              "Blood pressure rose after the dose, is severe, or is not known: rule "
              "bp.hypertensive_crisis_symptoms applies instead.");
    return;
  }
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({"Reported: ", Names(warnings), "; no post-dose blood pressure above the "
                    "pre-dose ", BaselineBp(c.session), ".", SeverityAssumption(warnings)}));
  for (const ReportedSymptom* s : warnings) {
    r.Finding(Concat({DescribeSymptom(*s), "; no rise in blood pressure (", SymptomPath(*s), ")"}),
              SymptomMinute(*s));
  }
  r.RuleActions();
}

// --- Breathing and circulation against floors, falls and sedation --------------------------------

// The rule's level, or its escalated level when `escalate` names what escalates it.
cds::v1::TriageLevel LevelWith(const RuleRecord& r, const std::string& escalate) {
  return escalate.empty() ? r.rule().text->level : r.rule().text->escalated_level;
}

void Spo2FallOrFloor(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageThresholds& t = c.thresholds;
  InputBaseline(r, s.baseline_spo2, "Baseline SpO2", "spo2_percent", "%");
  auto low = [&](const VitalReading& x) {
    if (!x.spo2) return false;
    const bool below_floor = *x.spo2 < t.spo2_floor_percent;
    const bool fallen =
        s.baseline_spo2 && *s.baseline_spo2 - *x.spo2 >= t.spo2_fall_percent - kComparisonTolerance;
    return below_floor || fallen;
  };
  const VitalReading* lowest = Lowest(s, VitalSign::kSpo2);
  if (lowest == nullptr) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "SpO2 was not measured after the dose.");
    MissingSign(r, s, VitalSign::kSpo2, "a fall in SpO2 cannot be excluded");
    return;
  }
  InputReading(r, *lowest, VitalSign::kSpo2);
  if (low(*lowest)) {
    const std::string sedation = SedationEvidence(s, t);
    if (!sedation.empty()) r.Input("Sedation", sedation, "patient.session_report");
    std::string observed = Concat({"SpO2 ", DescribeValue(*lowest, VitalSign::kSpo2)});
    if (s.baseline_spo2) Append(observed, {" (pre-dose ", Measured{*s.baseline_spo2}, " %)"});
    if (!sedation.empty()) Append(observed, {" with sedation: ", sedation});
    r.Outcome(CRITERION_OUTCOME_MET,
              Concat({observed, sedation.empty() ? "." : ": possible respiratory depression."}));
    r.Finding(LevelWith(r, sedation),
              sedation.empty() ? r.rule().finding
                               : Concat({r.rule().finding, " with sedation: respiratory depression"}),
              observed, LatestMatching(s, low));
    r.RuleActions();
    if (!sedation.empty()) {
      r.Action(cds::v1::TRIAGE_LEVEL_EMERGENCY,
               "Respiratory depression with sedation: follow the site's emergency protocol now "
               "(airway, oxygen, call for help).");
    }
    return;
  }
  if (!s.baseline_spo2) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              Concat({"Lowest SpO2 ", DescribeValue(*lowest, VitalSign::kSpo2),
                      " is not below the floor, but without a pre-dose SpO2 a fall cannot be "
                      "judged."}));
    r.Missing("patient.session_report.baseline.spo2_percent", "Baseline SpO2",
              "a fall in SpO2 from before the dose cannot be judged");
    return;
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            Concat({"Lowest SpO2 ", DescribeValue(*lowest, VitalSign::kSpo2), ": not below ",
                    Measured{t.spo2_floor_percent}, " % and less than ",
                    Measured{t.spo2_fall_percent}, " points below the pre-dose ",
                    Measured{*s.baseline_spo2}, " %."}));
}

void RespiratoryRateFloor(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const double floor = c.thresholds.respiratory_rate_floor_per_min;
  const VitalReading* lowest = Lowest(s, VitalSign::kRespiratoryRate);
  if (lowest == nullptr) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "Respiratory rate was not measured after the dose.");
    MissingSign(r, s, VitalSign::kRespiratoryRate, "slow breathing cannot be excluded");
    return;
  }
  InputReading(r, *lowest, VitalSign::kRespiratoryRate);
  const std::string value = DescribeValue(*lowest, VitalSign::kRespiratoryRate);
  if (*lowest->respiratory_rate >= floor) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, Concat({"Lowest respiratory rate ", value,
                                                 ": not below ", Measured{floor}, "/min."}));
    return;
  }
  const std::string sedation = SedationEvidence(s, c.thresholds);
  if (!sedation.empty()) r.Input("Sedation", sedation, "patient.session_report");
  std::string observed = Concat({"respiratory rate ", value});
  if (!sedation.empty()) Append(observed, {" with sedation: ", sedation});
  r.Outcome(CRITERION_OUTCOME_MET, Concat({observed, "."}));
  r.Finding(LevelWith(r, sedation),
            sedation.empty() ? r.rule().finding
                             : Concat({r.rule().finding, " with sedation: respiratory depression"}),
            observed, LatestMatching(s, [&](const VitalReading& x) {
              return x.respiratory_rate && *x.respiratory_rate < floor;
            }));
  r.RuleActions();
  if (!sedation.empty()) {
    r.Action(cds::v1::TRIAGE_LEVEL_EMERGENCY,
             "Respiratory depression with sedation: follow the site's emergency protocol now "
             "(airway, oxygen, call for help).");
  }
}

// A circulation finding: URGENT, EMERGENCY with syncope or chest pain.
void CirculationFinding(const RuleContext& c, RuleRecord& r, const std::string& observed,
                        std::optional<int> evidence) {
  const std::string red_flag = CirculationRedFlag(c.session);
  const std::string shown =
      red_flag.empty() ? observed : Concat({observed, " with ", red_flag});
  r.Outcome(CRITERION_OUTCOME_MET, Concat({shown, "."}));
  r.Finding(LevelWith(r, red_flag),
            red_flag.empty() ? r.rule().finding : Concat({r.rule().finding, " with ", red_flag}),
            shown, evidence);
  r.RuleActions();
  if (!red_flag.empty()) {
    r.Action(cds::v1::TRIAGE_LEVEL_EMERGENCY,
             Concat({"Abnormal circulation with ", red_flag,
                     ": follow the site's emergency protocol now."}));
  }
}

void HeartRate(const RuleContext& c, RuleRecord& r) {
  const TriageThresholds& t = c.thresholds;
  const VitalReading* lowest = Lowest(c.session, VitalSign::kHeartRate);
  const VitalReading* highest = Highest(c.session, VitalSign::kHeartRate);
  if (lowest == nullptr) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "Heart rate was not measured after the dose.");
    MissingSign(r, c.session, VitalSign::kHeartRate,
                "bradycardia and tachycardia cannot be excluded");
    return;
  }
  InputReading(r, *lowest, VitalSign::kHeartRate);
  if (highest != lowest) InputReading(r, *highest, VitalSign::kHeartRate);
  auto abnormal = [&](const VitalReading& x) {
    return x.heart_rate && (*x.heart_rate <= t.heart_rate_low_bpm + kComparisonTolerance ||
                            *x.heart_rate >= t.heart_rate_high_bpm - kComparisonTolerance);
  };
  std::string observed;
  if (abnormal(*lowest) && *lowest->heart_rate <= t.heart_rate_low_bpm + kComparisonTolerance) {
    Append(observed, {"bradycardia: heart rate ", DescribeValue(*lowest, VitalSign::kHeartRate)});
  }
  if (*highest->heart_rate >= t.heart_rate_high_bpm - kComparisonTolerance) {
    Append(observed, {observed.empty() ? "" : "; ", "tachycardia: heart rate ",
                      DescribeValue(*highest, VitalSign::kHeartRate)});
  }
  if (observed.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              Concat({"Heart rate from ", DescribeValue(*lowest, VitalSign::kHeartRate), " to ",
                      DescribeValue(*highest, VitalSign::kHeartRate), ": above ",
                      Measured{t.heart_rate_low_bpm}, " and below ",
                      Measured{t.heart_rate_high_bpm}, "/min."}));
    return;
  }
  CirculationFinding(c, r, observed, LatestMatching(c.session, abnormal));
}

void Hypotension(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageThresholds& t = c.thresholds;
  InputBaseline(r, s.baseline_systolic, "Baseline systolic blood pressure", "systolic_mmhg",
                "mm[Hg]");
  const VitalReading* lowest = Lowest(s, VitalSign::kSystolic);
  if (lowest == nullptr) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "Systolic pressure was not measured after the dose.");
    MissingSign(r, s, VitalSign::kSystolic, "hypotension cannot be excluded");
    return;
  }
  InputReading(r, *lowest, VitalSign::kSystolic);
  auto fall_percent = [&](const VitalReading& x) {
    return 100.0 * (*s.baseline_systolic - *x.systolic) / *s.baseline_systolic;
  };
  auto low = [&](const VitalReading& x) {
    if (!x.systolic) return false;
    if (*x.systolic <= t.hypotension_systolic_mmhg + kComparisonTolerance) return true;
    return s.baseline_systolic && fall_percent(x) >= t.bp_fall_systolic_percent - 1e-6;
  };
  if (low(*lowest)) {
    std::string observed = Concat({"systolic ", DescribeValue(*lowest, VitalSign::kSystolic)});
    if (s.baseline_systolic) {
      Append(observed, {", ", Measured{std::round(fall_percent(*lowest))},
                        " % below the pre-dose ", Measured{*s.baseline_systolic}});
    }
    CirculationFinding(c, r, observed, LatestMatching(s, low));
    return;
  }
  if (!s.baseline_systolic) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              Concat({"Lowest systolic ", DescribeValue(*lowest, VitalSign::kSystolic),
                      " is above ", Measured{t.hypotension_systolic_mmhg},
                      ", but without a pre-dose value a large fall cannot be judged."}));
    r.Missing(kBaselineSystolicPath, "Baseline systolic blood pressure",
              "a large fall in blood pressure cannot be judged");
    return;
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            Concat({"Lowest systolic ", DescribeValue(*lowest, VitalSign::kSystolic), ": above ",
                    Measured{t.hypotension_systolic_mmhg}, " and less than ",
                    Measured{t.bp_fall_systolic_percent}, " % below the pre-dose value."}));
}

// --- Sedation and suicidality --------------------------------------------------------------------

void SevereSedation(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  std::string severe;
  std::string unrousable;
  std::optional<int> evidence;
  bool untimed = false;
  auto note = [&](const std::optional<int>& minute) {
    if (!minute) untimed = true;
    else evidence = evidence ? std::max(*evidence, *minute) : *minute;
  };
  for (const SedationReading& a : s.sedation) {
    const SedationDepth depth = DepthOf(a, c.thresholds);
    if (depth != SedationDepth::kSevere && depth != SedationDepth::kUnrousable) continue;
    std::string& into = depth == SedationDepth::kUnrousable ? unrousable : severe;
    Append(into, {into.empty() ? "" : ", ", DescribeSedation(a)});
    r.Input("Sedation assessment", DescribeSedation(a),
            Concat({"patient.session_report.sedation_assessments[", a.index, "]"}));
    note(a.minute);
  }
  for (const ReportedSymptom& sym : s.symptoms) {
    if (sym.definition == nullptr || !sym.definition->indicates_sedation || !sym.occurred() ||
        sym.symptom->severity() != cds::v1::SEVERITY_SEVERE) {
      continue;
    }
    InputSymptom(r, sym);
    Append(severe, {severe.empty() ? "" : ", ", DescribeSymptom(sym)});
    note(SymptomMinute(sym));
  }
  if (severe.empty() && unrousable.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              s.sedation.empty() ? "No sedation assessment recorded and no severe sedation "
                                   "reported."
                                 : "No recorded sedation assessment or symptom is severe.");
    return;
  }
  const std::string observed =
      unrousable.empty() ? severe
                         : Concat({"responds only to pain or not at all: ", unrousable,
                                   severe.empty() ? "" : "; ", severe});
  r.Outcome(CRITERION_OUTCOME_MET, Concat({observed, "."}));
  r.Finding(unrousable.empty() ? r.rule().text->level : r.rule().text->escalated_level,
            unrousable.empty() ? r.rule().finding
                               : "Sedation with diminished consciousness: emergency",
            observed, untimed ? std::nullopt : evidence);
  r.RuleActions();
  if (!unrousable.empty()) {
    r.Action(cds::v1::TRIAGE_LEVEL_EMERGENCY,
             "Diminished consciousness: follow the site's emergency protocol now (airway, "
             "breathing, call for help).");
  }
}

void Suicidality(const RuleContext& c, RuleRecord& r) {
  const auto reported = SymptomsOf(c.session, SymptomCategory::kSuicidality);
  if (reported.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "No suicidal thoughts or behaviour reported.");
    return;
  }
  for (const ReportedSymptom* s : reported) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}), SymptomMinute(*s));
  }
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({"Reported: ", Names(reported),
                    ". The boxed warning asks that patients are monitored for suicidal thoughts "
                    "and behaviours."}));
  r.RuleActions();
}

// --- Pre-dose blood pressure ---------------------------------------------------------------------

void PreDoseBp(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageThresholds& t = c.thresholds;
  InputBaseline(r, s.baseline_systolic, "Baseline systolic blood pressure", "systolic_mmhg",
                "mm[Hg]");
  InputBaseline(r, s.baseline_diastolic, "Baseline diastolic blood pressure", "diastolic_mmhg",
                "mm[Hg]");
  const bool severe =
      (s.baseline_systolic && *s.baseline_systolic >= t.bp_severe_systolic_mmhg) ||
      (s.baseline_diastolic && *s.baseline_diastolic >= t.bp_severe_diastolic_mmhg);
  const bool raised =
      (s.baseline_systolic && *s.baseline_systolic > t.pre_dose_caution_systolic_mmhg) ||
      (s.baseline_diastolic && *s.baseline_diastolic > t.pre_dose_caution_diastolic_mmhg);
  if (severe || raised) {
    const std::string observed = Concat({"dosed at ", BaselineBp(s), " mm[Hg]"});
    r.Outcome(CRITERION_OUTCOME_MET,
              Concat({"The dose was given at ", BaselineBp(s), " mm[Hg]",
                      severe ? Concat({", at or above ", SevereThreshold(t), "."})
                             : Concat({", above ", Measured{t.pre_dose_caution_systolic_mmhg}, "/",
                                       Measured{t.pre_dose_caution_diastolic_mmhg}, "."})}));
    r.Finding(severe ? r.rule().text->escalated_level : r.rule().text->level,
              severe ? Concat({r.rule().finding, " (severe category)"}) : r.rule().finding,
              observed, 0);
    r.RuleActions();
    return;
  }
  if (!s.baseline_systolic || !s.baseline_diastolic) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "The pre-dose blood pressure is not recorded.");
    return;  // data.incomplete lists the missing baseline
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            Concat({"Pre-dose ", BaselineBp(s), " mm[Hg]: not above ",
                    Measured{t.pre_dose_caution_systolic_mmhg}, "/",
                    Measured{t.pre_dose_caution_diastolic_mmhg}, "."}));
}

// --- IV infusion -------------------------------------------------------------------------------

void BpDuringInfusion(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageThresholds& t = c.thresholds;
  if (s.product != cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE) {
    r.Outcome(CRITERION_OUTCOME_NOT_APPLICABLE, "Not an IV infusion.");
    return;
  }
  if (!s.infusion_minutes) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              "The infusion length is not recorded, so the readings taken during the infusion "
              "cannot be told apart.");
    r.Missing("patient.session_report.infusion_minutes", "Infusion length",
              "blood pressure during the infusion cannot be judged");
    return;
  }
  r.Input("Infusion length", Concat({*s.infusion_minutes, " min"}),
          "patient.session_report.infusion_minutes");
  auto high = [&](const VitalReading& x) {
    if (!x.minute || *x.minute >= *s.infusion_minutes) return false;
    return (x.systolic && *x.systolic >= t.infusion_bp_systolic_mmhg - kComparisonTolerance) ||
           (x.diastolic && *x.diastolic >= t.infusion_bp_diastolic_mmhg - kComparisonTolerance);
  };
  std::string observed;
  for (const VitalReading& x : s.readings) {
    if (!high(x)) continue;
    InputBp(r, x);
    Append(observed, {observed.empty() ? "" : "; ", "BP ", DescribeBp(x)});
  }
  if (observed.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              Concat({"No reading during the first ", *s.infusion_minutes, " min at or above ",
                      Measured{t.infusion_bp_systolic_mmhg}, "/",
                      Measured{t.infusion_bp_diastolic_mmhg}, "."}));
    return;
  }
  Append(observed, {" during a ", *s.infusion_minutes, "-minute infusion"});
  r.Outcome(CRITERION_OUTCOME_MET, Concat({observed, ": pause or slow the infusion and reassess."}));
  r.Finding(observed, LatestMatching(s, high));
  r.RuleActions();
}

// --- Co-medication -------------------------------------------------------------------------------

void CoMedication(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const TriageKnowledge& k = c.knowledge;
  if (s.co_medications.empty()) {
    if (!s.medications_known) {
      r.Outcome(CRITERION_OUTCOME_UNKNOWN,
                "The medication list was not retrieved: CNS depressants, psychostimulants and "
                "MAOIs cannot be named.");
      r.Missing("patient.medications", "Medication list",
                "co-medications that add to sedation, breathing or blood-pressure risk cannot be "
                "named (the triage itself does not depend on it)");
      return;
    }
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              "No CNS depressant, psychostimulant or MAOI on the medication list.");
    return;
  }
  for (size_t cls = 0; cls < k.co_medication_classes.size(); ++cls) {
    std::string names;
    for (const CoMedicationUse& use : s.co_medications) {
      if (use.medicine->class_index != static_cast<int>(cls)) continue;
      r.Input("Medication", use.medicine->name,
              Concat({"patient.medications[", use.medication_index, "]"}));
      Append(names, {names.empty() ? "" : ", ", use.medicine->name,
                     use.status == cds::v1::MEDICATION_STATUS_UNSPECIFIED ? " (status not recorded)"
                                                                          : ""});
    }
    if (names.empty()) continue;
    const CoMedicationClass& info = k.co_medication_classes[cls];
    r.Finding(r.rule().text->level, Concat({r.rule().finding, ": ", info.name}),
              Concat({names, ": ", info.risk}), 0);
    r.Action(r.rule().text->level, Concat({info.name, " (", names, "): ", info.risk, "."}));
  }
  r.Outcome(CRITERION_OUTCOME_MET, "Co-medications that add to a session risk are named.");
}

// --- Time course -------------------------------------------------------------------------------

void PersistingBeyondWindow(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  const int window = c.thresholds.persistent_effect_minutes;
  if (!s.minutes_since_dose) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, "The time since the dose is not recorded.");
    r.Missing(kMinutesSinceDosePath, "Minutes since dose",
              "persistence beyond the expected window cannot be judged");
    return;
  }
  r.Input("Minutes since dose", Concat({*s.minutes_since_dose, " min"}), kMinutesSinceDosePath);
  if (*s.minutes_since_dose <= window) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              Concat({*s.minutes_since_dose, " min since the dose: not beyond ", window, " min."}));
    return;
  }
  std::vector<const ReportedSymptom*> persisting;
  for (const ReportedSymptom& symptom : s.symptoms) {
    if (symptom.present()) persisting.push_back(&symptom);
  }
  for (const ReportedSymptom* p : persisting) InputSymptom(r, *p);
  const BaselineComparison bp = CompareLatestWithBaseline(s, c.thresholds);
  if (bp.latest) InputBp(r, *bp.latest);
  const bool bp_persisting = bp.outcome == CRITERION_OUTCOME_NOT_MET;
  if (!persisting.empty() || bp_persisting) {
    std::string observed = Concat({"at ", *s.minutes_since_dose, " min: "});
    if (!persisting.empty()) Append(observed, {Names(persisting), " still present"});
    if (bp_persisting) {
      Append(observed, {persisting.empty() ? "" : "; ", "BP ", DescribeBp(*bp.latest),
                        " not back near baseline"});
    }
    r.Outcome(CRITERION_OUTCOME_MET, Concat({observed, "."}));
    r.Finding(observed);
    r.RuleActions();
  } else if (bp.outcome == CRITERION_OUTCOME_UNKNOWN) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN,
              Concat({"No symptom is recorded as still present, but ", bp.explanation}));
  } else {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              "No symptom still present and blood pressure back near baseline.");
  }
}

// --- Over a course ------------------------------------------------------------------------------

void CourseInput(const RuleContext& c, RuleRecord& r) {
  r.Input("Sessions recorded in the course", Concat({c.session.course_sessions}),
          "patient.treatment_course.sessions");
}

void Liver(const RuleContext& c, RuleRecord& r) {
  const auto hepatic = SymptomsOf(c.session, SymptomCategory::kHepatic);
  std::string observed;
  for (const ReportedSymptom* s : hepatic) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
    Append(observed, {observed.empty() ? "" : "; ", SymptomName(*s)});
  }
  for (const LabResult& lab : c.session.labs) {
    const double limit = c.thresholds.lab_upper_limits[lab.test_index];
    std::string value = lab.shown;
    if (lab.previous_shown) Append(value, {" (previous ", *lab.previous_shown, ")"});
    const std::string path = Concat({"patient.observations[", lab.observation_index, "]"});
    r.Input(lab.test->display, value, path);
    if (lab.value > limit) {
      r.Finding(Concat({lab.test->display, " ", value, " above the site limit ", Measured{limit},
                        " ", lab.test->units.front(), " (", path, ")"}));
      Append(observed, {observed.empty() ? "" : "; ", lab.test->display, " ", lab.shown});
    }
  }
  if (!observed.empty()) {
    CourseInput(c, r);
    r.Outcome(CRITERION_OUTCOME_MET, Concat({observed, ": hold the next dose and evaluate."}));
    r.RuleActions();
    return;
  }
  r.Outcome(CRITERION_OUTCOME_NOT_MET,
            c.session.labs.empty()
                ? "No jaundice reported; no liver tests in the request (they are read when sent, "
                  "not required per session)."
                : "No jaundice reported; the most recent liver tests are within the site limits.");
}

void Urinary(const RuleContext& c, RuleRecord& r) {
  const auto urinary = SymptomsOf(c.session, SymptomCategory::kUrinary);
  if (urinary.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "No urinary symptom reported.");
    return;
  }
  CourseInput(c, r);
  for (const ReportedSymptom* s : urinary) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
  }
  r.Outcome(CRITERION_OUTCOME_MET, Concat({"Reported: ", Names(urinary), ", after ",
                                           c.session.course_sessions, " recorded session(s)."}));
  r.RuleActions();
}

// --- Symptoms by kind -------------------------------------------------------------------------

void Unrecognised(const RuleContext& c, RuleRecord& r) {
  std::vector<const ReportedSymptom*> unknown;
  for (const ReportedSymptom& s : c.session.symptoms) {
    if (s.definition == nullptr && s.occurred()) unknown.push_back(&s);
  }
  if (unknown.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "Every reported symptom has a recognised code.");
    return;
  }
  for (const ReportedSymptom* s : unknown) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
  }
  r.Outcome(CRITERION_OUTCOME_MET, Concat({unknown.size(),
                                           " symptom(s) with codes cdsd does not recognise: listed "
                                           "for clinician review, not assessed."}));
  r.RuleActions();
}

void OtherRecognised(const RuleContext& c, RuleRecord& r) {
  const auto other = SymptomsOf(c.session, SymptomCategory::kOther);
  if (other.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "None reported.");
    return;
  }
  for (const ReportedSymptom* s : other) {
    InputSymptom(r, *s);
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
  }
  r.Outcome(CRITERION_OUTCOME_MET, Concat({"Reported: ", Names(other), "."}));
  r.RuleActions();
}

// Expected effects are routine only when everything that makes them routine is known: mild or
// moderate, began inside the window, and the window has not passed (or they have resolved).
void ExpectedEffects(const RuleContext& c, RuleRecord& r) {
  const auto expected = SymptomsOf(c.session, SymptomCategory::kExpected);
  if (expected.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "No expected effect reported.");
    return;
  }
  const int window = c.thresholds.persistent_effect_minutes;
  const std::optional<int>& since = c.session.minutes_since_dose;
  const RuleText& rule = *r.rule().text;
  int escalated = 0;
  for (const ReportedSymptom* s : expected) {
    InputSymptom(r, *s);
    const cds::v1::Symptom& symptom = *s->symptom;
    std::string reason;
    if (!s->present()) {
      reason = "resolved";
    } else if (symptom.severity() == cds::v1::SEVERITY_SEVERE) {
      reason = "severe";
    } else if (!s->severity_recorded()) {
      reason = "severity not recorded";
      r.Missing(Concat({SymptomPath(*s), ".severity"}), Concat({SymptomName(*s), " severity"}),
                "cannot tell whether it is a routine expected effect");
    } else if (symptom.has_onset_minutes_after_dose() &&
               symptom.onset_minutes_after_dose() > window) {
      reason = Concat({"began later than ", window, " min after the dose"});
    } else if (!since) {
      reason = "time since the dose not recorded";
    } else if (*since > window) {
      reason = Concat({"still present beyond ", window, " min"});
    }
    const bool routine = reason.empty() || reason == "resolved";
    const cds::v1::TriageLevel level = routine ? rule.level : rule.escalated_level;
    if (!routine) ++escalated;
    std::string description =
        routine ? Concat({"Expected effect: ", SymptomName(*s),
                          reason.empty() ? ", supportive care" : ", resolved"})
                : Concat({"Expected effect: ", SymptomName(*s), " (", reason, "), monitor"});
    r.Finding(level, std::move(description),
              Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
    if (s->present()) r.Action(level, s->definition->supportive_action);
  }
  if (escalated == 0) {
    r.Outcome(CRITERION_OUTCOME_MET,
              Concat({"Reported: ", Names(expected),
                      ". All within what the label expects: supportive care."}));
  } else {
    r.Outcome(CRITERION_OUTCOME_MET,
              Concat({"Reported: ", Names(expected), ". ", escalated,
                      " need monitoring (severe, severity or time not recorded, or outside the ",
                      window, "-minute window)."}));
  }
}

// --- Completeness -------------------------------------------------------------------------------

void DataIncomplete(const RuleContext& c, RuleRecord& r) {
  const SessionObservations& s = c.session;
  std::vector<std::string> missing;
  if (!s.report_present) {
    missing.push_back("the whole session report");
    r.Missing("patient.session_report", "Session report",
              "nothing recorded for this session: no side effect can be triaged or excluded");
  }
  if (!s.minutes_since_dose) {
    missing.push_back("time since dose");
    r.Missing(kMinutesSinceDosePath, "Minutes since dose",
              "expected window, persistence beyond it and discharge time cannot be judged");
  }
  if (!s.baseline_spo2) {
    missing.push_back("pre-dose SpO2");
    r.Missing("patient.session_report.baseline.spo2_percent", "Baseline SpO2",
              "a fall in SpO2 from before the dose cannot be judged");
  }
  if (!s.baseline_heart_rate) {
    missing.push_back("pre-dose heart rate");
    r.Missing("patient.session_report.baseline.heart_rate_bpm", "Baseline heart rate",
              "a change in heart rate from before the dose cannot be judged");
  }
  if (!s.symptoms_assessed) {
    missing.push_back("whether symptoms were assessed");
    r.Missing("patient.session_report.symptoms_retrieval", "Symptoms assessed",
              "no symptom is listed and the report does not say symptoms were checked "
              "(symptoms_retrieval RETRIEVED): warning symptoms cannot be excluded");
  }
  if (s.product == cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE && !s.infusion_minutes) {
    missing.push_back("infusion length");
    r.Missing("patient.session_report.infusion_minutes", "Infusion length",
              "readings during the infusion cannot be told apart");
  }
  if (!s.baseline_systolic || !s.baseline_diastolic) {
    missing.push_back("pre-dose blood pressure");
    if (!s.baseline_systolic) {
      r.Missing(kBaselineSystolicPath, "Baseline systolic blood pressure",
                "the rise over baseline and the return to baseline cannot be judged");
    }
    if (!s.baseline_diastolic) {
      r.Missing(kBaselineDiastolicPath, "Baseline diastolic blood pressure",
                "the rise over baseline and the return to baseline cannot be judged");
    }
  }
  struct Needed {
    VitalSign sign;
    const char* words;
    const char* impact;
  };
  static constexpr Needed kNeeded[] = {
      {VitalSign::kSystolic, "post-dose systolic pressure",
       "severe hypertension cannot be excluded"},
      {VitalSign::kDiastolic, "post-dose diastolic pressure",
       "severe hypertension cannot be excluded"},
      {VitalSign::kSpo2, "SpO2", "respiratory depression cannot be excluded"},
      {VitalSign::kRespiratoryRate, "respiratory rate",
       "respiratory depression cannot be excluded"},
      {VitalSign::kHeartRate, "heart rate", "bradycardia and tachycardia cannot be excluded"},
  };
  for (const Needed& n : kNeeded) {
    if (Highest(s, n.sign) == nullptr) {
      missing.push_back(n.words);
      MissingSign(r, s, n.sign, n.impact);
    }
  }
  for (const VitalReading& reading : s.readings) {
    if (!reading.minute) {
      const std::string path = Concat({kVitalsPath, "[", reading.index, "].minutes_after_dose"});
      missing.push_back(Concat({"time of reading ", reading.index}));
      r.Missing(path, "Minutes after dose of a reading",
                "the reading cannot be ordered: it is not used as the latest");
    }
  }
  for (const UnusableInput& u : s.unusable) {
    missing.push_back(Concat({u.name, " (implausible)"}));
    r.Missing(u.path, u.name, u.reason);
  }
  if (missing.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              "Time since dose, pre-dose blood pressure, SpO2 and heart rate, post-dose blood "
              "pressure, SpO2, respiratory rate and heart rate, and the symptom check are all "
              "recorded.");
    return;
  }
  std::string list;
  for (const std::string& m : missing) Append(list, {list.empty() ? "" : ", ", m});
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({"Missing or unusable: ", list, ". Missing data is not read as normal."}));
  r.Finding(list);
  r.RuleActions();
}

struct NamedPredicate {
  std::string_view id;
  RulePredicate predicate;
};

constexpr std::array kPredicates = {
    NamedPredicate{"bp.hypertensive_crisis_symptoms", &HypertensiveCrisisSymptoms},
    NamedPredicate{"bp.severe", &SevereBp},
    NamedPredicate{"bp.rise_over_baseline", &BpRiseOverBaseline},
    NamedPredicate{"bp.pre_dose", &PreDoseBp},
    NamedPredicate{"respiratory.spo2_low", &Spo2Low},
    NamedPredicate{"respiratory.spo2_fall_or_floor", &Spo2FallOrFloor},
    NamedPredicate{"respiratory.rate_slow", &RespiratoryRateSlow},
    NamedPredicate{"respiratory.rate_floor", &RespiratoryRateFloor},
    NamedPredicate{"respiratory.signs_reported", &RespiratorySignsReported},
    NamedPredicate{"neuro.seizure", &Seizure},
    NamedPredicate{"neuro.loss_of_consciousness", &LossOfConsciousness},
    NamedPredicate{"cardiac.heart_rate", &HeartRate},
    NamedPredicate{"cardiac.hypotension", &Hypotension},
    NamedPredicate{"sedation.severe", &SevereSedation},
    NamedPredicate{"mood.suicidality", &Suicidality},
    NamedPredicate{"symptom.warning_without_bp_rise", &WarningWithoutBpRise},
    NamedPredicate{"effects.persisting_beyond_window", &PersistingBeyondWindow},
    NamedPredicate{"iv.bp_during_infusion", &BpDuringInfusion},
    NamedPredicate{"course.liver", &Liver},
    NamedPredicate{"course.urinary", &Urinary},
    NamedPredicate{"medication.co_medication", &CoMedication},
    NamedPredicate{"symptom.unrecognised", &Unrecognised},
    NamedPredicate{"symptom.other_recognised", &OtherRecognised},
    NamedPredicate{"effects.expected", &ExpectedEffects},
    NamedPredicate{"data.incomplete", &DataIncomplete},
};

}  // namespace

TriageRules::TriageRules(const TriageKnowledge& knowledge, const TriageSettings& settings) {
  for (const RuleText& text : knowledge.rules) {
    auto it = std::find_if(kPredicates.begin(), kPredicates.end(),
                           [&](const NamedPredicate& p) { return p.id == text.id; });
    if (it == kPredicates.end()) {
      throw std::logic_error("knowledge rule without a predicate: " + text.id);
    }
    rules_.push_back({RenderedRule{&text, settings.Render(text.description),
                                   settings.Render(text.finding), settings.Render(text.threshold)},
                      it->predicate});
  }
  for (const NamedPredicate& p : kPredicates) {
    const bool bound = std::any_of(rules_.begin(), rules_.end(),
                                   [&](const BoundRule& b) { return b.rule.text->id == p.id; });
    if (!bound) throw std::logic_error("predicate without a knowledge rule: " + std::string(p.id));
  }
}

void TriageRules::Evaluate(const RuleContext& context, TriageRecord& out) const {
  for (const BoundRule& bound : rules_) {
    RuleRecord record(out, bound.rule);
    bound.predicate(context, record);
  }
}

std::vector<std::string_view> TriageRules::KnownRuleIds() {
  std::vector<std::string_view> ids;
  for (const NamedPredicate& p : kPredicates) ids.push_back(p.id);
  return ids;
}

}  // namespace cds::triage
