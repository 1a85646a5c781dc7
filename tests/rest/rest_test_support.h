// Test support for the CDS Hooks REST door: a blocking HTTP/1.1 client with a deadline, and the
// inverse of the FHIR mapper (a cds.v1 request written as a CDS Hooks request with FHIR R4
// context and prefetch), so one example can be sent through both doors.
#ifndef CDSD_TESTS_REST_REST_TEST_SUPPORT_H_
#define CDSD_TESTS_REST_REST_TEST_SUPPORT_H_

#include <cds/v1/decision_support.pb.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cdsd::testing {

struct HttpResult {
  int status = 0;  // 0: no answer (connection closed or timed out)
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One request on a new connection to "host:port". Content-Type is application/json when a body
// is given, unless `headers` names another.
HttpResult HttpCall(const std::string& address, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::map<std::string, std::string>& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// The FHIR R4 resources of a patient, by prefetch key (only the lists marked retrieved, and
// "patient" always), as CDS Hooks prefetch.
nlohmann::json PrefetchFor(const cds::v1::PatientContext& patient);
// The CDS Hooks context of a request: patientId, userId, encounterId, draftOrders, selections.
nlohmann::json ContextFor(const cds::v1::EvaluateRequest& request);
// The whole CDS Hooks request body for a cds.v1 request: FHIR for everything FHIR can carry,
// cdsd's request extensions for the rest (the evaluation instant and date; session_report,
// treatment_course, child_pugh_class, breastfeeding_status and a pregnancy status FHIR has no
// answer for). `with_prefetch` false leaves prefetch out (for the FHIR-server fallback).
nlohmann::json HookRequestFor(const cds::v1::EvaluateRequest& request, bool with_prefetch = true);

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_REST_REST_TEST_SUPPORT_H_
