// The calendar date of an observation, for rules that compare it with the evaluation date and
// the course start. Observations carry an instant; cdsd reads its UTC calendar date.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_OBSERVATION_DATE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_OBSERVATION_DATE_H_

#include <cds/sdk/clinical.h>

#include <chrono>
#include <optional>

namespace cds::dosing {

// nullopt when the observation has no effective_time (it cannot be placed in time).
inline std::optional<sdk::Date> ObservationDate(const cds::v1::Observation& observation) {
  if (!observation.has_effective_time()) return std::nullopt;
  const std::chrono::sys_seconds instant{
      std::chrono::seconds{observation.effective_time().seconds()}};
  return std::chrono::floor<std::chrono::days>(instant);
}

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_OBSERVATION_DATE_H_
