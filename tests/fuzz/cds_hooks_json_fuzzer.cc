// Fuzzes the CDS Hooks REST door's JSON decoding: any body posted to /cds-services/{id} or to
// its /feedback must become a request or a list of field violations, never a crash. A decoded
// request's context and prefetch also go through the FHIR mapping, as the door does.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fhir/fhir_patient_mapper.h"
#include "rest/cds_hooks_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (body.is_discarded()) return 0;
  cdsd::rest::HookRequest hook;
  if (cdsd::rest::ParseHookRequest(body, "ketamine-eligibility", hook).empty()) {
    (void)cdsd::fhir::MapHookInput(hook.context, hook.prefetch);
  }
  cds::v1::SubmitFeedbackRequest feedback;
  (void)cdsd::rest::ParseFeedback(body, feedback);
  return 0;
}
