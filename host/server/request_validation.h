// Checks an EvaluateRequest before any plugin sees it, and names every bad field (AIP-193 field
// paths such as "patient.observations[2].value"), so an integrator can fix all of them at once.
#ifndef CDSD_HOST_SERVER_REQUEST_VALIDATION_H_
#define CDSD_HOST_SERVER_REQUEST_VALIDATION_H_

#include <cds/v1/decision_support.pb.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace cdsd {

struct FieldViolation {
  std::string field;
  std::string description;
};

// Both first check every list and string against `limits` (naming the field and the limit);
// only a request within them is checked field by field, including the plausible range of every
// clinical value.
std::vector<FieldViolation> ValidateEvaluateRequest(const cds::v1::EvaluateRequest& request,
                                                    const InputLimits& limits = {});
// `override_needs_reason`: the gRPC door asks an override for a reason code or a comment; CDS
// Hooks makes overrideReason optional, so its REST door does not.
std::vector<FieldViolation> ValidateFeedbackRequest(const cds::v1::SubmitFeedbackRequest& request,
                                                    const InputLimits& limits = {}, bool override_needs_reason = true);

// Every repeated field and string of `message`, at any depth, against the limits; field paths
// start at `path` (empty for the top level).
void CheckInputLimits(const google::protobuf::Message& message, const InputLimits& limits,
                      std::vector<FieldViolation>& violations, const std::string& path = "");

bool IsUuid(std::string_view text);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_REQUEST_VALIDATION_H_
