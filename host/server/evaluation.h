// One Evaluate call in flight: one ServiceCall per selected service, each with its own deadline
// (the lesser of the service's timeout and the caller's deadline less a margin), run on the
// worker pool's lane of that service. The response is due when every call is answered or past
// its own deadline; it is then merged, audited and sent. A failing, garbage-returning or hung
// plugin only ever fails its own service_results entry.
#ifndef CDSD_HOST_SERVER_EVALUATION_H_
#define CDSD_HOST_SERVER_EVALUATION_H_

#include <cds/v1/decision_support.pb.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_trail.h"
#include "auth/jwt_verifier.h"
#include "plugin/plugin_snapshot.h"
#include "server/completion_executor.h"
#include "server/deadline_timer.h"
#include "server/service_call.h"
#include "server/worker_pool.h"

namespace cdsd {

struct EvaluationContext {
  WorkerPool* pool = nullptr;
  DeadlineTimer* timer = nullptr;
  CompletionExecutor* completions = nullptr;
  AuditTrail* audit = nullptr;
  // Calls answered later than their handler returned; decremented once each is finished.
  std::atomic<int64_t>* in_flight = nullptr;
  InputLimits limits;
};

// The decoded request and the response being built, kept together until the reply is sent.
struct EvaluateMessages {
  cds::v1::EvaluateRequest request;
  cds::v1::EvaluateResponse response;
  Caller caller;  // the authenticated client; empty when authentication is off
};

// The transport's end of one evaluation (the gRPC reactor, a CDS Hooks HTTP exchange): how the
// answer leaves. The evaluation itself knows nothing of the wire.
class EvaluationFinisher {
 public:
  virtual ~EvaluationFinisher() = default;
  // Called exactly once per started evaluation, on any thread (a worker, the timer's completion
  // thread or the audit writer), and must not block. With OK, `messages.response` is complete
  // and its audit record settled; otherwise the status says why there is no answer.
  virtual void Finish(const grpc::Status& status, const EvaluateMessages& messages) = 0;
};

// A service picked for this call, or one named by the caller that will not run (with why).
struct SelectedService {
  std::string service_id;
  std::shared_ptr<PluginService> service;  // null when skipped
  std::string skip_reason;
  int permits = 1;                          // its lane's limit in the worker pool
  size_t max_output_bytes = 1 << 20;
};

// Bulkhead permits of a service: its max_concurrent_calls, or half the pool (at least 1).
int PermitsFor(const PluginConfig& config, int pool_threads);

// When each call of an evaluation is due. The margin before the caller's deadline (time to
// merge, audit and send) is 5 ms, or a fifth of the time left when that is shorter, so a
// deadline under 5 ms still leaves the plugins most of it.
struct CallDeadlines {
  using Clock = std::chrono::steady_clock;
  Clock::time_point callers;  // Clock::time_point::max() when the caller set none
  Clock::time_point For(Clock::time_point start, std::chrono::milliseconds timeout) const {
    return std::min(callers, start + timeout);
  }
  bool IsCallers(Clock::time_point start, std::chrono::milliseconds timeout) const {
    return callers < start + timeout;
  }
};
CallDeadlines DeadlinesFor(std::chrono::steady_clock::time_point now,
                           std::optional<std::chrono::steady_clock::duration> caller_time_left);

class Evaluation : public std::enable_shared_from_this<Evaluation> {
 public:
  using Clock = std::chrono::steady_clock;

  // `caller_deadline` is system_clock::time_point::max() when the caller set none.
  Evaluation(const EvaluationContext& context, std::chrono::system_clock::time_point caller_deadline,
             std::shared_ptr<EvaluateMessages> messages, std::shared_ptr<EvaluationFinisher> finisher,
             std::shared_ptr<const PluginSnapshot> snapshot);

  // `evaluation_time` and `evaluation_date` are already resolved. Calls the finisher exactly
  // once, possibly before returning: with RESOURCE_EXHAUSTED (and retry advice) when a selected
  // service's queue cannot finish this call before its deadline.
  void Start(std::vector<SelectedService> services, const google::protobuf::Timestamp& evaluation_time,
             const std::string& evaluation_date);

 private:
  struct Slot {
    SelectedService selected;
    std::shared_ptr<ServiceCall> call;  // null when skipped
    bool deadline_is_callers = false;
    std::chrono::milliseconds budget{0};
  };

  // The expected wait before a new call of this lane could start, or nullopt when it can
  // start before `deadline`.
  std::optional<Clock::duration> Overloaded(const Slot& slot, Clock::time_point now) const;
  void CallSettled(const ServiceCall& call);
  void Complete();
  void MergeSlot(Slot& slot);
  void FinishNow(const grpc::Status& status);

  EvaluationContext context_;
  std::chrono::system_clock::time_point caller_deadline_;
  std::shared_ptr<EvaluateMessages> messages_;
  const cds::v1::EvaluateRequest* request_;
  cds::v1::EvaluateResponse* response_;
  std::shared_ptr<EvaluationFinisher> finisher_;
  std::shared_ptr<const PluginSnapshot> snapshot_;
  std::vector<Slot> slots_;
  std::atomic<int> remaining_{0};
  Clock::time_point started_;
  int64_t received_unix_micros_ = 0;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_EVALUATION_H_
