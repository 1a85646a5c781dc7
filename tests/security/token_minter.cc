#include "security/token_minter.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "auth/base64url.h"

namespace cdsd::testing {
namespace {

std::string BnBytes(const EVP_PKEY* key, const char* name, int pad_to) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) throw std::runtime_error("no key parameter");
  std::string out(pad_to > 0 ? pad_to : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), out.size());
  BN_free(bn);
  return out;
}

std::string Encode(const nlohmann::json& j) { return EncodeBase64Url(j.dump()); }

}  // namespace

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

SigningKey::SigningKey(SigningAlg alg, std::string kid) : alg_(alg), kid_(std::move(kid)) {
  EVP_PKEY* key = alg == SigningAlg::kRs384 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                            : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  if (key == nullptr) throw std::runtime_error("key generation failed");
  key_.reset(key);
}

nlohmann::json SigningKey::PublicJwk() const {
  if (alg_ == SigningAlg::kRs384) {
    return {{"kty", "RSA"}, {"kid", kid_}, {"use", "sig"}, {"alg", "RS384"},
            {"n", EncodeBase64Url(BnBytes(key_.get(), OSSL_PKEY_PARAM_RSA_N, 0))},
            {"e", EncodeBase64Url(BnBytes(key_.get(), OSSL_PKEY_PARAM_RSA_E, 0))}};
  }
  return {{"kty", "EC"}, {"kid", kid_}, {"crv", "P-384"}, {"alg", "ES384"},
          {"x", EncodeBase64Url(BnBytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 48))},
          {"y", EncodeBase64Url(BnBytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 48))}};
}

std::string SigningKey::PublicPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key_.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

std::string SigningKey::Sign(nlohmann::json header, const nlohmann::json& claims) const {
  if (!header.contains("alg")) header["alg"] = alg_ == SigningAlg::kRs384 ? "RS384" : "ES384";
  if (!header.contains("kid")) header["kid"] = kid_;
  if (!header.contains("typ")) header["typ"] = "JWT";
  const std::string input = Encode(header) + "." + Encode(claims);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha384(), nullptr, key_.get());
  EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  signature.resize(length);
  if (alg_ == SigningAlg::kEs384) {
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, signature.size());
    std::string raw(96, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 48);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 48, 48);
    ECDSA_SIG_free(sig);
    signature = raw;
  }
  return input + "." + EncodeBase64Url(signature);
}

void WriteJwks(const std::filesystem::path& path, const std::vector<const SigningKey*>& keys) {
  nlohmann::json jwks = {{"keys", nlohmann::json::array()}};
  for (const SigningKey* k : keys) jwks["keys"].push_back(k->PublicJwk());
  std::ofstream(path) << jwks.dump(2);
}

nlohmann::json GoodClaims(const std::string& iss, const std::string& aud) {
  unsigned char random[16];
  RAND_bytes(random, sizeof random);
  const int64_t now = NowSeconds();
  return {{"iss", iss}, {"sub", "ehr-client-7"}, {"aud", aud}, {"iat", now}, {"exp", now + 300},
          {"jti", EncodeBase64Url(std::string(reinterpret_cast<char*>(random), sizeof random))}};
}

std::string SignHs256(const nlohmann::json& header, const nlohmann::json& claims, const std::string& secret) {
  const std::string input = Encode(header) + "." + Encode(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac, &length);
  return input + "." + EncodeBase64Url(std::string(reinterpret_cast<char*>(mac), length));
}

std::string Unsigned(const nlohmann::json& claims) {
  return Encode({{"alg", "none"}, {"typ", "JWT"}}) + "." + Encode(claims) + ".";
}

}  // namespace cdsd::testing
