#include "server/audited_finish.h"

#include "observability/logging.h"
#include "server/rpc_errors.h"

namespace cdsd {

void FinishAudited(grpc::ServerUnaryReactor* reactor, std::atomic<int64_t>* in_flight,
                   const std::string& evaluation_id, const absl::Status& audit_status) {
  if (audit_status.ok()) {
    reactor->Finish(grpc::Status::OK);
  } else if (absl::IsResourceExhausted(audit_status)) {
    LogEvent(LogLevel::kError, "audit_backlog_full", {{"evaluation_id", evaluation_id}});
    reactor->Finish(ErrorWithReason(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                    "the audit trail is not keeping up; advice is not given "
                                    "without an audit record. Retry shortly.",
                                    "AUDIT_BACKLOG_FULL"));
  } else {
    LogEvent(LogLevel::kError, "audit_record_not_written", {{"evaluation_id", evaluation_id}});
    reactor->Finish(ErrorWithReason(grpc::StatusCode::UNAVAILABLE,
                                    "the audit record could not be written; advice is not given "
                                    "without an audit record",
                                    "AUDIT_WRITE_FAILED"));
  }
  in_flight->fetch_sub(1, std::memory_order_release);
}

}  // namespace cdsd
