// A JSON Web Key Set (RFC 7517) of public keys for one issuer: RSA keys (n, e) and EC P-384
// keys (x, y), turned into OpenSSL EVP_PKEYs once, at load, and found by `kid`.
#ifndef CDSD_HOST_AUTH_JWKS_H_
#define CDSD_HOST_AUTH_JWKS_H_

#include <absl/status/statusor.h>
#include <openssl/evp.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace cdsd {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

enum class KeyType { kRsa, kEcP384 };

struct PublicKey {
  KeyType type;
  EvpPkeyPtr key;
};

class KeySet {
 public:
  // Keys without a kid, of another type or curve, or meant only for encryption ("use": "enc")
  // are refused rather than skipped: a JWKS the operator configured should load entirely.
  static absl::StatusOr<KeySet> Parse(const std::string& json_text);
  static absl::StatusOr<KeySet> LoadFile(const std::filesystem::path& path);

  const PublicKey* Find(const std::string& kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, PublicKey> keys_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUTH_JWKS_H_
