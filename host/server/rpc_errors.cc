#include "server/rpc_errors.h"

#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

namespace cdsd {
namespace {

grpc::Status WithDetails(grpc::StatusCode code, const std::string& message,
                         const google::rpc::ErrorInfo& info, const google::rpc::BadRequest* bad) {
  google::rpc::Status status;
  status.set_code(code);
  status.set_message(message);
  status.add_details()->PackFrom(info);
  if (bad) status.add_details()->PackFrom(*bad);
  return grpc::Status(code, message, status.SerializeAsString());
}

}  // namespace

grpc::Status InvalidArgument(const std::string& what, const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad;
  std::string message = "invalid " + what + ": ";
  for (size_t i = 0; i < violations.size(); ++i) {
    auto* v = bad.add_field_violations();
    v->set_field(violations[i].field);
    v->set_description(violations[i].description);
    if (i < 5) message += (i ? "; " : "") + violations[i].field + ": " + violations[i].description;
  }
  if (violations.size() > 5) message += "; and " + std::to_string(violations.size() - 5) + " more";
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_REQUEST");
  info.set_domain(kErrorDomain);
  return WithDetails(grpc::StatusCode::INVALID_ARGUMENT, message, info, &bad);
}

grpc::Status ErrorWithReason(grpc::StatusCode code, const std::string& message,
                             const std::string& reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain(kErrorDomain);
  return WithDetails(code, message, info, nullptr);
}

}  // namespace cdsd
