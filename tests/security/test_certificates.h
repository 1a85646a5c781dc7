// Test support: certificates made on the fly with OpenSSL (EC P-256), so the TLS tests need no
// checked-in keys: a CA, and leaves it signs, valid or expired, for a server (SAN 127.0.0.1 and
// localhost) or a client.
#ifndef CDSD_TESTS_SECURITY_TEST_CERTIFICATES_H_
#define CDSD_TESTS_SECURITY_TEST_CERTIFICATES_H_

#include <memory>
#include <string>

namespace cdsd::testing {

struct Pem {
  std::string certificate;
  std::string private_key;
};

class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();
  const Pem& pem() const { return pem_; }
  // A certificate for `common_name` signed by this CA, valid from now + `from_seconds` to now +
  // `to_seconds` (both may be negative: an expired certificate).
  Pem Issue(const std::string& common_name, bool server, long from_seconds = -3600, long to_seconds = 86400) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
  void* certificate_ = nullptr;  // X509*
  Pem pem_;
};

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_SECURITY_TEST_CERTIFICATES_H_
