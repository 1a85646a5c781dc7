// Esketamine doses: which doses the label allows at a session (the start dose first, then the
// labelled doses, capped by the step limit where the label sets one), and the dose cdsd
// proposes next: the last dose given, never higher, one labelled step lower when the last
// session was not tolerated.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_ESKETAMINE_DOSE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_ESKETAMINE_DOSE_H_

#include <cds/v1/patient.pb.h>

#include <cmath>
#include <optional>
#include <vector>

#include "dosing_knowledge.h"

namespace cds::dosing {

// Doses are whole milligrams in practice; compare with a tolerance so 84 and 84.0000001 agree.
inline constexpr double kDoseToleranceMg = 1e-6;

inline bool SameDose(double a, double b) {
  return std::fabs(a - b) <= kDoseToleranceMg;
}

// Doses the label allows at the `position`-th session still to come (0 = the next one).
// `last_given_mg` is the last dose given, or nullopt before the first session.
std::vector<double> LabelledDosesAt(const DoseRule& rule, std::optional<double> last_given_mg,
                                    int position);

enum class ProposalBasis {
  // The label's start dose (no session given yet).
  kStartDose,
  // The last dose given, kept.
  kKeepLastDose,
  // One labelled dose below the last, because the last session was not tolerated.
  kStepDown,
  // Not tolerated at the lowest labelled dose: the same dose, for the prescriber to review.
  kLowestDoseNotTolerated,
  // No labelled dose at or below the last dose given: no proposal.
  kNoLabelledDoseAtOrBelowLast,
};

struct DoseProposal {
  // 0 when there is no proposal.
  double dose_mg = 0;
  ProposalBasis basis = ProposalBasis::kStartDose;
  // What the next session may be given the last session's tolerability: the labelled doses,
  // without any escalation when the last session was not tolerated or its tolerability is not
  // recorded.
  std::vector<double> options_mg;
};

// `next_allowed_mg` is LabelledDosesAt(rule, last_given_mg, 0).
DoseProposal ProposeNextDose(const DoseRule& rule, const std::vector<double>& next_allowed_mg,
                             std::optional<double> last_given_mg,
                             cds::v1::Tolerability last_tolerability);

// 28 mg devices for a dose; 0 when the dose is not a whole number of devices.
int DeviceCount(double dose_mg, double device_mg);

bool IsLabelledDose(const DoseRule& rule, double dose_mg);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_ESKETAMINE_DOSE_H_
