#include "esketamine_dose.h"

#include <cmath>
#include <limits>

namespace cds::dosing {
namespace {

bool AtMost(double dose, double ceiling) {
  return dose <= ceiling + kDoseToleranceMg;
}

}  // namespace

bool IsLabelledDose(const DoseRule& rule, double dose_mg) {
  for (double d : rule.doses_mg) {
    if (SameDose(d, dose_mg)) return true;
  }
  return false;
}

std::vector<double> LabelledDosesAt(const DoseRule& rule, std::optional<double> last_given_mg,
                                    int position) {
  if (!last_given_mg && position == 0) return {rule.first_dose_mg};
  double ceiling = std::numeric_limits<double>::infinity();
  if (rule.max_increase_mg > 0) {
    // Each session may add at most one step, so the k-th session after a known dose can be at
    // most k steps above it.
    ceiling = last_given_mg ? *last_given_mg + rule.max_increase_mg * (position + 1)
                            : rule.first_dose_mg + rule.max_increase_mg * position;
  }
  std::vector<double> allowed;
  for (double d : rule.doses_mg) {
    if (AtMost(d, ceiling)) allowed.push_back(d);
  }
  return allowed;
}

DoseProposal ProposeNextDose(const DoseRule& rule, const std::vector<double>& next_allowed_mg,
                             std::optional<double> last_given_mg,
                             cds::v1::Tolerability last_tolerability) {
  DoseProposal proposal;
  if (!last_given_mg) {
    proposal.dose_mg = rule.first_dose_mg;
    proposal.basis = ProposalBasis::kStartDose;
    proposal.options_mg = next_allowed_mg;
    return proposal;
  }
  const double last = *last_given_mg;
  const bool may_escalate = last_tolerability == cds::v1::TOLERABILITY_WELL_TOLERATED ||
                            last_tolerability == cds::v1::TOLERABILITY_TOLERATED_WITH_SIDE_EFFECTS;
  std::vector<double> at_or_below;
  for (double d : next_allowed_mg) {
    if (AtMost(d, last)) at_or_below.push_back(d);
    if (may_escalate || AtMost(d, last)) proposal.options_mg.push_back(d);
  }
  if (at_or_below.empty()) {
    proposal.basis = ProposalBasis::kNoLabelledDoseAtOrBelowLast;
    return proposal;
  }
  // The highest labelled dose not above the last one: the last dose itself when it is labelled.
  proposal.dose_mg = at_or_below.back();
  proposal.basis = ProposalBasis::kKeepLastDose;
  if (last_tolerability == cds::v1::TOLERABILITY_NOT_TOLERATED) {
    if (at_or_below.size() >= 2 && SameDose(at_or_below.back(), last)) {
      proposal.dose_mg = at_or_below[at_or_below.size() - 2];
      proposal.basis = ProposalBasis::kStepDown;
    } else if (SameDose(at_or_below.back(), last)) {
      proposal.basis = ProposalBasis::kLowestDoseNotTolerated;
    } else {
      // The last dose was not a labelled one; the highest labelled dose below it is already a
      // step down.
      proposal.basis = ProposalBasis::kStepDown;
    }
  }
  return proposal;
}

constexpr double kMaxDevicesPerSession = 100;

int DeviceCount(double dose_mg, double device_mg) {
  if (!(dose_mg > 0) || !(device_mg > 0)) return 0;
  const double devices = dose_mg / device_mg;
  // No session uses more than a handful of devices; a larger (or non-finite) count is not a
  // labelled dose, and would not fit an int (found by fuzz_plugin_evaluate).
  if (!(devices <= kMaxDevicesPerSession)) return 0;
  const double whole = std::round(devices);
  return std::fabs(devices - whole) <= kDoseToleranceMg ? static_cast<int>(whole) : 0;
}

}  // namespace cds::dosing
