// The gRPC side of caller authentication: reads `authorization: Bearer <JWT>` from a call's
// metadata and answers UNAUTHENTICATED with one generic message for every failure, so a caller
// learns nothing about why. Also the start-up rule for which transports may serve without it.
#ifndef CDSD_HOST_AUTH_CALL_AUTHENTICATION_H_
#define CDSD_HOST_AUTH_CALL_AUTHENTICATION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "auth/jwt_verifier.h"
#include "config/config.h"

namespace cdsd {

class CallAuthenticator {
 public:
  explicit CallAuthenticator(std::unique_ptr<JwtVerifier> verifier) : verifier_(std::move(verifier)) {}

  // OK and the caller, or UNAUTHENTICATED. The reason goes to the log only; the token never.
  grpc::Status Authenticate(const grpc::ServerContextBase& rpc, Caller* caller) const;
  // The same check on the values of a request's Authorization headers (the CDS Hooks REST door).
  // `endpoint_path` (e.g. "/cds-services/x") appended to auth.audience is accepted as aud too.
  grpc::Status AuthenticateHeaders(const std::vector<std::string_view>& authorization, Caller* caller,
                                   std::string_view endpoint_path = {}) const;

 private:
  std::unique_ptr<JwtVerifier> verifier_;
};

// True for 127.0.0.0/8, ::1, localhost and unix: sockets: addresses no other machine reaches.
bool IsLoopbackAddress(const std::string& listen_address);

// Refuses to serve a non-loopback address without authentication (unless `auth.required:
// false` is written explicitly) or in plaintext (unless `allow_insecure: true`). Returns the
// authenticator to use, or nullptr when authentication is off.
absl::StatusOr<std::unique_ptr<CallAuthenticator>> AuthenticatorFor(const Config& config);

}  // namespace cdsd

#endif  // CDSD_HOST_AUTH_CALL_AUTHENTICATION_H_
