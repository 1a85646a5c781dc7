// Test support: fresh signing keys made with OpenSSL, their JWKS, and JWTs signed with them,
// including the malicious shapes (alg none, HS256 keyed with the public key, bad signatures).
#ifndef CDSD_TESTS_SECURITY_TOKEN_MINTER_H_
#define CDSD_TESTS_SECURITY_TOKEN_MINTER_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/jwks.h"

namespace cdsd::testing {

enum class SigningAlg { kRs384, kEs384 };

class SigningKey {
 public:
  SigningKey(SigningAlg alg, std::string kid);

  const std::string& kid() const { return kid_; }
  // This key's public half as one JWK (with kid).
  nlohmann::json PublicJwk() const;
  std::string PublicPem() const;
  // header.payload.signature, signed with this key; the header gets alg and kid unless the
  // caller set them.
  std::string Sign(nlohmann::json header, const nlohmann::json& claims) const;

 private:
  SigningAlg alg_;
  std::string kid_;
  EvpPkeyPtr key_;
};

// Writes {"keys": [...]} to `path`.
void WriteJwks(const std::filesystem::path& path, const std::vector<const SigningKey*>& keys);

// Claims that pass: iss, sub, aud, iat now, exp now+300, a fresh jti.
nlohmann::json GoodClaims(const std::string& iss, const std::string& aud);
int64_t NowSeconds();

// An HS256 token whose HMAC key is `secret` (the classic key-confusion attack).
std::string SignHs256(const nlohmann::json& header, const nlohmann::json& claims, const std::string& secret);
std::string Unsigned(const nlohmann::json& claims);

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_SECURITY_TOKEN_MINTER_H_
