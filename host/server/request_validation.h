// Checks an EvaluateRequest before any plugin sees it, and names every bad field (AIP-193 field
// paths such as "patient.observations[2].value"), so an integrator can fix all of them at once.
#ifndef CDSD_HOST_SERVER_REQUEST_VALIDATION_H_
#define CDSD_HOST_SERVER_REQUEST_VALIDATION_H_

#include <cds/v1/decision_support.pb.h>

#include <string>
#include <vector>

namespace cdsd {

struct FieldViolation {
  std::string field;
  std::string description;
};

std::vector<FieldViolation> ValidateEvaluateRequest(const cds::v1::EvaluateRequest& request);
std::vector<FieldViolation> ValidateFeedbackRequest(const cds::v1::SubmitFeedbackRequest& request);

bool IsUuid(std::string_view text);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_REQUEST_VALIDATION_H_
