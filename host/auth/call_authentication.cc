#include "auth/call_authentication.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>

#include <chrono>

#include "observability/logging.h"

namespace cdsd {
namespace {

constexpr std::string_view kBearer = "bearer ";

grpc::Status Unauthenticated() {
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "authentication required");
}

void LogRefusal(std::string_view reason) {
  LogEvent(LogLevel::kWarn, "auth_refused", {{"reason", std::string(reason)}});
}

}  // namespace

grpc::Status CallAuthenticator::Authenticate(const grpc::ServerContextBase& rpc, Caller* caller) const {
  const auto& metadata = rpc.client_metadata();
  std::vector<std::string_view> values;
  for (auto [it, end] = metadata.equal_range("authorization"); it != end; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  return AuthenticateHeaders(values, caller);
}

grpc::Status CallAuthenticator::AuthenticateHeaders(const std::vector<std::string_view>& authorization, Caller* caller,
                                                    std::string_view endpoint_path) const {
  if (authorization.empty()) {
    LogRefusal("no authorization header");
    return Unauthenticated();
  }
  if (authorization.size() > 1) {
    LogRefusal("more than one authorization header");
    return Unauthenticated();
  }
  const std::string_view value = authorization.front();
  if (value.size() <= kBearer.size() || !absl::EqualsIgnoreCase(std::string(value.substr(0, kBearer.size())), std::string(kBearer))) {
    LogRefusal("not a bearer token");
    return Unauthenticated();
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::string endpoint;
  if (!endpoint_path.empty()) {
    endpoint = verifier_->audience();
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    endpoint += endpoint_path;
  }
  auto verified = verifier_->Verify(value.substr(kBearer.size()), now, endpoint);
  if (!verified.ok()) {
    LogRefusal(std::string(verified.status().message()));
    return Unauthenticated();
  }
  *caller = *std::move(verified);
  return grpc::Status::OK;
}

bool IsLoopbackAddress(const std::string& listen_address) {
  if (absl::StartsWith(listen_address, "unix:")) return true;
  const std::string host = listen_address.substr(0, listen_address.rfind(':'));
  return absl::StartsWith(host, "127.") || host == "[::1]" || absl::AsciiStrToLower(host) == "localhost";
}

absl::StatusOr<std::unique_ptr<CallAuthenticator>> AuthenticatorFor(const Config& config) {
  const bool loopback = IsLoopbackAddress(config.listen_address);
  if (!loopback && !config.tls && !config.allow_insecure) {
    return absl::FailedPreconditionError("refusing plaintext gRPC on " + config.listen_address +
                                         ": configure tls, or set allow_insecure: true");
  }
  if (!config.auth) {
    if (loopback) return std::unique_ptr<CallAuthenticator>();
    return absl::FailedPreconditionError("refusing to serve " + config.listen_address +
                                         " without caller authentication: configure auth, or set auth.required: false");
  }
  if (!config.auth->required) {
    LogEvent(LogLevel::kWarn, "auth_disabled", {{"listen", config.listen_address}});
    return std::unique_ptr<CallAuthenticator>();
  }
  auto verifier = JwtVerifier::Create(*config.auth);
  if (!verifier.ok()) return verifier.status();
  return std::make_unique<CallAuthenticator>(*std::move(verifier));
}

}  // namespace cdsd
