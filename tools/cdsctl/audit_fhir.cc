#include "audit_fhir.h"

#include <google/protobuf/util/time_util.h>

using google::protobuf::util::TimeUtil;
using nlohmann::json;

json ToFhirAuditEvent(const cdsd::StoredEvaluation& evaluation) {
  const json body = json::parse(evaluation.body);
  bool all_ok = true;
  for (const auto& s : body["services"]) all_ok = all_ok && s.value("status", "") == "SERVICE_STATUS_OK";
  json entities = json::array();
  if (!body.value("patient_pseudonym", "").empty()) {
    entities.push_back({{"what", {{"identifier", {{"system", "urn:cdsd:patient-pseudonym"},
                                                  {"value", body["patient_pseudonym"]}}}}},
                        {"type", {{"system", "http://terminology.hl7.org/CodeSystem/audit-entity-type"},
                                  {"code", "1"}, {"display", "Person"}}},
                        {"role", {{"system", "http://terminology.hl7.org/CodeSystem/object-role"},
                                  {"code", "1"}, {"display", "Patient"}}}});
  }
  for (const auto& card : body["cards"]) {
    entities.push_back({{"what", {{"identifier", {{"system", "urn:cdsd:card"}, {"value", card["uuid"]}}}}},
                        {"name", card["service_id"]},
                        {"detail", json::array({{{"type", "indicator"}, {"valueString", card["indicator"]}},
                                                {{"type", "decision"}, {"valueString", card["decision"]}},
                                                {{"type", "sha256"}, {"valueString", card["sha256"]}}})}});
  }
  return {{"resourceType", "AuditEvent"},
          {"id", evaluation.evaluation_id},
          {"type", {{"system", "http://terminology.hl7.org/CodeSystem/audit-event-type"},
                    {"code", "rest"}, {"display", "RESTful Operation"}}},
          {"subtype", json::array({{{"system", "urn:cdsd:hook"}, {"code", body.value("hook", "")}}})},
          {"action", "E"},
          {"recorded", TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(evaluation.received_unix_micros))},
          // 0 success; 4 minor failure: at least one service did not answer OK.
          {"outcome", all_ok ? "0" : "4"},
          {"agent", json::array({{{"who", {{"identifier", {{"value", body.value("caller", "")}}}}},
                                  {"requestor", true}}})},
          {"source", {{"observer", {{"display", "cdsd"}}}}},
          {"entity", entities}};
}
