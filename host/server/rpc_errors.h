// gRPC statuses with google.rpc error details (BadRequest field violations, ErrorInfo), encoded
// the standard way (grpc-status-details-bin) so stock clients can read them.
#ifndef CDSD_HOST_SERVER_RPC_ERRORS_H_
#define CDSD_HOST_SERVER_RPC_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "server/request_validation.h"

namespace cdsd {

inline constexpr const char* kErrorDomain = "cdsd.dev";

// At most this many field violations are carried ("first 20 of 213"), so the status fits in the
// trailers whatever the request.
inline constexpr size_t kMaxFieldViolations = 20;

// INVALID_ARGUMENT naming the violations, with google.rpc.BadRequest and ErrorInfo details.
grpc::Status InvalidArgument(const std::string& what, const std::vector<FieldViolation>& violations);

// Any code, with an ErrorInfo reason (UPPER_SNAKE_CASE) in the details.
grpc::Status ErrorWithReason(grpc::StatusCode code, const std::string& message,
                             const std::string& reason);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_RPC_ERRORS_H_
