// One Evaluate call in flight: runs each selected service on the worker pool, enforces each
// service's timeout and the caller's deadline, then merges the answers into one response and
// hands it to the audit trail. A failing, garbage-returning or hung plugin only ever fails its
// own service_results entry.
#ifndef CDSD_HOST_SERVER_EVALUATION_H_
#define CDSD_HOST_SERVER_EVALUATION_H_

#include <cds/v1/decision_support.pb.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_trail.h"
#include "plugin/plugin_snapshot.h"
#include "server/deadline_timer.h"
#include "server/worker_pool.h"

namespace cdsd {

struct EvaluationContext {
  WorkerPool* pool = nullptr;
  DeadlineTimer* timer = nullptr;
  AuditTrail* audit = nullptr;
  int max_stuck_calls = 4;
  // Calls answered later than their handler returned; decremented once each is finished.
  std::atomic<int64_t>* in_flight = nullptr;
};

// A service picked for this call, or one named by the caller that will not run (with why).
struct SelectedService {
  std::string service_id;
  std::shared_ptr<PluginService> service;  // null when skipped
  std::string skip_reason;
};

class Evaluation : public DeadlineTarget, public std::enable_shared_from_this<Evaluation> {
 public:
  using Clock = std::chrono::steady_clock;

  Evaluation(const EvaluationContext& context, grpc::CallbackServerContext* rpc,
             const cds::v1::EvaluateRequest* request, cds::v1::EvaluateResponse* response,
             grpc::ServerUnaryReactor* reactor, std::shared_ptr<const PluginSnapshot> snapshot);

  // `evaluation_time` and `evaluation_date` are already resolved. Finishes the reactor exactly
  // once, possibly before returning.
  void Start(std::vector<SelectedService> services, const google::protobuf::Timestamp& evaluation_time,
             const std::string& evaluation_date);

 private:
  enum SlotState : int { kPending, kWriting, kDone, kAbandoned };
  struct Slot {
    SelectedService selected;
    std::string input;
    std::atomic<int> state{kPending};
    cds::v1::ServiceStatus status = cds::v1::SERVICE_STATUS_UNSPECIFIED;
    std::string message;
    PluginCallResult result;
    Clock::duration elapsed{};
  };

  void RunSlot(Slot& slot);
  void SlotFinished();
  void OnDeadline() override;
  void Complete(bool at_deadline);
  void MergeSlot(Slot& slot, bool at_deadline);

  EvaluationContext context_;
  grpc::CallbackServerContext* rpc_;
  const cds::v1::EvaluateRequest* request_;
  cds::v1::EvaluateResponse* response_;
  grpc::ServerUnaryReactor* reactor_;
  std::shared_ptr<const PluginSnapshot> snapshot_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<int> remaining_{0};
  std::atomic<bool> completed_{false};
  bool deadline_is_callers_ = false;
  Clock::time_point started_;
  int64_t received_unix_micros_ = 0;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_EVALUATION_H_
