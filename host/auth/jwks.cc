#include "auth/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "auth/base64url.h"

namespace cdsd {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

absl::StatusOr<std::string> Member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return absl::InvalidArgumentError(std::string("missing ") + name);
  auto bytes = DecodeBase64Url(it->get<std::string>());
  if (!bytes || bytes->empty()) return absl::InvalidArgumentError(std::string(name) + " is not base64url");
  return *bytes;
}

absl::StatusOr<EvpPkeyPtr> FromParams(const char* algorithm, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return absl::InvalidArgumentError("OpenSSL refused the key");
  }
  return EvpPkeyPtr(key);
}

absl::StatusOr<EvpPkeyPtr> RsaKey(const nlohmann::json& jwk) {
  auto n = Member(jwk, "n");
  if (!n.ok()) return n.status();
  auto e = Member(jwk, "e");
  if (!e.ok()) return e.status();
  // RS384 with keys under 2048 bits is forgeable in practice; refuse them at load.
  if (n->size() < 256) return absl::InvalidArgumentError("RSA modulus shorter than 2048 bits");
  std::unique_ptr<BIGNUM, BnFree> bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr));
  std::unique_ptr<BIGNUM, BnFree> bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), e->size(), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return absl::InternalError("OpenSSL allocation failed");
  }
  return FromParams("RSA", bld.get());
}

absl::StatusOr<EvpPkeyPtr> EcP384Key(const nlohmann::json& jwk) {
  auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "P-384") return absl::InvalidArgumentError("EC key is not on curve P-384");
  auto x = Member(jwk, "x");
  if (!x.ok()) return x.status();
  auto y = Member(jwk, "y");
  if (!y.ok()) return y.status();
  if (x->size() != 48 || y->size() != 48) return absl::InvalidArgumentError("P-384 x and y must be 48 bytes");
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
    return absl::InternalError("OpenSSL allocation failed");
  }
  return FromParams("EC", bld.get());
}

}  // namespace

absl::StatusOr<KeySet> KeySet::Parse(const std::string& json_text) {
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError("not a JWKS: expected an object with a \"keys\" array");
  }
  KeySet set;
  for (size_t i = 0; i < doc["keys"].size(); ++i) {
    const nlohmann::json& jwk = doc["keys"][i];
    const std::string where = "keys[" + std::to_string(i) + "]: ";
    if (!jwk.is_object() || !jwk.contains("kid") || !jwk["kid"].is_string() || jwk["kid"].get<std::string>().empty()) {
      return absl::InvalidArgumentError(where + "every key needs a kid");
    }
    const std::string kid = jwk["kid"].get<std::string>();
    if (jwk.contains("use") && jwk["use"] != "sig") return absl::InvalidArgumentError(where + "key is not for signatures");
    const std::string kty = jwk.value("kty", "");
    PublicKey key;
    absl::StatusOr<EvpPkeyPtr> made = absl::InvalidArgumentError("kty must be RSA or EC");
    if (kty == "RSA") {
      key.type = KeyType::kRsa;
      made = RsaKey(jwk);
    } else if (kty == "EC") {
      key.type = KeyType::kEcP384;
      made = EcP384Key(jwk);
    }
    if (!made.ok()) return absl::InvalidArgumentError(where + std::string(made.status().message()));
    key.key = *std::move(made);
    if (!set.keys_.emplace(kid, std::move(key)).second) {
      return absl::InvalidArgumentError(where + "kid '" + kid + "' appears twice");
    }
  }
  if (set.keys_.empty()) return absl::InvalidArgumentError("the JWKS has no keys");
  return set;
}

absl::StatusOr<KeySet> KeySet::LoadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read JWKS file " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  auto set = Parse(text.str());
  if (!set.ok()) return absl::InvalidArgumentError(path.string() + ": " + std::string(set.status().message()));
  return set;
}

const PublicKey* KeySet::Find(const std::string& kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace cdsd
