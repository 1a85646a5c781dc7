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
  static constexpr const char* kFields[] = {"systolic_mmhg", "diastolic_mmhg", "spo2_percent",
                                            "respiratory_rate"};
  record.Missing(Concat({kVitalsPath, "[].", kFields[static_cast<int>(sign)]}), VitalSignName(sign),
                 Concat({"not in any post-dose reading: ", impact}));
}

std::vector<const ReportedSymptom*> SymptomsOf(const SessionObservations& session,
                                               SymptomCategory category) {
  std::vector<const ReportedSymptom*> out;
  for (const ReportedSymptom& s : session.symptoms) {
    if (s.definition != nullptr && s.category == category) out.push_back(&s);
  }
  return out;
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

std::string SevereThreshold(const TriageThresholds& t) {
  return Concat({Measured{t.bp_severe_systolic_mmhg}, "/", Measured{t.bp_severe_diastolic_mmhg}});
}

// --- Blood pressure ---------------------------------------------------------------------------

void SevereBpWithWarningSymptoms(const RuleContext& c, RuleRecord& r) {
  const SevereBloodPressure severe = FindSevereBloodPressure(c.session, c.thresholds);
  const auto warnings = SymptomsOf(c.session, SymptomCategory::kHypertensiveWarning);
  for (const ReportedSymptom* s : warnings) InputSymptom(r, *s);
  if (severe.reading) InputBp(r, *severe.reading);
  if (severe.reading && !warnings.empty()) {
    const std::string bp = DescribeBp(*severe.reading);
    const std::string names = Names(warnings);
    r.Outcome(
        CRITERION_OUTCOME_MET,
        Concat({"Blood pressure ", bp, " is above ", SevereThreshold(c.thresholds), " with ", names,
                ": a possible hypertensive emergency. Warning symptoms count even when resolved.",
                SeverityAssumption(warnings)}));
    r.Finding(Concat({"BP ", bp, " with ", names}));
    r.RuleActions();
  } else if (!warnings.empty() && severe.unknown) {
    r.Outcome(CRITERION_OUTCOME_UNKNOWN, Concat({"Warning symptoms (", Names(warnings),
                                                 ") are reported but blood pressure is not known: "
                                                 "a hypertensive emergency cannot be excluded."}));
    MissingSign(r, c.session, VitalSign::kSystolic, "a hypertensive emergency cannot be excluded");
    MissingSign(r, c.session, VitalSign::kDiastolic, "a hypertensive emergency cannot be excluded");
  } else if (warnings.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              "No chest pain, severe headache, neurological deficit, shortness of breath or vision "
              "change reported.");
  } else {
    r.Outcome(CRITERION_OUTCOME_NOT_MET,
              Concat({"Warning symptoms are reported but no blood pressure is above ",
                      SevereThreshold(c.thresholds), " mm[Hg]."}));
  }
}

void SevereBp(const RuleContext& c, RuleRecord& r) {
  const SevereBloodPressure severe = FindSevereBloodPressure(c.session, c.thresholds);
  if (severe.reading) {
    InputBp(r, *severe.reading);
    const std::string bp = DescribeBp(*severe.reading);
    r.Outcome(CRITERION_OUTCOME_MET, Concat({"Blood pressure ", bp, " is above ",
                                             SevereThreshold(c.thresholds), " mm[Hg]."}));
    r.Finding(Concat({"BP ", bp, " (", kVitalsPath, "[", severe.reading->index, "])"}));
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
                    ": neither above ", SevereThreshold(c.thresholds), " mm[Hg]."}));
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
    r.Finding(Concat({VitalSignName(sign), " ", value, " (", ReadingPath(*lowest, sign), ")"}));
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
    r.Finding(Concat({DescribeSymptom(*s), " (", SymptomPath(*s), ")"}));
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

void WarningWithoutSevereBp(const RuleContext& c, RuleRecord& r) {
  const auto warnings = SymptomsOf(c.session, SymptomCategory::kHypertensiveWarning);
  if (warnings.empty()) {
    r.Outcome(CRITERION_OUTCOME_NOT_MET, "No warning symptom reported.");
    return;
  }
  for (const ReportedSymptom* s : warnings) InputSymptom(r, *s);
  const SevereBloodPressure severe = FindSevereBloodPressure(c.session, c.thresholds);
  if (severe.reading) {
    r.Outcome(CRITERION_OUTCOME_NOT_APPLICABLE,
              Concat({"Blood pressure is above ", SevereThreshold(c.thresholds),
                      ": rule bp.severe_with_warning_symptoms applies instead."}));
    return;
  }
  const std::string why =
      severe.unknown ? std::string("blood pressure is not known")
                     : Concat({"blood pressure is not above ", SevereThreshold(c.thresholds)});
  r.Outcome(CRITERION_OUTCOME_MET,
            Concat({"Reported: ", Names(warnings), "; ", why, ".", SeverityAssumption(warnings)}));
  for (const ReportedSymptom* s : warnings) {
    r.Finding(Concat({DescribeSymptom(*s), "; ", why, " (", SymptomPath(*s), ")"}));
  }
  r.RuleActions();
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
    if (s.definition == nullptr) unknown.push_back(&s);
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
              "Time since dose, pre-dose and post-dose blood pressure, SpO2 and respiratory rate "
              "are all recorded.");
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
    NamedPredicate{"bp.severe_with_warning_symptoms", &SevereBpWithWarningSymptoms},
    NamedPredicate{"bp.severe", &SevereBp},
    NamedPredicate{"bp.rise_over_baseline", &BpRiseOverBaseline},
    NamedPredicate{"respiratory.spo2_low", &Spo2Low},
    NamedPredicate{"respiratory.rate_slow", &RespiratoryRateSlow},
    NamedPredicate{"respiratory.signs_reported", &RespiratorySignsReported},
    NamedPredicate{"neuro.seizure", &Seizure},
    NamedPredicate{"neuro.loss_of_consciousness", &LossOfConsciousness},
    NamedPredicate{"symptom.warning_without_severe_bp", &WarningWithoutSevereBp},
    NamedPredicate{"effects.persisting_beyond_window", &PersistingBeyondWindow},
    NamedPredicate{"course.liver", &Liver},
    NamedPredicate{"course.urinary", &Urinary},
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
