// The CDS Hooks 2.0 JSON shapes and cds.v1 messages, in both directions: the discovery document,
// a hook request into an EvaluateRequest, an EvaluateResponse into cards, and feedback. Pure
// functions: no I/O, no clocks, so each translation is tested on its own.
#ifndef CDSD_HOST_REST_CDS_HOOKS_JSON_H_
#define CDSD_HOST_REST_CDS_HOOKS_JSON_H_

#include <cds/v1/decision_support.pb.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/request_validation.h"

namespace cdsd::rest {

// The extension member names cdsd uses (reverse-domain notation, as CDS Hooks asks).
inline constexpr char kBasisExtension[] = "dev.cdsd.basis";            // on a card
inline constexpr char kEvaluationExtension[] = "dev.cdsd.evaluation";  // on a response / a request
inline constexpr char kPatientExtension[] = "dev.cdsd.patient";        // on a request

// One CDS Hooks service: a (cdsd service, hook) pair. The first hook of a service keeps the
// service's id; each further hook gets "<service>--<hook>" (hook as plugins name it).
struct HookService {
  std::string id;
  std::string service_id;
  std::string hook;  // as published (reverse-domain for cdsd's custom hooks)
};
std::vector<HookService> HookServices(const std::vector<cds::v1::ServiceDescriptor>& services);

// The prefetch keys a service reads, from its declared inputs (every standard key when it
// declares none). "patient" is always among them.
std::vector<std::string> PrefetchKeysFor(const cds::v1::ServiceDescriptor& service);

nlohmann::json DiscoveryDocument(const std::vector<cds::v1::ServiceDescriptor>& services);

// A decoded hook request, before FHIR mapping.
struct HookRequest {
  cds::v1::EvaluateRequest request;  // hook, hook_instance, service_ids, evaluation time/date, patient
  nlohmann::json context;
  nlohmann::json prefetch;  // null when absent
  std::string fhir_server;  // empty when absent
  std::string fhir_access_token;
  std::vector<FieldViolation> fetch_problems;  // prefetch keys fhirServer did not give
};

// The request's JSON into a HookRequest, or the fields that are wrong (named as in the JSON).
std::vector<FieldViolation> ParseHookRequest(const nlohmann::json& body, const std::string& service_id,
                                             HookRequest& out);

nlohmann::json CardsResponse(const cds::v1::EvaluateResponse& response);

// Feedback's JSON into a SubmitFeedbackRequest, or the fields that are wrong.
std::vector<FieldViolation> ParseFeedback(const nlohmann::json& body, cds::v1::SubmitFeedbackRequest& out);

}  // namespace cdsd::rest

#endif  // CDSD_HOST_REST_CDS_HOOKS_JSON_H_
