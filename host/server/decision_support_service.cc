#include "server/decision_support_service.h"

#include <cds/sdk/calendar.h>
#include <google/protobuf/util/time_util.h>

#include <set>

#include <grpcpp/impl/codegen/proto_utils.h>

#include "observability/logging.h"
#include "server/fhir_input.h"
#include "server/rpc_errors.h"
#include "util/wall_clock.h"

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* rpc, const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = rpc->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::Status ShuttingDown() {
  return ErrorWithReason(grpc::StatusCode::UNAVAILABLE, "cdsd is shutting down", "SHUTTING_DOWN");
}

// How many abandoned calls quarantine this service.
int QuarantineLimit(const PluginSnapshot& snapshot, const PluginConfig& config, int pool_threads) {
  return std::min(snapshot.config().max_stuck_calls, PermitsFor(config, pool_threads));
}

// Skip reason for a service, or "" when it can run.
std::string WhyNotRunnable(const PluginSnapshot& snapshot, const ConfiguredPlugin& entry, const std::string& hook,
                           int pool_threads) {
  switch (entry.state) {
    case PluginState::kDisabled: return "disabled in the configuration";
    case PluginState::kFailed: return "not loaded: " + entry.error;
    case PluginState::kLoaded: break;
  }
  if (!entry.service->Answers(hook)) return "does not answer hook '" + hook + "'";
  const int64_t stuck = entry.service->stuck_calls().load(std::memory_order_relaxed);
  if (stuck >= QuarantineLimit(snapshot, entry.config, pool_threads)) {
    return "quarantined: " + std::to_string(stuck) + " earlier calls are still running past their deadline";
  }
  return "";
}

// The gRPC end of an evaluation: serializes the response into gRPC's buffer and finishes the
// reactor.
class GrpcEvaluateFinisher final : public EvaluationFinisher {
 public:
  GrpcEvaluateFinisher(grpc::ServerUnaryReactor* reactor, grpc::ByteBuffer* wire_response)
      : reactor_(reactor), wire_response_(wire_response) {}

  void Finish(const grpc::Status& status, const EvaluateMessages& messages) override {
    if (!status.ok()) {
      reactor_->Finish(status);
      return;
    }
    bool own_buffer = false;
    grpc::Status serialized = grpc::SerializationTraits<cds::v1::EvaluateResponse>::Serialize(
        messages.response, wire_response_, &own_buffer);
    if (!serialized.ok()) {
      LogEvent(LogLevel::kError, "response_not_serialized", {{"evaluation_id", messages.response.evaluation_id()}});
      reactor_->Finish(ErrorWithReason(grpc::StatusCode::INTERNAL, "the response could not be serialized",
                                       "RESPONSE_NOT_SERIALIZED"));
      return;
    }
    reactor_->Finish(grpc::Status::OK);
  }

 private:
  grpc::ServerUnaryReactor* reactor_;
  grpc::ByteBuffer* wire_response_;  // gRPC's buffer for the serialized reply; not owned
};

SelectedService Selected(const ConfiguredPlugin& entry, std::string why, int pool_threads) {
  SelectedService s{entry.config.id, why.empty() ? entry.service : nullptr, std::move(why)};
  s.permits = PermitsFor(entry.config, pool_threads);
  s.max_output_bytes = entry.config.max_output_bytes;
  return s;
}

}  // namespace

ServiceSelection SelectServices(const PluginSnapshot& snapshot, const cds::v1::EvaluateRequest& request,
                                int pool_threads) {
  ServiceSelection selection;
  if (request.service_ids_size() == 0) {
    for (const auto& service : snapshot.ServingHook(request.hook())) {
      const ConfiguredPlugin& entry = *snapshot.Find(service->id());
      selection.services.push_back(
          Selected(entry, WhyNotRunnable(snapshot, entry, request.hook(), pool_threads), pool_threads));
    }
    return selection;
  }
  for (int i = 0; i < request.service_ids_size(); ++i) {
    const std::string& id = request.service_ids(i);
    const ConfiguredPlugin* entry = snapshot.Find(id);
    if (entry == nullptr) {
      selection.unknown.push_back({"service_ids[" + std::to_string(i) + "]", "no service '" + id + "' is configured"});
      continue;
    }
    selection.services.push_back(
        Selected(*entry, WhyNotRunnable(snapshot, *entry, request.hook(), pool_threads), pool_threads));
  }
  return selection;
}

grpc::Status DecisionSupportService::CheckCaller(const grpc::CallbackServerContext& rpc, Caller* caller) const {
  if (authenticator_ == nullptr) return grpc::Status::OK;
  return authenticator_->Authenticate(rpc, caller);
}

std::vector<cds::v1::ServiceDescriptor> DecisionSupportService::Services(const std::string& hook) const {
  std::vector<cds::v1::ServiceDescriptor> services;
  const std::string plugin_hook = PluginHookName(hook);
  const auto snapshot = snapshots_.Get();
  for (const ConfiguredPlugin& entry : snapshot->plugins()) {
    if (entry.state != PluginState::kLoaded) continue;
    if (!plugin_hook.empty() && !entry.service->Answers(plugin_hook)) continue;
    services.push_back(entry.service->descriptor());
  }
  return services;
}

grpc::ServerUnaryReactor* DecisionSupportService::ListServices(
    grpc::CallbackServerContext* rpc, const cds::v1::ListServicesRequest* request,
    cds::v1::ListServicesResponse* response) {
  if (!accepting_.load(std::memory_order_relaxed)) return FinishNow(rpc, ShuttingDown());
  Caller caller;
  if (grpc::Status denied = CheckCaller(*rpc, &caller); !denied.ok()) return FinishNow(rpc, denied);
  for (auto& descriptor : Services(request->hook())) {
    // Discovery names cdsd's custom hooks as CDS Hooks asks (reverse-domain); both names work.
    for (std::string& hook : *descriptor.mutable_hooks()) hook = PublishedHookName(hook);
    *response->add_services() = std::move(descriptor);
  }
  return FinishNow(rpc, grpc::Status::OK);
}

grpc::ServerUnaryReactor* DecisionSupportService::Evaluate(grpc::CallbackServerContext* rpc,
                                                           const grpc::ByteBuffer* wire_request,
                                                           grpc::ByteBuffer* wire_response) {
  if (!accepting_.load(std::memory_order_relaxed)) return FinishNow(rpc, ShuttingDown());
  Caller caller;
  if (grpc::Status denied = CheckCaller(*rpc, &caller); !denied.ok()) return FinishNow(rpc, denied);

  auto messages = std::make_shared<EvaluateMessages>();
  messages->caller = std::move(caller);
  grpc::ByteBuffer bytes(*wire_request);  // shares the slices; Deserialize consumes its argument
  if (!grpc::SerializationTraits<cds::v1::EvaluateRequest>::Deserialize(&bytes, &messages->request).ok()) {
    return FinishNow(rpc, ErrorWithReason(grpc::StatusCode::INVALID_ARGUMENT,
                                          "the request body is not a serialized cds.v1.EvaluateRequest (" +
                                              std::to_string(wire_request->Length()) + " bytes)",
                                          "UNPARSEABLE_REQUEST"));
  }
  grpc::ServerUnaryReactor* reactor = rpc->DefaultReactor();
  grpc::Status started =
      StartEvaluation(std::move(messages), rpc->deadline(), std::make_shared<GrpcEvaluateFinisher>(reactor, wire_response));
  if (!started.ok()) reactor->Finish(started);
  return reactor;
}

grpc::Status DecisionSupportService::StartEvaluation(std::shared_ptr<EvaluateMessages> messages,
                                                     std::chrono::system_clock::time_point deadline,
                                                     std::shared_ptr<EvaluationFinisher> finisher) {
  if (!accepting_.load(std::memory_order_relaxed)) return ShuttingDown();
  cds::v1::EvaluateRequest* request = &messages->request;
  request->set_hook(PluginHookName(request->hook()));
  if (std::vector<FieldViolation> bad = ApplyFhirFields(*request, messages->response); !bad.empty()) {
    return InvalidArgument("EvaluateRequest", bad);
  }

  // Resolve the evaluation instant and date first: validation checks dates against them.
  google::protobuf::Timestamp evaluation_time =
      request->has_evaluation_time() ? request->evaluation_time() : NowTimestamp();
  std::vector<FieldViolation> violations = ValidateEvaluateRequest(*request, context_.limits);
  if (!violations.empty()) return InvalidArgument("EvaluateRequest", violations);
  std::string evaluation_date = request->evaluation_date();
  if (evaluation_date.empty()) {
    const auto days = std::chrono::floor<std::chrono::days>(
        std::chrono::sys_seconds(std::chrono::seconds(evaluation_time.seconds())));
    evaluation_date = cds::sdk::FormatDate(days);
    const auto birth = cds::sdk::ParseDate(request->patient().birth_date());
    if (birth && *birth > days) {
      return InvalidArgument("EvaluateRequest", {{"patient.birth_date", "is after the evaluation date"}});
    }
  }

  auto snapshot = snapshots_.Get();
  ServiceSelection selection = SelectServices(*snapshot, *request, context_.pool->size());
  if (selection.services.empty() && selection.unknown.empty() && request->service_ids_size() == 0) {
    // A hook no enabled service answers (often a typo such as "patient-veiw") is not an empty
    // OK that reads as "nothing to say".
    std::set<std::string> served;
    for (const ConfiguredPlugin& entry : snapshot->plugins()) {
      if (entry.state != PluginState::kLoaded) continue;
      for (const std::string& hook : entry.service->descriptor().hooks()) served.insert(hook);
    }
    std::string list;
    for (const std::string& hook : served) list += (list.empty() ? "" : ", ") + hook;
    return ErrorWithReason(grpc::StatusCode::NOT_FOUND,
                           "hook: no enabled service answers '" + request->hook() + "' (served: " +
                               (list.empty() ? "none" : list) + ")",
                           "NO_SERVICE_FOR_HOOK");
  }
  if (!selection.unknown.empty()) {
    return ErrorWithReason(grpc::StatusCode::NOT_FOUND,
                           selection.unknown.front().field + ": " + selection.unknown.front().description,
                           "UNKNOWN_SERVICE");
  }
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  auto evaluation =
      std::make_shared<Evaluation>(context_, deadline, std::move(messages), std::move(finisher), std::move(snapshot));
  evaluation->Start(std::move(selection.services), evaluation_time, evaluation_date);
  return grpc::Status::OK;
}

grpc::Status DecisionSupportService::StartFeedback(const cds::v1::SubmitFeedbackRequest& request,
                                                   const Caller& caller, FeedbackDone done,
                                                   bool override_needs_reason) {
  if (!accepting_.load(std::memory_order_relaxed)) return ShuttingDown();
  std::vector<FieldViolation> violations = ValidateFeedbackRequest(request, context_.limits, override_needs_reason);
  if (!violations.empty()) return InvalidArgument("SubmitFeedbackRequest", violations);
  if (context_.audit == nullptr) {
    return ErrorWithReason(grpc::StatusCode::FAILED_PRECONDITION,
                           "feedback needs the audit trail, which is not configured", "NO_AUDIT_TRAIL");
  }
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  context_.audit->RecordFeedback(
      request, NowUnixMicros(),
      [this, done = std::move(done)](absl::Status status, int recorded) {
        done(status, recorded);
        in_flight_.fetch_sub(1, std::memory_order_release);
      },
      caller.issuer, caller.subject);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* DecisionSupportService::SubmitFeedback(
    grpc::CallbackServerContext* rpc, const cds::v1::SubmitFeedbackRequest* request,
    cds::v1::SubmitFeedbackResponse* response) {
  if (!accepting_.load(std::memory_order_relaxed)) return FinishNow(rpc, ShuttingDown());
  Caller caller;
  if (grpc::Status denied = CheckCaller(*rpc, &caller); !denied.ok()) return FinishNow(rpc, denied);
  grpc::ServerUnaryReactor* reactor = rpc->DefaultReactor();
  grpc::Status started = StartFeedback(*request, caller, [reactor, response](const absl::Status& status, int recorded) {
    if (status.ok()) response->set_recorded(recorded);
    reactor->Finish(FeedbackStatus(status));
  });
  if (!started.ok()) reactor->Finish(started);
  return reactor;
}

grpc::Status FeedbackStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (absl::IsNotFound(status)) {
    return ErrorWithReason(grpc::StatusCode::NOT_FOUND, std::string(status.message()), "UNKNOWN_CARD");
  }
  if (absl::IsResourceExhausted(status)) {
    return ErrorWithReason(grpc::StatusCode::RESOURCE_EXHAUSTED, std::string(status.message()), "AUDIT_BACKLOG_FULL");
  }
  return ErrorWithReason(grpc::StatusCode::UNAVAILABLE, std::string(status.message()), "AUDIT_WRITE_FAILED");
}

}  // namespace cdsd
