// cds.v1.DecisionSupport on the gRPC callback API. Each handler reads as the steps of its
// request: check → pick services → run them (Evaluation) → merge → audit → reply.
#ifndef CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_
#define CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_

#include <cds/v1/decision_support.grpc.pb.h>

#include <atomic>

#include "plugin/current_snapshot.h"
#include "server/evaluation.h"
#include "server/request_validation.h"

namespace cdsd {

class DecisionSupportService final : public cds::v1::DecisionSupport::CallbackService {
 public:
  DecisionSupportService(const CurrentSnapshot& snapshots, EvaluationContext context)
      : snapshots_(snapshots), context_(context) {}

  // After this, new calls get UNAVAILABLE (in-flight ones finish).
  void StopAccepting() { accepting_.store(false); }

  grpc::ServerUnaryReactor* ListServices(grpc::CallbackServerContext* rpc,
                                         const cds::v1::ListServicesRequest* request,
                                         cds::v1::ListServicesResponse* response) override;
  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* rpc,
                                     const cds::v1::EvaluateRequest* request,
                                     cds::v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* SubmitFeedback(grpc::CallbackServerContext* rpc,
                                           const cds::v1::SubmitFeedbackRequest* request,
                                           cds::v1::SubmitFeedbackResponse* response) override;

 private:
  const CurrentSnapshot& snapshots_;
  EvaluationContext context_;
  std::atomic<bool> accepting_{true};
};

// Which services run for a request: the named ones (unknown id → error), or every loaded
// service answering the hook. Named services that cannot run come back with a skip reason.
struct ServiceSelection {
  std::vector<SelectedService> services;
  std::vector<FieldViolation> unknown;  // service_ids not in the config at all
};
ServiceSelection SelectServices(const PluginSnapshot& snapshot, const cds::v1::EvaluateRequest& request,
                                int max_stuck_calls);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_DECISION_SUPPORT_SERVICE_H_
