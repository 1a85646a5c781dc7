#include "auth/jwt_verifier.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "auth/base64url.h"

namespace cdsd {
namespace {

// Far above any real CDS Hooks token (a few hundred bytes), low enough that parsing is cheap.
constexpr size_t kMaxTokenBytes = 8192;
constexpr size_t kEs384SignatureBytes = 96;

absl::Status Refused(const char* reason) { return absl::UnauthenticatedError(reason); }

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

// JOSE carries ES384 signatures as R||S (48 bytes each); OpenSSL verifies DER.
std::optional<std::string> RawEcdsaToDer(const std::string& raw) {
  if (raw.size() != kEs384SignatureBytes) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, 48, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 48, 48, nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

bool SignatureValid(const PublicKey& key, std::string_view signed_part, const std::string& signature) {
  std::string der;
  const std::string* sig = &signature;
  if (key.type == KeyType::kEcP384) {
    auto converted = RawEcdsaToDer(signature);
    if (!converted) return false;
    der = std::move(*converted);
    sig = &der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key.key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::optional<nlohmann::json> JsonObject(std::string_view segment) {
  auto text = DecodeBase64Url(segment);
  if (!text) return std::nullopt;
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

std::optional<int64_t> IntClaim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  return static_cast<int64_t>(it->get<double>());
}

bool AudienceMatches(const nlohmann::json& claims, const std::string& audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return *it == audience;
  if (!it->is_array()) return false;
  for (const auto& a : *it) {
    if (a.is_string() && a == audience) return true;
  }
  return false;
}

std::string StringClaim(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(const AuthConfig& config) {
  std::unique_ptr<JwtVerifier> verifier(new JwtVerifier(config));
  for (const AuthIssuer& issuer : config.issuers) {
    auto keys = KeySet::LoadFile(issuer.jwks_file);
    if (!keys.ok()) return absl::FailedPreconditionError("auth issuer '" + issuer.iss + "': " + std::string(keys.status().message()));
    verifier->issuers_.emplace(issuer.iss, *std::move(keys));
  }
  return verifier;
}

absl::StatusOr<Caller> JwtVerifier::Verify(std::string_view token, int64_t now, std::string_view endpoint_audience) {
  if (token.empty() || token.size() > kMaxTokenBytes) return Refused("malformed");
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refused("malformed");
  }
  auto header = JsonObject(token.substr(0, first));
  auto claims = JsonObject(token.substr(first + 1, second - first - 1));
  auto signature = DecodeBase64Url(token.substr(second + 1));
  if (!header || !claims || !signature) return Refused("malformed");

  // The algorithm is fixed by the key type, never chosen by the token: this is what stops
  // "alg":"none" and HS256-with-the-public-key tokens.
  const std::string alg = StringClaim(*header, "alg");
  if (alg != "RS384" && alg != "ES384") return Refused("algorithm not allowed");
  auto issuer = issuers_.find(StringClaim(*claims, "iss"));
  if (issuer == issuers_.end()) return Refused("unknown issuer");
  const PublicKey* key = issuer->second.Find(StringClaim(*header, "kid"));
  if (key == nullptr) return Refused("unknown kid");
  const KeyType wanted = alg == "RS384" ? KeyType::kRsa : KeyType::kEcP384;
  if (key->type != wanted) return Refused("algorithm does not match the key");
  if (!SignatureValid(*key, token.substr(0, second), *signature)) return Refused("bad signature");

  // Claims are read only once the signature holds.
  if (!AudienceMatches(*claims, config_.audience) &&
      (endpoint_audience.empty() || !AudienceMatches(*claims, std::string(endpoint_audience)))) {
    return Refused("wrong audience");
  }
  const int64_t skew = config_.clock_skew_seconds;
  const auto exp = IntClaim(*claims, "exp");
  const auto iat = IntClaim(*claims, "iat");
  if (!exp || !iat) return Refused("exp or iat missing");
  if (*exp + skew < now) return Refused("expired");
  if (*iat - skew > now) return Refused("issued in the future");
  if (const auto nbf = IntClaim(*claims, "nbf"); nbf && *nbf - skew > now) return Refused("not yet valid");
  if (*exp - *iat > config_.max_token_lifetime_seconds) return Refused("lifetime too long");
  const std::string jti = StringClaim(*claims, "jti");
  const std::string sub = StringClaim(*claims, "sub");
  if (jti.empty() || sub.empty()) return Refused("jti or sub missing");
  switch (replay_.Remember(issuer->first + '\n' + jti, *exp + skew, now)) {
    case ReplayCache::Outcome::kFirstUse: break;
    case ReplayCache::Outcome::kReplayed: return Refused("replayed jti");
    case ReplayCache::Outcome::kFull: return Refused("jti cache full");
  }
  return Caller{issuer->first, sub};
}

}  // namespace cdsd
