#include "server/fhir_input.h"

#include "fhir/fhir_patient_mapper.h"

namespace cdsd {
namespace {

struct HookAlias {
  const char* published;
  const char* plugin;
};
constexpr HookAlias kHookAliases[] = {
    {kTreatmentReviewHook, "treatment-review"},
    {kSessionMonitoringHook, "session-monitoring"},
};

// JSON text of one request field, or a violation naming it. Empty text is "not sent".
bool ParseObject(const std::string& text, const char* field, bool null_allowed, nlohmann::json& out,
                 std::vector<FieldViolation>& violations) {
  out = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    violations.push_back({field, "is not valid JSON"});
    return false;
  }
  if (!out.is_object() && !(null_allowed && out.is_null())) {
    violations.push_back({field, "must be a JSON object"});
    return false;
  }
  return true;
}

}  // namespace

std::string PluginHookName(std::string_view hook) {
  for (const HookAlias& alias : kHookAliases) {
    if (hook == alias.published) return alias.plugin;
  }
  return std::string(hook);
}

std::string PublishedHookName(std::string_view hook) {
  for (const HookAlias& alias : kHookAliases) {
    if (hook == alias.plugin) return alias.published;
  }
  return std::string(hook);
}

void ApplyHookInput(const nlohmann::json& context, const nlohmann::json& prefetch,
                    cds::v1::EvaluateRequest& request, cds::v1::EvaluateResponse& response) {
  fhir::MappingResult mapped = fhir::MapHookInput(context, prefetch);
  // What the caller sent as coded fields completes (and, field by field, overrides) the FHIR.
  mapped.patient.MergeFrom(request.patient());
  *request.mutable_patient() = std::move(mapped.patient);
  if (!mapped.draft_orders.empty()) {
    request.clear_draft_orders();
    for (auto& order : mapped.draft_orders) *request.add_draft_orders() = std::move(order);
  }
  if (!mapped.selections.empty()) {
    request.clear_selections();
    for (auto& id : mapped.selections) request.add_selections(std::move(id));
  }
  if (!mapped.user_id.empty()) request.set_user_id(mapped.user_id);
  if (!mapped.encounter_id.empty()) request.set_encounter_id(mapped.encounter_id);
  for (const fhir::MappingProblem& problem : mapped.problems) {
    cds::v1::InputProblem* out = response.add_input_problems();
    out->set_path(problem.path);
    out->set_reason(problem.reason);
  }
}

std::vector<FieldViolation> ApplyFhirFields(cds::v1::EvaluateRequest& request, cds::v1::EvaluateResponse& response) {
  std::vector<FieldViolation> violations;
  if (request.fhir_context_json().empty() && request.fhir_prefetch_json().empty()) return violations;
  nlohmann::json context = nlohmann::json::object();
  nlohmann::json prefetch;
  if (!request.fhir_context_json().empty()) {
    ParseObject(request.fhir_context_json(), "fhir_context_json", false, context, violations);
  }
  if (!request.fhir_prefetch_json().empty()) {
    ParseObject(request.fhir_prefetch_json(), "fhir_prefetch_json", true, prefetch, violations);
  }
  if (!violations.empty()) return violations;
  ApplyHookInput(context, prefetch, request, response);
  // Mapped once: the text is not needed by the plugins, and the audit record keeps the coded form.
  request.clear_fhir_context_json();
  request.clear_fhir_prefetch_json();
  return violations;
}

}  // namespace cdsd
