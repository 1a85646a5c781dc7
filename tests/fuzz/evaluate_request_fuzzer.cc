// Fuzzes what the EHR port does with request bytes before any plugin sees them: protobuf decoding
// of an EvaluateRequest or SubmitFeedbackRequest, then the host's validation.
#include <cstddef>
#include <cstdint>

#include "cds/v1/decision_support.pb.h"
#include "server/request_validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the message, so one corpus covers both calls.
  const bool feedback = (data[0] & 1) != 0;
  ++data;
  --size;
  if (feedback) {
    cds::v1::SubmitFeedbackRequest request;
    if (request.ParseFromArray(data, static_cast<int>(size))) {
      (void)cdsd::ValidateFeedbackRequest(request);
    }
  } else {
    cds::v1::EvaluateRequest request;
    if (request.ParseFromArray(data, static_cast<int>(size))) {
      (void)cdsd::ValidateEvaluateRequest(request);
    }
  }
  return 0;
}
