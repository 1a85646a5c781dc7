// JWT bearer authentication on the CDS Hooks REST door: the same verifier and replay cache as
// gRPC, 401 without (or with a bad) token, and the service endpoint accepted as audience.
#include <gtest/gtest.h>

#include "rest/rest_test_support.h"
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
