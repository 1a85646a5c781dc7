// Fuzzes the proto3 JSON form of an EvaluateRequest (what cdsctl and the examples send), then the
// host's validation of whatever parsed.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "cds/v1/decision_support.pb.h"
#include "server/request_validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cds::v1::EvaluateRequest request;
  if (google::protobuf::util::JsonStringToMessage(text, &request).ok()) {
    (void)cdsd::ValidateEvaluateRequest(request);
  }
  return 0;
}
