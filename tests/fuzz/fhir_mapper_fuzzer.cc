// Fuzzes the FHIR R4 mapping of CDS Hooks input: any JSON document, split into a context and a
// prefetch object, must map to a PatientContext with problems listed, never a crash.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fhir/fhir_patient_mapper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json input = nlohmann::json::parse(data, data + size, nullptr, false);
  if (input.is_discarded()) return 0;
  const nlohmann::json empty;
  const nlohmann::json& context = input.is_object() && input.contains("context") ? input["context"] : empty;
  const nlohmann::json& prefetch = input.is_object() && input.contains("prefetch") ? input["prefetch"] : input;
  (void)cdsd::fhir::MapHookInput(context, prefetch);
  return 0;
}
