#include "server/audited_finish.h"

#include "observability/logging.h"
#include "server/rpc_errors.h"

namespace cdsd {

void FinishAudited(EvaluationFinisher& finisher, const EvaluateMessages& messages, const absl::Status& audit_status) {
  const std::string& evaluation_id = messages.response.evaluation_id();
  if (audit_status.ok()) {
    finisher.Finish(grpc::Status::OK, messages);
  } else if (absl::IsResourceExhausted(audit_status)) {
    LogEvent(LogLevel::kError, "audit_backlog_full", {{"evaluation_id", evaluation_id}});
    finisher.Finish(ErrorWithReason(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                    "the audit trail is not keeping up; advice is not given "
                                    "without an audit record. Retry shortly.",
                                    "AUDIT_BACKLOG_FULL"),
                    messages);
  } else {
    LogEvent(LogLevel::kError, "audit_record_not_written", {{"evaluation_id", evaluation_id}});
    finisher.Finish(ErrorWithReason(grpc::StatusCode::UNAVAILABLE,
                                    "the audit record could not be written; advice is not given "
                                    "without an audit record",
                                    "AUDIT_WRITE_FAILED"),
                    messages);
  }
}

}  // namespace cdsd
