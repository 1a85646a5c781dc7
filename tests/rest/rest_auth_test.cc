// The REST door's security: JWT bearer authentication with the same verifier and replay cache
// as gRPC (401 without, or with a bad, token; the service endpoint accepted as audience), and
// TLS with the gRPC port's certificates, client certificates included.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <fstream>

#include "rest/rest_test_support.h"
#include "security/test_certificates.h"
#include "security/token_minter.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::HttpCall;
using testing::SigningAlg;
using testing::SigningKey;

constexpr const char* kIssuer = "https://ehr.example.org";
constexpr const char* kAudience = "https://cds.example.org";

class RestAuth : public ::testing::Test {
 protected:
  RestAuth() {
    testing::WriteJwks(keys_.path() / "ehr.jwks", {&rsa_});
    server_ = std::make_unique<testing::TestServer>(
        std::vector<testing::PluginEntry>{{"echo", testing::TestPlugin("libcds_test_echo.so")}},
        "cds_hooks: {listen: 127.0.0.1:0}\nauth:\n  audience: " + std::string(kAudience) +
            "\n  issuers:\n    - iss: " + kIssuer + "\n      jwks_file: " + (keys_.path() / "ehr.jwks").string() + "\n");
  }
  testing::HttpResult Discovery(const std::string& authorization) {
    std::map<std::string, std::string> headers;
    if (!authorization.empty()) headers["Authorization"] = authorization;
    return HttpCall(server_->server().cds_hooks_address(), "GET", "/cds-services", "", headers);
  }

  testing::TempDir keys_;
  SigningKey rsa_{SigningAlg::kRs384, "rsa-1"};
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(RestAuth, RefusesACallWithoutABearerTokenWith401) {
  const auto r = Discovery("");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(r.body.find("token"), std::string::npos) << "the refusal says nothing about why";
}

TEST_F(RestAuth, RefusesABadSignatureAndAReplayedToken) {
  EXPECT_EQ(Discovery("Bearer not.a.token").status, 401);
  const std::string token = rsa_.Sign({}, testing::GoodClaims(kIssuer, kAudience));
  EXPECT_EQ(Discovery("Bearer " + token).status, 200);
  EXPECT_EQ(Discovery("Bearer " + token).status, 401) << "jti is used once, as on gRPC";
}

TEST_F(RestAuth, AcceptsTheServiceEndpointAsAudience) {
  const std::string token = rsa_.Sign({}, testing::GoodClaims(kIssuer, std::string(kAudience) + "/cds-services"));
  EXPECT_EQ(Discovery("Bearer " + token).status, 200);
}

TEST_F(RestAuth, CorsPreflightNeedsNoToken) {
  const auto r = HttpCall(server_->server().cds_hooks_address(), "OPTIONS", "/cds-services/echo", "",
                          {{"Origin", "https://ehr.example.org"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 204) << "browsers send the preflight without credentials";
}

}  // namespace
}  // namespace cdsd

namespace cdsd {
namespace {

// One GET over HTTPS with libcurl, trusting `ca_file` and presenting the client certificate
// when given. 0 when the TLS handshake fails.
long HttpsGet(const std::string& url, const std::string& ca_file, const std::string& cert_file,
              const std::string& key_file) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);  // the test certificate names cdsd.test
  if (!cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, key_file.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t count, void*) { return size * count; });
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

TEST(RestTls, ServesHttpsWithTheGrpcCertificatesAndRequiresTheClientCertificate) {
  testing::TempDir dir;
  testing::TestCa ca("cdsd test CA");
  const testing::Pem server = ca.Issue("cdsd.test", /*server=*/true);
  const testing::Pem client = ca.Issue("ehr.test", /*server=*/false);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return (dir.path() / name).string();
  };
  const std::string server_pem = write("server.pem", server.certificate);
  const std::string server_key = write("server.key", server.private_key);
  const std::string ca_pem = write("ca.pem", ca.pem().certificate);
  const std::string client_pem = write("client.pem", client.certificate);
  const std::string client_key = write("client.key", client.private_key);
  testing::TestServer cdsd({{"echo", testing::TestPlugin("libcds_test_echo.so")}},
                           "cds_hooks: {listen: 127.0.0.1:0}\ntls:\n  certificate_chain: " + server_pem +
                               "\n  private_key: " + server_key + "\n  client_ca: " + ca_pem + "\n");
  const std::string url = "https://" + cdsd.server().cds_hooks_address() + "/cds-services";
  EXPECT_EQ(HttpsGet(url, ca_pem, client_pem, client_key), 200);
  EXPECT_EQ(HttpsGet(url, ca_pem, "", ""), 0) << "no client certificate, no connection (as on gRPC)";
  EXPECT_EQ(HttpCall(cdsd.server().cds_hooks_address(), "GET", "/cds-services").status, 0) << "no plaintext";
}

}  // namespace
}  // namespace cdsd
