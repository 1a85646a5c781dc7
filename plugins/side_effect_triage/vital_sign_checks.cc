#include "vital_sign_checks.h"

#include <cds/sdk/clinical.h>

#include <algorithm>
#include <cmath>

#include "plain_text.h"

namespace cds::triage {

SevereBloodPressure FindSevereBloodPressure(const SessionObservations& session,
                                            const TriageThresholds& t) {
  SevereBloodPressure result;
  bool any_systolic = false;
  bool any_diastolic = false;
  double worst_excess = 0;
  for (const VitalReading& r : session.readings) {
    any_systolic = any_systolic || r.systolic.has_value();
    any_diastolic = any_diastolic || r.diastolic.has_value();
    // At or above: the label's category is ">= 180 / >= 110", so 180/110 itself fires.
    constexpr double kNotMeasured = -1e9;
    const double excess =
        std::max(r.systolic ? *r.systolic - t.bp_severe_systolic_mmhg : kNotMeasured,
                 r.diastolic ? *r.diastolic - t.bp_severe_diastolic_mmhg : kNotMeasured);
    if (excess >= -kComparisonTolerance && (result.reading == nullptr || excess > worst_excess)) {
      worst_excess = excess;
      result.reading = &r;
    }
  }
  result.unknown = result.reading == nullptr && !(any_systolic && any_diastolic);
  return result;
}

BloodPressureRise FindBloodPressureRise(const SessionObservations& session) {
  BloodPressureRise result;
  double largest = 0;
  bool any_pair = false;
  for (const VitalReading& r : session.readings) {
    any_pair = any_pair || (r.systolic && r.diastolic);
    const double systolic_rise =
        r.systolic && session.baseline_systolic ? *r.systolic - *session.baseline_systolic : 0;
    const double diastolic_rise =
        r.diastolic && session.baseline_diastolic ? *r.diastolic - *session.baseline_diastolic : 0;
    const double rise = std::max(systolic_rise, diastolic_rise);
    if (rise > kComparisonTolerance && rise > largest) {
      largest = rise;
      result.reading = &r;
    }
  }
  result.unknown = result.reading == nullptr &&
                   (!session.baseline_systolic || !session.baseline_diastolic || !any_pair);
  return result;
}

SedationDepth DepthOf(const SedationReading& r, const TriageThresholds& t) {
  if (r.scale == cds::v1::SEDATION_SCALE_MOAA_S) {
    if (r.score <= t.sedation_unrousable_moaas_max) return SedationDepth::kUnrousable;
    if (r.score <= t.sedation_severe_moaas_max) return SedationDepth::kSevere;
    return r.score < 5 ? SedationDepth::kSedated : SedationDepth::kAwake;
  }
  if (r.score <= t.sedation_unrousable_rass_max) return SedationDepth::kUnrousable;
  if (r.score <= t.sedation_severe_rass_max) return SedationDepth::kSevere;
  if (r.score < 0) return SedationDepth::kSedated;
  return r.score == 0 ? SedationDepth::kAwake : SedationDepth::kAgitated;
}

std::string DescribeSedation(const SedationReading& r) {
  std::string out = Concat({r.scale == cds::v1::SEDATION_SCALE_MOAA_S ? "MOAA/S " : "RASS ",
                            r.scale == cds::v1::SEDATION_SCALE_RASS && r.score > 0 ? "+" : "",
                            r.score});
  r.minute ? Append(out, {" at ", *r.minute, " min"}) : Append(out, {" at an unrecorded time"});
  return out;
}

std::string SedationEvidence(const SessionObservations& session, const TriageThresholds& t) {
  std::string out;
  for (const ReportedSymptom& s : session.symptoms) {
    if (s.definition != nullptr && s.definition->indicates_sedation && s.present()) {
      Append(out, {out.empty() ? "" : ", ", SymptomName(s), " still present"});
    }
  }
  for (const SedationReading& r : session.sedation) {
    const SedationDepth depth = DepthOf(r, t);
    if (depth == SedationDepth::kAwake || depth == SedationDepth::kAgitated) continue;
    Append(out, {out.empty() ? "" : ", ", DescribeSedation(r)});
  }
  return out;
}

std::string CirculationRedFlag(const SessionObservations& session) {
  std::string out;
  for (const ReportedSymptom& s : session.symptoms) {
    if (s.definition != nullptr && s.definition->circulation_red_flag && s.occurred()) {
      Append(out, {out.empty() ? "" : ", ", SymptomName(s)});
    }
  }
  return out;
}

namespace {

template <class Better>
const VitalReading* Select(const SessionObservations& session, VitalSign sign, Better better) {
  const VitalReading* best = nullptr;
  for (const VitalReading& r : session.readings) {
    if (!ValueOf(r, sign)) continue;
    if (best == nullptr || better(r, *best)) best = &r;
  }
  return best;
}

}  // namespace

const VitalReading* Lowest(const SessionObservations& session, VitalSign sign) {
  return Select(session, sign, [sign](const VitalReading& a, const VitalReading& b) {
    return *ValueOf(a, sign) < *ValueOf(b, sign);
  });
}

const VitalReading* Highest(const SessionObservations& session, VitalSign sign) {
  return Select(session, sign, [sign](const VitalReading& a, const VitalReading& b) {
    return *ValueOf(a, sign) > *ValueOf(b, sign);
  });
}

const VitalReading* Latest(const SessionObservations& session, VitalSign sign) {
  const VitalReading* best = nullptr;
  for (const VitalReading& r : session.readings) {
    if (!ValueOf(r, sign) || !r.minute) continue;
    if (best == nullptr || *r.minute >= *best->minute) best = &r;
  }
  return best;
}

BaselineComparison CompareLatestWithBaseline(const SessionObservations& session,
                                             const TriageThresholds& t) {
  BaselineComparison c;
  for (const VitalReading& r : session.readings) {
    if (!r.systolic || !r.diastolic || !r.minute) continue;
    if (c.latest == nullptr || *r.minute >= *c.latest->minute) c.latest = &r;
  }
  if (!session.baseline_systolic || !session.baseline_diastolic) {
    c.explanation =
        "The pre-dose blood pressure is not recorded, so the return to baseline cannot be judged.";
    return c;
  }
  if (c.latest == nullptr) {
    c.explanation = "No timed post-dose reading has both systolic and diastolic pressure.";
    return c;
  }
  const double systolic_gap = std::fabs(*c.latest->systolic - *session.baseline_systolic);
  const double diastolic_gap = std::fabs(*c.latest->diastolic - *session.baseline_diastolic);
  const bool near = systolic_gap <= t.discharge_bp_systolic_margin_mmhg + kComparisonTolerance &&
                    diastolic_gap <= t.discharge_bp_diastolic_margin_mmhg + kComparisonTolerance;
  c.outcome = near ? cds::v1::CRITERION_OUTCOME_MET : cds::v1::CRITERION_OUTCOME_NOT_MET;
  c.explanation =
      Concat({"Latest blood pressure ", Measured{*c.latest->systolic}, "/",
              Measured{*c.latest->diastolic}, " mm[Hg] at ", *c.latest->minute,
              " min against baseline ", Measured{*session.baseline_systolic}, "/",
              Measured{*session.baseline_diastolic}, " mm[Hg]: ", near ? "within" : "outside",
              " the site margins of ", Measured{t.discharge_bp_systolic_margin_mmhg}, "/",
              Measured{t.discharge_bp_diastolic_margin_mmhg}, " mm[Hg]."});
  return c;
}

std::string SymptomName(const ReportedSymptom& symptom) {
  if (symptom.definition != nullptr) return symptom.definition->display;
  if (!symptom.symptom->code().text().empty()) return symptom.symptom->code().text();
  if (symptom.symptom->code().coding_size() > 0) {
    const cds::v1::Coding& c = symptom.symptom->code().coding(0);
    return c.display().empty() ? Concat({"code ", c.code()}) : c.display();
  }
  return "uncoded symptom";
}

std::string SymptomPath(const ReportedSymptom& symptom) {
  return Concat({"patient.session_report.symptoms[", symptom.index, "]"});
}

std::string DescribeSymptom(const ReportedSymptom& symptom) {
  const cds::v1::Symptom& s = *symptom.symptom;
  std::string out = SymptomName(symptom);
  out.reserve(out.size() + 96);
  if (symptom.matched_coding != nullptr) {
    Append(out, {" [", cds::sdk::Describe(*symptom.matched_coding), "]"});
  } else if (s.code().coding_size() == 0) {
    out += " [no coding]";
  } else {
    out += " [";
    for (int i = 0; i < s.code().coding_size(); ++i) {
      const cds::v1::Coding& c = s.code().coding(i);
      Append(out,
             {i ? "; " : "", c.code(), " (", c.system().empty() ? "no system" : c.system(), ")"});
    }
    out += "]";
  }
  switch (s.severity()) {
    case cds::v1::SEVERITY_MILD:
      out += ", mild";
      break;
    case cds::v1::SEVERITY_MODERATE:
      out += ", moderate";
      break;
    case cds::v1::SEVERITY_SEVERE:
      out += ", severe";
      break;
    default:
      out += ", severity not recorded";
      break;
  }
  if (s.has_onset_minutes_after_dose()) {
    Append(out, {", onset ", s.onset_minutes_after_dose(), " min"});
  }
  if (s.status() == cds::v1::SYMPTOM_STATUS_ABSENT) {
    out += ", looked for and absent";
  } else {
    out += symptom.present() ? ", still present" : ", resolved";
  }
  if (s.has_assessed_minutes_after_dose()) {
    Append(out, {" (assessed at ", s.assessed_minutes_after_dose(), " min)"});
  }
  return out;
}

}  // namespace cds::triage
