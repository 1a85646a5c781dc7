// Maps CDS Hooks `context` and `prefetch` (FHIR R4 JSON) to the coded PatientContext the
// plugins read, once per request. What cannot be mapped is reported, never guessed; the
// presence of each prefetch key decides the list's Retrieval (absent key = not fetched,
// JSON null or an empty Bundle = fetched and nothing found).
#ifndef CDSD_FHIR_FHIR_PATIENT_MAPPER_H_
#define CDSD_FHIR_FHIR_PATIENT_MAPPER_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cds/v1/decision_support.pb.h"

namespace cdsd::fhir {

// The prefetch keys cdsd's discovery declares, and what each one fills. A site's EHR may use
// any key: what decides where a resource goes is its resourceType, and a key listed here only
// tells which list an absent key or a null leaves "not retrieved" or "retrieved, none".
struct PrefetchKey {
  const char* key;
  const char* template_query;  // the CDS Hooks prefetch template advertised in discovery
};
const std::vector<PrefetchKey>& StandardPrefetchKeys();

// cdsd's FHIR extension for an antidepressant trial, carried on a MedicationStatement (FHIR has
// no standard home for "adequate dose and duration in this episode"): docs/fhir.md.
inline constexpr char kAntidepressantTrialExtension[] =
    "https://cdsd.dev/fhir/StructureDefinition/antidepressant-trial";

struct MappingProblem {
  // Where in the input, e.g. "prefetch.conditions.entry[2].resource.code".
  std::string path;
  // What was wrong, in plain words; never the value itself (it may identify the patient).
  std::string reason;
};

struct MappingResult {
  cds::v1::PatientContext patient;
  std::vector<cds::v1::DraftOrder> draft_orders;
  std::vector<std::string> selections;
  std::string user_id;
  std::string encounter_id;
  // Resources or elements that were present but could not be mapped. An unusable required
  // element (a Condition without a code) drops that resource and is listed here.
  std::vector<MappingProblem> problems;
};

// `context` is the CDS Hooks context object (patientId, userId, encounterId, draftOrders,
// selections); `prefetch` the prefetch object (may be null). Errors only when the top level is
// not an object; everything below is best effort with problems listed.
MappingResult MapHookInput(const nlohmann::json& context, const nlohmann::json& prefetch);

}  // namespace cdsd::fhir

#endif  // CDSD_FHIR_FHIR_PATIENT_MAPPER_H_
