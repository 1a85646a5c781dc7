// Finishes an Evaluate call once its audit record is settled: OK only with a record (committed
// in sync durability, queued in async), RESOURCE_EXHAUSTED when the audit queue is full and
// UNAVAILABLE when the record could not be written. No advice leaves without a record.
#ifndef CDSD_HOST_SERVER_AUDITED_FINISH_H_
#define CDSD_HOST_SERVER_AUDITED_FINISH_H_

#include <absl/status/status.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace cdsd {

void FinishAudited(grpc::ServerUnaryReactor* reactor, std::atomic<int64_t>* in_flight,
                   const std::string& evaluation_id, const absl::Status& audit_status);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_AUDITED_FINISH_H_
