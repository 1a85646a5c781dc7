// FHIR R4 input on an EvaluateRequest (fhir_context_json / fhir_prefetch_json): parsed and
// mapped once, before validation, into the coded fields the plugins read. Also the hook names
// cdsd accepts: its custom hooks in the reverse-domain form CDS Hooks 2.0 asks for, and the
// short names used before, as aliases.
#ifndef CDSD_HOST_SERVER_FHIR_INPUT_H_
#define CDSD_HOST_SERVER_FHIR_INPUT_H_

#include <cds/v1/decision_support.pb.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "server/request_validation.h"

namespace cdsd {

// cdsd's custom hooks, as CDS Hooks names them (reverse-domain notation of cdsd.dev).
inline constexpr char kTreatmentReviewHook[] = "dev.cdsd.treatment-review";
inline constexpr char kSessionMonitoringHook[] = "dev.cdsd.session-monitoring";

// The name plugins answer to: the reverse-domain custom hooks become their short names
// (treatment-review, session-monitoring); every other name is returned unchanged.
std::string PluginHookName(std::string_view hook);
// The name discovery advertises: the reverse of PluginHookName for cdsd's custom hooks.
std::string PublishedHookName(std::string_view hook);

// Maps `context` and `prefetch` (already parsed JSON; prefetch may be null) into `request` and
// lists what could not be mapped in `response`. The explicit `request.patient()` is merged over
// the mapped patient; the context's draftOrders and selections replace the request's.
void ApplyHookInput(const nlohmann::json& context, const nlohmann::json& prefetch,
                    cds::v1::EvaluateRequest& request, cds::v1::EvaluateResponse& response);

// For the gRPC door: parses fhir_context_json / fhir_prefetch_json when set and applies them.
// Returns the fields that are not JSON objects (the request is then refused); empty otherwise.
std::vector<FieldViolation> ApplyFhirFields(cds::v1::EvaluateRequest& request, cds::v1::EvaluateResponse& response);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_FHIR_INPUT_H_
