#include "security/test_certificates.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>

namespace cdsd::testing {
namespace {

std::atomic<long> serial{1};

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) throw std::runtime_error("EC key generation failed");
  return key;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

std::string CertificatePem(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

void AddExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (!extension) throw std::runtime_error("bad certificate extension");
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

X509* Build(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, long from, long to) {
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial.fetch_add(1));
  X509_gmtime_adj(X509_getm_notBefore(certificate), from);
  X509_gmtime_adj(X509_getm_notAfter(certificate), to);
  X509_set_pubkey(certificate, key);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer) : name);
  return certificate;
}

}  // namespace

struct TestCa::Key {
  EVP_PKEY* key = nullptr;
};

TestCa::TestCa(const std::string& name) : key_(std::make_unique<Key>()) {
  key_->key = NewKey();
  X509* certificate = Build(name, key_->key, nullptr, key_->key, -7200, 10 * 86400);
  AddExtension(certificate, certificate, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(certificate, certificate, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(certificate, certificate, NID_subject_key_identifier, "hash");
  X509_sign(certificate, key_->key, EVP_sha256());
  certificate_ = certificate;
  pem_ = {CertificatePem(certificate), KeyPem(key_->key)};
}

TestCa::~TestCa() {
  X509_free(static_cast<X509*>(certificate_));
  EVP_PKEY_free(key_->key);
}

Pem TestCa::Issue(const std::string& common_name, bool server, long from_seconds, long to_seconds) const {
  X509* issuer = static_cast<X509*>(certificate_);
  EVP_PKEY* key = NewKey();
  X509* certificate = Build(common_name, key, issuer, key_->key, from_seconds, to_seconds);
  AddExtension(certificate, issuer, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(certificate, issuer, NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
  AddExtension(certificate, issuer, NID_authority_key_identifier, "keyid:always");
  if (server) AddExtension(certificate, issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  X509_sign(certificate, key_->key, EVP_sha256());
  Pem pem{CertificatePem(certificate), KeyPem(key)};
  X509_free(certificate);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace cdsd::testing
