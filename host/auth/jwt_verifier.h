// Checks the bearer JWT an EHR sends with each call, as CDS Hooks 2.0 specifies: signed with
// RS384 or ES384 by a key of an allowlisted issuer (found by kid in that issuer's JWKS), aud
// equal to this service's URL, within exp/iat/nbf give or take the clock skew, jti used once.
#ifndef CDSD_HOST_AUTH_JWT_VERIFIER_H_
#define CDSD_HOST_AUTH_JWT_VERIFIER_H_

#include <absl/status/statusor.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/jwks.h"
#include "auth/replay_cache.h"
#include "config/config.h"

namespace cdsd {

// Who made an authenticated call: for the audit record and for feedback ownership.
struct Caller {
  std::string issuer;
  std::string subject;
};

class JwtVerifier {
 public:
  // Loads every issuer's JWKS file; any unreadable or invalid key set fails the whole start.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(const AuthConfig& config);

  // UNAUTHENTICATED with a short reason for the server's log (never sent to the caller, never
  // containing the token) or the caller. `now` is unix seconds. `endpoint_audience`, when not
  // empty, is accepted as aud too: CDS Hooks REST clients name the service endpoint they call.
  absl::StatusOr<Caller> Verify(std::string_view token, int64_t now, std::string_view endpoint_audience = {});
  const std::string& audience() const { return config_.audience; }

 private:
  JwtVerifier(const AuthConfig& config) : config_(config), replay_(config.jti_cache_size) {}

  AuthConfig config_;
  std::map<std::string, KeySet> issuers_;
  ReplayCache replay_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUTH_JWT_VERIFIER_H_
