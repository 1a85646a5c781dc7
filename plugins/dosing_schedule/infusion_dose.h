// IV racemic ketamine dosing: the body weight a dose may be computed from (the most recent
// measured weight, recent enough, in a known unit, within a plausible adult range) and the
// weight-based dose. No usable weight means no dose.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_INFUSION_DOSE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_INFUSION_DOSE_H_

#include <cds/sdk/clinical.h>

#include <string>

#include "dosing_knowledge.h"

namespace cds::dosing {

enum class WeightStatus {
  kUsable,
  kMissing,
  kUndated,
  kTooOld,
  kDatedAfterEvaluation,
  kUnknownUnit,
  kImplausible,
};

struct WeightReading {
  WeightStatus status = WeightStatus::kMissing;
  // The most recent weight the request holds (nullptr when kMissing) and its request path.
  const cds::v1::Observation* observation = nullptr;
  std::string path;
  // Set when the unit is known.
  double kg = 0;
  // Days between the weight's date and the evaluation date, when dated.
  int age_days = 0;
};

// Considers patient.weight and every patient.observations entry coded with one of the
// knowledge file's body-weight LOINC codes, and judges the most recent one (dated beats
// undated). An older weight never stands in for a newer unusable one: the newest weight is
// what the clinician last recorded.
WeightReading ReadDosingWeight(const cds::v1::PatientContext& patient, sdk::Date evaluation_date,
                               const DosingKnowledge& knowledge, int max_age_days);

// mg/kg times weight, rounded to 0.1 mg.
double InfusionDoseMg(double weight_kg, double mg_per_kg);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_INFUSION_DOSE_H_
