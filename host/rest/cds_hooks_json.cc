#include "rest/cds_hooks_json.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <set>

#include "fhir/fhir_patient_mapper.h"
#include "server/fhir_input.h"

namespace cdsd::rest {
namespace {

using nlohmann::json;
using google::protobuf::util::TimeUtil;

// The protobuf JSON form of a message, as a JSON value (camelCase names, enums by name).
json ProtoJson(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) return json::object();
  return json::parse(text, nullptr, false);
}

json CodingJson(const cds::v1::Coding& coding) {
  json out = json::object();
  if (!coding.system().empty()) out["system"] = coding.system();
  out["code"] = coding.code();
  if (!coding.display().empty()) out["display"] = coding.display();
  return out;
}

const char* IndicatorName(cds::v1::Indicator indicator) {
  switch (indicator) {
    case cds::v1::INDICATOR_CRITICAL: return "critical";
    case cds::v1::INDICATOR_WARNING: return "warning";
    default: return "info";
  }
}

const char* ActionTypeName(cds::v1::ActionType type) {
  switch (type) {
    case cds::v1::ACTION_TYPE_UPDATE: return "update";
    case cds::v1::ACTION_TYPE_DELETE: return "delete";
    default: return "create";
  }
}

json ActionJson(const cds::v1::Action& action) {
  json out = {{"type", ActionTypeName(action.type())}, {"description", action.description()}};
  if (!action.resource_json().empty()) {
    // A resource is a FHIR resource object on the wire, never a string holding one.
    json resource = json::parse(action.resource_json(), nullptr, false);
    if (resource.is_object()) out["resource"] = std::move(resource);
  }
  if (!action.resource_id().empty()) out["resourceId"] = action.resource_id();
  return out;
}

json CardJson(const cds::v1::Card& card) {
  json out = {{"uuid", card.uuid()}, {"summary", card.summary()}, {"indicator", IndicatorName(card.indicator())}};
  if (!card.detail().empty()) out["detail"] = card.detail();
  json source = {{"label", card.source().label()}};
  if (!card.source().url().empty()) source["url"] = card.source().url();
  if (!card.source().icon().empty()) source["icon"] = card.source().icon();
  if (card.source().has_topic()) source["topic"] = CodingJson(card.source().topic());
  out["source"] = std::move(source);
  if (card.suggestions_size() > 0) {
    json suggestions = json::array();
    for (const auto& s : card.suggestions()) {
      json suggestion = {{"label", s.label()}, {"uuid", s.uuid()}, {"isRecommended", s.is_recommended()}};
      json actions = json::array();
      for (const auto& a : s.actions()) actions.push_back(ActionJson(a));
      if (!actions.empty()) suggestion["actions"] = std::move(actions);
      suggestions.push_back(std::move(suggestion));
    }
    out["suggestions"] = std::move(suggestions);
    out["selectionBehavior"] = card.selection_behavior() == cds::v1::SELECTION_BEHAVIOR_ANY ? "any" : "at-most-one";
  }
  if (card.override_reasons_size() > 0) {
    json reasons = json::array();
    for (const auto& r : card.override_reasons()) reasons.push_back(CodingJson(r));
    out["overrideReasons"] = std::move(reasons);
  }
  if (card.links_size() > 0) {
    json links = json::array();
    for (const auto& l : card.links()) {
      json link = {{"label", l.label()}, {"url", l.url()},
                   {"type", l.type() == cds::v1::LINK_TYPE_SMART ? "smart" : "absolute"}};
      if (!l.app_context().empty()) link["appContext"] = l.app_context();
      links.push_back(std::move(link));
    }
    out["links"] = std::move(links);
  }
  // Why the card says what it says: the criteria, missing inputs, citations, the structured
  // decision and who answered, in cds.v1's own JSON form.
  cds::v1::Card basis;
  *basis.mutable_criteria() = card.criteria();
  *basis.mutable_missing_inputs() = card.missing_inputs();
  *basis.mutable_citations() = card.citations();
  basis.set_service_id(card.service_id());
  basis.set_plugin_version(card.plugin_version());
  basis.set_knowledge_version(card.knowledge_version());
  switch (card.decision_case()) {
    case cds::v1::Card::kEligibility: *basis.mutable_eligibility() = card.eligibility(); break;
    case cds::v1::Card::kDosingSchedule: *basis.mutable_dosing_schedule() = card.dosing_schedule(); break;
    case cds::v1::Card::kTriage: *basis.mutable_triage() = card.triage(); break;
    case cds::v1::Card::kVendorDecision: *basis.mutable_vendor_decision() = card.vendor_decision(); break;
    case cds::v1::Card::DECISION_NOT_SET: break;
  }
  out["extension"] = {{kBasisExtension, ProtoJson(basis)}};
  return out;
}

void Violation(std::vector<FieldViolation>& v, std::string field, std::string description) {
  v.push_back({std::move(field), std::move(description)});
}

// A string member: absent → nullopt; present but not a string → a violation.
std::optional<std::string> StringField(const json& object, const char* name, const std::string& path,
                                       std::vector<FieldViolation>& v, bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) Violation(v, path + name, "is required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    Violation(v, path + name, "must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::string PrefetchKeyField(const std::string& key) {
  if (key == "conditions") return "patient.conditions";
  if (key == "allergies") return "patient.allergies";
  if (key == "medications") return "patient.medications";
  if (key == "antidepressantTrials") return "patient.antidepressant_trials";
  if (key == "observations") return "patient.observations";
  return "patient";
}

}  // namespace

std::vector<HookService> HookServices(const std::vector<cds::v1::ServiceDescriptor>& services) {
  std::vector<HookService> out;
  for (const auto& service : services) {
    for (int i = 0; i < service.hooks_size(); ++i) {
      const std::string& hook = service.hooks(i);
      out.push_back({i == 0 ? service.id() : service.id() + "--" + hook, service.id(), PublishedHookName(hook)});
    }
  }
  return out;
}

std::vector<std::string> PrefetchKeysFor(const cds::v1::ServiceDescriptor& service) {
  std::vector<std::string> keys;
  for (const auto& key : fhir::StandardPrefetchKeys()) {
    const std::string field = PrefetchKeyField(key.key);
    bool reads = service.inputs_size() == 0 || field == "patient";
    for (const auto& input : service.inputs()) {
      // "patient.observations[http://loinc.org|29463-7]" and "patient.weight" read observations.
      const std::string& path = input.path();
      if (path.rfind(field, 0) == 0 ||
          (field == "patient.observations" && (path == "patient.weight" || path == "patient.height"))) {
        reads = true;
      }
    }
    if (reads) keys.push_back(key.key);
  }
  return keys;
}

json DiscoveryDocument(const std::vector<cds::v1::ServiceDescriptor>& services) {
  std::map<std::string, const char*> templates;
  for (const auto& key : fhir::StandardPrefetchKeys()) templates[key.key] = key.template_query;
  json list = json::array();
  for (const HookService& entry : HookServices(services)) {
    const cds::v1::ServiceDescriptor* service = nullptr;
    for (const auto& s : services) {
      if (s.id() == entry.service_id) service = &s;
    }
    json prefetch = json::object();
    for (const std::string& key : PrefetchKeysFor(*service)) prefetch[key] = templates[key];
    std::string requirements =
        "Send a bearer JWT when the server requires one. Prefetch keys that are absent are read as "
        "'not retrieved' (reported as missing inputs) unless fhirServer is given, in which case cdsd "
        "fetches them; the patient key is required.";
    list.push_back({{"hook", entry.hook},
                    {"id", entry.id},
                    {"title", service->title().empty() ? service->id() : service->title()},
                    {"description", service->description()},
                    {"prefetch", std::move(prefetch)},
                    {"usageRequirements", requirements}});
  }
  return {{"services", std::move(list)}};
}

std::vector<FieldViolation> ParseHookRequest(const json& body, const std::string& service_id, HookRequest& out) {
  std::vector<FieldViolation> v;
  if (!body.is_object()) {
    Violation(v, "(body)", "must be a JSON object");
    return v;
  }
  if (auto hook = StringField(body, "hook", "", v, true)) out.request.set_hook(*hook);
  if (auto instance = StringField(body, "hookInstance", "", v, true)) {
    if (!IsUuid(*instance)) Violation(v, "hookInstance", "must be a UUID");
    out.request.set_hook_instance(*instance);
  }
  out.request.add_service_ids(service_id);
  auto context = body.find("context");
  if (context == body.end() || !context->is_object()) {
    Violation(v, "context", context == body.end() ? "is required" : "must be a JSON object");
  } else {
    out.context = *context;
    auto patient_id = context->find("patientId");
    if (patient_id != context->end() && !patient_id->is_string()) Violation(v, "context.patientId", "must be a string");
  }
  auto prefetch = body.find("prefetch");
  if (prefetch != body.end() && !prefetch->is_null()) {
    if (!prefetch->is_object()) Violation(v, "prefetch", "must be a JSON object");
    else out.prefetch = *prefetch;
  }
  if (auto server = StringField(body, "fhirServer", "", v, false)) {
    if (server->rfind("http://", 0) != 0 && server->rfind("https://", 0) != 0) {
      Violation(v, "fhirServer", "must be an http or https URL");
    }
    out.fhir_server = *server;
  }
  auto authorization = body.find("fhirAuthorization");
  if (authorization != body.end() && !authorization->is_null()) {
    if (!authorization->is_object()) {
      Violation(v, "fhirAuthorization", "must be a JSON object");
    } else {
      if (auto token = StringField(*authorization, "access_token", "fhirAuthorization.", v, true)) {
        out.fhir_access_token = *token;
      }
      if (auto type = StringField(*authorization, "token_type", "fhirAuthorization.", v, true); type && *type != "Bearer") {
        Violation(v, "fhirAuthorization.token_type", "must be Bearer");
      }
      StringField(*authorization, "scope", "fhirAuthorization.", v, true);
      StringField(*authorization, "subject", "fhirAuthorization.", v, true);
      auto expires = authorization->find("expires_in");
      if (expires == authorization->end() || !expires->is_number_integer()) {
        Violation(v, "fhirAuthorization.expires_in", "is required and must be a whole number of seconds");
      }
      if (out.fhir_server.empty()) Violation(v, "fhirAuthorization", "is only meaningful with fhirServer");
    }
  }
  // cdsd's request extension: a fixed evaluation instant and date (for reproducible answers) and
  // coded patient fields FHIR has no home for (session_report, treatment_course, child_pugh_class).
  auto extension = body.find("extension");
  if (extension != body.end() && extension->is_object()) {
    if (auto evaluation = extension->find(kEvaluationExtension); evaluation != extension->end()) {
      const std::string path = std::string("extension.") + kEvaluationExtension + ".";
      if (!evaluation->is_object()) {
        Violation(v, path.substr(0, path.size() - 1), "must be a JSON object");
      } else {
        if (auto time = StringField(*evaluation, "evaluationTime", path, v, false)) {
          if (!TimeUtil::FromString(*time, out.request.mutable_evaluation_time())) {
            Violation(v, path + "evaluationTime", "must be an RFC 3339 instant");
          }
        }
        if (auto date = StringField(*evaluation, "evaluationDate", path, v, false)) out.request.set_evaluation_date(*date);
      }
    }
    if (auto patient = extension->find(kPatientExtension); patient != extension->end()) {
      google::protobuf::util::JsonParseOptions options;
      auto parsed = google::protobuf::util::JsonStringToMessage(patient->dump(), out.request.mutable_patient(), options);
      if (!parsed.ok()) {
        Violation(v, std::string("extension.") + kPatientExtension, "is not a cds.v1.PatientContext in JSON form");
      }
    }
  } else if (extension != body.end() && !extension->is_null()) {
    Violation(v, "extension", "must be a JSON object");
  }
  return v;
}

json CardsResponse(const cds::v1::EvaluateResponse& response) {
  json cards = json::array();
  for (const auto& card : response.cards()) cards.push_back(CardJson(card));
  cds::v1::EvaluateResponse evaluation;
  evaluation.set_evaluation_id(response.evaluation_id());
  *evaluation.mutable_evaluation_time() = response.evaluation_time();
  evaluation.set_evaluation_date(response.evaluation_date());
  *evaluation.mutable_service_results() = response.service_results();
  *evaluation.mutable_input_problems() = response.input_problems();
  return {{"cards", std::move(cards)},
          {"systemActions", json::array()},
          {"extension", {{kEvaluationExtension, ProtoJson(evaluation)}}}};
}

std::vector<FieldViolation> ParseFeedback(const json& body, cds::v1::SubmitFeedbackRequest& out) {
  std::vector<FieldViolation> v;
  if (!body.is_object()) {
    Violation(v, "(body)", "must be a JSON object");
    return v;
  }
  auto list = body.find("feedback");
  if (list == body.end() || !list->is_array() || list->empty()) {
    Violation(v, "feedback", "is required: a non-empty array");
    return v;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    const std::string path = "feedback[" + std::to_string(i) + "].";
    cds::v1::Feedback* f = out.add_feedback();
    if (!entry.is_object()) {
      Violation(v, path.substr(0, path.size() - 1), "must be a JSON object");
      continue;
    }
    if (auto card = StringField(entry, "card", path, v, true)) f->set_card_uuid(*card);
    if (auto outcome = StringField(entry, "outcome", path, v, true)) {
      if (*outcome == "accepted") f->set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
      else if (*outcome == "overridden") f->set_outcome(cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
      else Violation(v, path + "outcome", "must be accepted or overridden");
    }
    if (auto accepted = entry.find("acceptedSuggestions"); accepted != entry.end()) {
      if (!accepted->is_array()) {
        Violation(v, path + "acceptedSuggestions", "must be an array of {id}");
      } else {
        for (size_t j = 0; j < accepted->size(); ++j) {
          const json& s = (*accepted)[j];
          const std::string sp = path + "acceptedSuggestions[" + std::to_string(j) + "].";
          if (!s.is_object()) {
            Violation(v, sp.substr(0, sp.size() - 1), "must be an object with id");
          } else if (auto id = StringField(s, "id", sp, v, true)) {
            f->add_accepted_suggestion_uuids(*id);
          }
        }
      }
    }
    if (auto reason = entry.find("overrideReason"); reason != entry.end() && !reason->is_null()) {
      if (!reason->is_object()) {
        Violation(v, path + "overrideReason", "must be an object with reason and userComment");
      } else {
        if (auto coding = reason->find("reason"); coding != reason->end() && coding->is_object()) {
          const std::string cp = path + "overrideReason.reason.";
          if (auto system = StringField(*coding, "system", cp, v, false)) f->mutable_override_reason()->set_system(*system);
          if (auto code = StringField(*coding, "code", cp, v, true)) f->mutable_override_reason()->set_code(*code);
          if (auto display = StringField(*coding, "display", cp, v, false)) f->mutable_override_reason()->set_display(*display);
        }
        if (auto comment = StringField(*reason, "userComment", path + "overrideReason.", v, false)) {
          f->set_user_comment(*comment);
        }
      }
    }
    if (auto when = StringField(entry, "outcomeTimestamp", path, v, true)) {
      if (!TimeUtil::FromString(*when, f->mutable_outcome_time())) {
        Violation(v, path + "outcomeTimestamp", "must be an RFC 3339 instant");
      }
    }
  }
  return v;
}

}  // namespace cdsd::rest
