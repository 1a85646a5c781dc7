#include "rest/cds_hooks_service.h"

#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

#include <boost/beast/http.hpp>

#include "fhir/fhir_patient_mapper.h"
#include "observability/logging.h"
#include "server/fhir_input.h"

namespace cdsd::rest {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kPrefix = "/cds-services";

// The path without its query string, split at '/': "/cds-services/x/feedback" → {"cds-services", "x", "feedback"}.
std::vector<std::string> PathSegments(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < target.size()) {
    if (target[pos] == '/') {
      ++pos;
      continue;
    }
    const size_t end = std::min(target.find('/', pos), target.size());
    out.emplace_back(target.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

bool IsJsonContentType(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type == "application/json" || type == "application/fhir+json";
}

// The place in a JSON text where parsing failed, for "malformed JSON at byte N".
std::string ParseError(const std::string& text, json& out) {
  try {
    out = json::parse(text);
    return "";
  } catch (const json::parse_error& e) {
    return "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")";
  }
}

}  // namespace

int HttpStatusFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::FAILED_PRECONDITION: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

CdsHooksService::CdsHooksService(DecisionSupportService& pipeline, const CallAuthenticator* authenticator,
                                 CdsHooksConfig config)
    : pipeline_(pipeline),
      authenticator_(authenticator),
      config_(std::move(config)),
      fetcher_(config_.fhir_fetch_threads, static_cast<size_t>(config_.fhir_fetch_threads) * 64) {}

void CdsHooksService::Cors(HttpResponse& response, const std::string& origin) const {
  for (const std::string& allowed : config_.cors_allowed_origins) {
    if (allowed == "*") {
      response.set(http::field::access_control_allow_origin, "*");
      return;
    }
    if (!origin.empty() && allowed == origin) {
      response.set(http::field::access_control_allow_origin, origin);
      response.set(http::field::vary, "Origin");
      return;
    }
  }
}

HttpResponse CdsHooksService::Json(int status, const json& body, const std::string& origin) {
  HttpResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  Cors(response, origin);
  response.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  response.prepare_payload();
  if (status >= 500) stats_.server_errors.fetch_add(1, std::memory_order_relaxed);
  else if (status >= 400) stats_.client_errors.fetch_add(1, std::memory_order_relaxed);
  return response;
}

HttpResponse CdsHooksService::Error(int status, const std::string& reason, const std::string& message,
                                    const std::string& origin, const std::vector<FieldViolation>& fields) {
  json error = {{"code", status}, {"reason", reason}, {"message", message}};
  if (!fields.empty()) {
    json list = json::array();
    for (const FieldViolation& f : fields) list.push_back({{"field", f.field}, {"description", f.description}});
    error["fieldViolations"] = std::move(list);
  }
  HttpResponse response = Json(status, {{"error", std::move(error)}}, origin);
  if (status == 401) response.set(http::field::www_authenticate, "Bearer");
  return response;
}

HttpResponse CdsHooksService::FromStatus(const grpc::Status& status, const std::string& origin) {
  std::string reason = "ERROR";
  std::vector<FieldViolation> fields;
  google::rpc::Status details;
  if (details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::BadRequest bad;
      if (any.UnpackTo(&info)) reason = info.reason();
      if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) fields.push_back({v.field(), v.description()});
      }
    }
  }
  int code = HttpStatusFor(status);
  if (reason == "AUDIT_BACKLOG_FULL") code = 503;
  HttpResponse response = Error(code, reason, status.error_message(), origin, fields);
  if (code == 429 || code == 503) response.set(http::field::retry_after, "1");
  return response;
}

bool CdsHooksService::AllowedFhirServer(const std::string& url) const {
  for (const std::string& prefix : config_.fhir_servers) {
    if (url.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

void CdsHooksService::Handle(HttpRequest&& request, Respond respond) {
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  const std::string origin(request[http::field::origin]);
  if (request.method() == http::verb::options) {
    // CORS preflight: browsers send it before a POST with a JSON body or an Authorization header.
    HttpResponse response{http::status::no_content, 11};
    Cors(response, origin);
    response.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
    response.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
    response.set(http::field::access_control_max_age, "600");
    response.prepare_payload();
    return respond(std::move(response));
  }
  const std::vector<std::string> path = PathSegments(std::string_view(request.target().data(), request.target().size()));
  if (path.empty() || path[0] != kPrefix.substr(1) || path.size() > 3) {
    return respond(Error(404, "NOT_FOUND", "no such endpoint; CDS Hooks lives under /cds-services", origin));
  }
  if (!pipeline_.accepting()) {
    HttpResponse response = Error(503, "SHUTTING_DOWN", "cdsd is shutting down", origin);
    response.set(http::field::retry_after, "1");
    return respond(std::move(response));
  }
  Caller caller;
  if (authenticator_ != nullptr) {
    std::vector<std::string_view> values;
    for (auto [it, end] = request.equal_range(http::field::authorization); it != end; ++it) {
      values.emplace_back(it->value().data(), it->value().size());
    }
    const std::string endpoint = "/" + (path.size() >= 2 ? path[0] + "/" + path[1] : path[0]);
    if (!authenticator_->AuthenticateHeaders(values, &caller, endpoint).ok()) {
      return respond(Error(401, "UNAUTHENTICATED", "authentication required", origin));
    }
  }
  if (path.size() == 1) {
    if (request.method() != http::verb::get) {
      HttpResponse response = Error(405, "METHOD_NOT_ALLOWED", "use GET for discovery", origin);
      response.set(http::field::allow, "GET, OPTIONS");
      return respond(std::move(response));
    }
    return Discovery(request, std::move(respond));
  }
  if (request.method() != http::verb::post) {
    HttpResponse response = Error(405, "METHOD_NOT_ALLOWED", "use POST to call a service", origin);
    response.set(http::field::allow, "POST, OPTIONS");
    return respond(std::move(response));
  }
  if (path.size() == 3 && path[2] != "feedback") {
    return respond(Error(404, "NOT_FOUND", "no such endpoint under /cds-services/" + path[1], origin));
  }
  if (!IsJsonContentType(std::string(request[http::field::content_type]))) {
    return respond(Error(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as Content-Type: application/json", origin));
  }
  const std::vector<HookService> entries = HookServices(pipeline_.Services(""));
  const HookService* entry = nullptr;
  for (const HookService& e : entries) {
    if (e.id == path[1]) entry = &e;
  }
  if (entry == nullptr) {
    return respond(Error(404, "UNKNOWN_SERVICE", "no CDS service '" + path[1] + "' (see GET /cds-services)", origin));
  }
  if (path.size() == 3) return Feedback(request, std::move(caller), std::move(respond));
  Evaluate(request, *entry, std::move(caller), std::move(respond));
}

void CdsHooksService::Discovery(const HttpRequest& request, Respond respond) {
  respond(Json(200, DiscoveryDocument(pipeline_.Services("")), std::string(request[http::field::origin])));
}

void CdsHooksService::Evaluate(const HttpRequest& request, const HookService& entry, Caller caller, Respond respond) {
  const std::string origin(request[http::field::origin]);
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(config_.request_timeout_ms);
  json body;
  if (std::string bad = ParseError(request.body(), body); !bad.empty()) {
    return respond(Error(400, "MALFORMED_JSON", bad, origin, {{"(body)", bad}}));
  }
  auto hook = std::make_shared<HookRequest>();
  if (auto bad = ParseHookRequest(body, entry.service_id, *hook); !bad.empty()) {
    return respond(Error(400, "INVALID_REQUEST", "invalid CDS Hooks request: " + bad.front().field + " " +
                                                     bad.front().description,
                         origin, bad));
  }
  // The hook must be one this service answers (by either of its names).
  cds::v1::ServiceDescriptor descriptor;
  for (const auto& d : pipeline_.Services("")) {
    if (d.id() == entry.service_id) descriptor = d;
  }
  const std::string plugin_hook = PluginHookName(hook->request.hook());
  bool answers = false;
  for (const auto& h : descriptor.hooks()) answers = answers || h == plugin_hook;
  if (!answers) {
    return respond(Error(400, "INVALID_REQUEST", "hook: service '" + entry.id + "' does not answer '" +
                                                     hook->request.hook() + "'",
                         origin, {{"hook", "is not a hook this service answers"}}));
  }

  // Absent prefetch: fetched from fhirServer when one is given, otherwise read as "not
  // retrieved"; only the patient itself is required (412 without it).
  std::vector<FhirQuery> queries;
  std::map<std::string, std::string> templates;
  for (const auto& key : fhir::StandardPrefetchKeys()) templates[key.key] = key.template_query;
  for (const std::string& key : PrefetchKeysFor(descriptor)) {
    // An OperationOutcome in its place means the EHR could not fetch it: as good as absent.
    const bool failed_at_ehr = hook->prefetch.is_object() && hook->prefetch.contains(key) &&
                               hook->prefetch[key].is_object() &&
                               hook->prefetch[key].value("resourceType", "") == "OperationOutcome";
    if (hook->prefetch.is_object() && hook->prefetch.contains(key) && !failed_at_ehr) continue;
    if (hook->fhir_server.empty()) {
      if (key == "patient") {
        return respond(Error(412, "PREFETCH_REQUIRED",
                             "prefetch.patient is absent and no fhirServer was given to fetch it from", origin,
                             {{"prefetch.patient", "is required (or send fhirServer and fhirAuthorization)"}}));
      }
      continue;
    }
    std::string base = hook->fhir_server;
    while (!base.empty() && base.back() == '/') base.pop_back();
    queries.push_back({key, base + "/" + FhirFetcher::FillTemplate(templates[key], hook->context)});
  }
  if (queries.empty()) return Run(std::move(hook), std::move(caller), deadline, origin, std::move(respond));
  if (!AllowedFhirServer(hook->fhir_server)) {
    return respond(Error(400, "FHIR_SERVER_NOT_ALLOWED",
                         "fhirServer is not one cdsd may fetch from (cds_hooks.fhir_servers); send the prefetch instead",
                         origin, {{"fhirServer", "is not listed in cds_hooks.fhir_servers"}}));
  }
  // Fetching may take up to half the request's time; the plugins get the rest.
  const auto fetch_deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.request_timeout_ms / 2);
  const std::string token = hook->fhir_access_token;
  auto shared_respond = std::make_shared<Respond>(std::move(respond));
  const bool queued = fetcher_.Fetch(
      std::move(queries), token, fetch_deadline,
      [this, hook, caller, deadline, origin, shared_respond](std::vector<FhirAnswer> answers) mutable {
        if (!hook->prefetch.is_object()) hook->prefetch = json::object();
        for (FhirAnswer& answer : answers) {
          if (answer.ok) {
            hook->prefetch[answer.key] = std::move(answer.resource);
          } else {
            hook->fetch_problems.push_back({"prefetch." + answer.key, answer.problem});
          }
        }
        if (!hook->prefetch.contains("patient") || hook->prefetch["patient"].is_null()) {
          (*shared_respond)(Error(412, "PREFETCH_REQUIRED", "the patient could not be fetched from fhirServer", origin,
                                  {{"prefetch.patient", hook->fetch_problems.empty() ? "not fetched"
                                                                                      : hook->fetch_problems.front().description}}));
          return;
        }
        Run(hook, std::move(caller), deadline, origin, std::move(*shared_respond));
      });
  if (!queued) {
    HttpResponse response = Error(503, "FHIR_FETCH_BUSY", "too many FHIR fetches waiting; retry", origin);
    response.set(http::field::retry_after, "1");
    (*shared_respond)(std::move(response));
  }
}

namespace {

// The REST end of an evaluation: the response as CDS Hooks cards, or the error as HTTP.
class RestFinisher final : public EvaluationFinisher {
 public:
  using Answer = std::function<void(const grpc::Status&, const EvaluateMessages&)>;
  explicit RestFinisher(Answer answer) : answer_(std::move(answer)) {}
  void Finish(const grpc::Status& status, const EvaluateMessages& messages) override { answer_(status, messages); }

 private:
  Answer answer_;
};

}  // namespace

void CdsHooksService::Run(std::shared_ptr<HookRequest> hook, Caller caller,
                          std::chrono::system_clock::time_point deadline, std::string origin, Respond respond) {
  auto messages = std::make_shared<EvaluateMessages>();
  messages->request = std::move(hook->request);
  messages->caller = std::move(caller);
  ApplyHookInput(hook->context, hook->prefetch, messages->request, messages->response);
  for (const FieldViolation& problem : hook->fetch_problems) {
    cds::v1::InputProblem* p = messages->response.add_input_problems();
    p->set_path(problem.field);
    p->set_reason(problem.description);
  }
  auto shared_respond = std::make_shared<Respond>(std::move(respond));
  auto finisher = std::make_shared<RestFinisher>(
      [this, origin, shared_respond](const grpc::Status& status, const EvaluateMessages& done) {
        (*shared_respond)(status.ok() ? Json(200, CardsResponse(done.response), origin) : FromStatus(status, origin));
      });
  grpc::Status started = pipeline_.StartEvaluation(messages, deadline, finisher);
  if (!started.ok()) (*shared_respond)(FromStatus(started, origin));
}

void CdsHooksService::Feedback(const HttpRequest& request, Caller caller, Respond respond) {
  const std::string origin(request[http::field::origin]);
  json body;
  if (std::string bad = ParseError(request.body(), body); !bad.empty()) {
    return respond(Error(400, "MALFORMED_JSON", bad, origin, {{"(body)", bad}}));
  }
  cds::v1::SubmitFeedbackRequest feedback;
  if (auto bad = ParseFeedback(body, feedback); !bad.empty()) {
    return respond(Error(400, "INVALID_REQUEST", "invalid feedback: " + bad.front().field + " " + bad.front().description,
                         origin, bad));
  }
  auto shared_respond = std::make_shared<Respond>(std::move(respond));
  grpc::Status started = pipeline_.StartFeedback(
      feedback, caller,
      [this, origin, shared_respond](const absl::Status& status, int) {
        if (status.ok()) {
          (*shared_respond)(Json(200, json::object(), origin));
        } else {
          (*shared_respond)(FromStatus(FeedbackStatus(status), origin));
        }
      },
      /*override_needs_reason=*/false);
  if (!started.ok()) (*shared_respond)(FromStatus(started, origin));
}

}  // namespace cdsd::rest
