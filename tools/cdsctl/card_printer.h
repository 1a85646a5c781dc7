// Renders cds.v1 cards and service results as plain text a clinician or integrator can read in a
// terminal: the advice first, then its basis (criteria, inputs, missing inputs, sources).
#ifndef CDSD_TOOLS_CDSCTL_CARD_PRINTER_H_
#define CDSD_TOOLS_CDSCTL_CARD_PRINTER_H_

#include <cds/v1/decision_support.pb.h>

#include <ostream>

namespace cdsctl {

void PrintCard(std::ostream& out, const cds::v1::Card& card);
void PrintEvaluateResponse(std::ostream& out, const cds::v1::EvaluateResponse& response);

}  // namespace cdsctl

#endif  // CDSD_TOOLS_CDSCTL_CARD_PRINTER_H_
