#include "infusion_dose.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "observation_date.h"

namespace cds::dosing {
namespace {

bool IsBodyWeight(const cds::v1::Observation& o, const DosingKnowledge& knowledge) {
  for (const std::string& code : knowledge.body_weight_codes) {
    if (sdk::CodeMatches(o.code(), knowledge.body_weight_system, code)) return true;
  }
  return false;
}

bool NewerThan(const cds::v1::Observation& a, const cds::v1::Observation& b) {
  if (a.has_effective_time() != b.has_effective_time()) return a.has_effective_time();
  const auto& ta = a.effective_time();
  const auto& tb = b.effective_time();
  return std::make_pair(ta.seconds(), ta.nanos()) > std::make_pair(tb.seconds(), tb.nanos());
}

}  // namespace

WeightReading ReadDosingWeight(const cds::v1::PatientContext& patient, sdk::Date evaluation_date,
                               const DosingKnowledge& knowledge, int max_age_days) {
  WeightReading reading;
  auto consider = [&](const cds::v1::Observation& o, std::string path) {
    if (!o.has_value()) return;
    if (reading.observation != nullptr && !NewerThan(o, *reading.observation)) return;
    reading.observation = &o;
    reading.path = std::move(path);
  };
  if (patient.has_weight()) consider(patient.weight(), "patient.weight");
  for (int i = 0; i < patient.observations_size(); ++i) {
    const cds::v1::Observation& o = patient.observations(i);
    if (IsBodyWeight(o, knowledge)) consider(o, "patient.observations[" + std::to_string(i) + "]");
  }
  if (reading.observation == nullptr) return reading;

  const cds::v1::Observation& o = *reading.observation;
  bool unit_known = false;
  for (const auto& [unit, kg_per_unit] : knowledge.kg_per_weight_unit) {
    if (o.unit() == unit) {
      reading.kg = o.value() * kg_per_unit;
      unit_known = true;
    }
  }
  const std::optional<sdk::Date> date = ObservationDate(o);
  if (date) reading.age_days = static_cast<int>((evaluation_date - *date).count());

  if (!unit_known) {
    reading.status = WeightStatus::kUnknownUnit;
  } else if (!std::isfinite(reading.kg) || reading.kg < knowledge.plausible_weight_min_kg ||
             reading.kg > knowledge.plausible_weight_max_kg) {
    reading.status = WeightStatus::kImplausible;
  } else if (!date) {
    reading.status = WeightStatus::kUndated;
  } else if (reading.age_days < -1) {
    // One day of slack: the evaluation date is local, the weight's date is UTC.
    reading.status = WeightStatus::kDatedAfterEvaluation;
  } else if (reading.age_days > max_age_days) {
    reading.status = WeightStatus::kTooOld;
  } else {
    reading.status = WeightStatus::kUsable;
    reading.age_days = std::max(reading.age_days, 0);
  }
  return reading;
}

double InfusionDoseMg(double weight_kg, double mg_per_kg) {
  return std::round(weight_kg * mg_per_kg * 10.0) / 10.0;
}

}  // namespace cds::dosing
