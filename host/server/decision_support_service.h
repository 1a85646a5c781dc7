// cds.v1.DecisionSupport on the gRPC callback API. Each handler reads as the steps of its
// request: check → pick services → run them (Evaluation) → merge → audit → reply.
#ifndef CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_
#define CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_

#include <cds/v1/decision_support.grpc.pb.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "auth/call_authentication.h"
#include "plugin/current_snapshot.h"
#include "server/evaluation.h"
#include "server/request_validation.h"

namespace cdsd {

// Evaluate takes the raw request bytes, so bytes that are not an EvaluateRequest get
// INVALID_ARGUMENT with a message (gRPC's own decoding would answer without one).
class DecisionSupportService final
    : public cds::v1::DecisionSupport::WithRawCallbackMethod_Evaluate<cds::v1::DecisionSupport::CallbackService> {
 public:
  DecisionSupportService(const CurrentSnapshot& snapshots, EvaluationContext context)
      : snapshots_(snapshots), context_(context) {
    context_.in_flight = &in_flight_;
  }

  // From here on every call must carry a valid bearer token; nullptr leaves calls
  // unauthenticated (loopback, or auth.required: false). Not owned; outlives the service.
  void RequireAuthentication(const CallAuthenticator* authenticator) { authenticator_ = authenticator; }

  // After this, new calls get UNAVAILABLE (in-flight ones finish).
  void StopAccepting() { accepting_.store(false); }
  // Evaluate and SubmitFeedback calls accepted and not yet finished.
  int64_t in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // The transport-free pipeline the gRPC and CDS Hooks doors share: map FHIR input, validate,
  // resolve the evaluation date, pick services, run them, audit. Not OK: refused before
  // anything ran (the finisher is never called). OK: the finisher is called exactly once.
  // `deadline` is system_clock::time_point::max() when the caller set none.
  grpc::Status StartEvaluation(std::shared_ptr<EvaluateMessages> messages,
                               std::chrono::system_clock::time_point deadline,
                               std::shared_ptr<EvaluationFinisher> finisher);
  // Validates and records feedback. Not OK: refused (done is never called). OK: `done` is
  // called once with the audit trail's answer and the number of entries recorded.
  using FeedbackDone = std::function<void(const absl::Status& status, int recorded)>;
  grpc::Status StartFeedback(const cds::v1::SubmitFeedbackRequest& request, const Caller& caller, FeedbackDone done,
                             bool override_needs_reason = true);
  // The loaded services, all or those answering `hook`.
  std::vector<cds::v1::ServiceDescriptor> Services(const std::string& hook) const;
  bool accepting() const { return accepting_.load(std::memory_order_relaxed); }
  const InputLimits& limits() const { return context_.limits; }

  grpc::ServerUnaryReactor* ListServices(grpc::CallbackServerContext* rpc,
                                         const cds::v1::ListServicesRequest* request,
                                         cds::v1::ListServicesResponse* response) override;
  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* rpc, const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SubmitFeedback(grpc::CallbackServerContext* rpc,
                                           const cds::v1::SubmitFeedbackRequest* request,
                                           cds::v1::SubmitFeedbackResponse* response) override;

 private:

  // OK when authentication is off or the caller proved who it is.
  grpc::Status CheckCaller(const grpc::CallbackServerContext& rpc, Caller* caller) const;

  const CurrentSnapshot& snapshots_;
  EvaluationContext context_;
  const CallAuthenticator* authenticator_ = nullptr;
  std::atomic<bool> accepting_{true};
  std::atomic<int64_t> in_flight_{0};
};

// Which services run for a request: the named ones (unknown id → error), or every loaded
// service answering the hook. Named services that cannot run come back with a skip reason.
// A service is quarantined (skipped) while max_stuck_calls of its calls, or all its permits,
// are held by calls abandoned inside the plugin: a new call could not start anyway.
struct ServiceSelection {
  std::vector<SelectedService> services;
  std::vector<FieldViolation> unknown;  // service_ids not in the config at all
};
// The status a SubmitFeedback answers for the audit trail's result.
grpc::Status FeedbackStatus(const absl::Status& status);

ServiceSelection SelectServices(const PluginSnapshot& snapshot, const cds::v1::EvaluateRequest& request,
                                int pool_threads);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_
