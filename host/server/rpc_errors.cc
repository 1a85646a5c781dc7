#include "server/rpc_errors.h"

#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

#include <algorithm>

#include "plugin/utf8_text.h"

namespace cdsd {
namespace {

constexpr size_t kMaxViolationText = 120;

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
  const size_t total = violations.size();
  const size_t carried = std::min(total, kMaxFieldViolations);
  std::string message = "invalid " + what;
  if (carried < total) message += " (first " + std::to_string(carried) + " of " + std::to_string(total) + " problems)";
  message += ": ";
  // Both the details and the message are bounded, so the status always fits in the trailers.
  auto bounded = [](const std::string& text) {
    return text.size() <= kMaxViolationText ? text : ValidUtf8(text, kMaxViolationText);
  };
  for (size_t i = 0; i < carried; ++i) {
    auto* v = bad.add_field_violations();
    v->set_field(bounded(violations[i].field));
    v->set_description(bounded(violations[i].description));
    if (i < 5) message += (i ? "; " : "") + v->field() + ": " + v->description();
  }
  if (total > 5) message += "; and " + std::to_string(total - 5) + " more";
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
