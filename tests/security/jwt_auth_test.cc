// Caller authentication through the real gRPC server: one good token per algorithm passes, and
// every forged, stale, misdirected or replayed token is refused with the same bare
// UNAUTHENTICATED, so a caller cannot tell which check failed.
#include <gtest/gtest.h>

#include "auth/call_authentication.h"
#include "security/token_minter.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::GoodClaims;
using testing::NowSeconds;
using testing::SigningAlg;
using testing::SigningKey;

constexpr const char* kIssuer = "https://ehr.example.org";
constexpr const char* kAudience = "https://cds.example.org/cds-services";

class JwtAuth : public ::testing::Test {
 protected:
  JwtAuth() {
    testing::WriteJwks(keys_.path() / "ehr.jwks", {&rsa_, &ec_});
    server_ = std::make_unique<testing::TestServer>(
        std::vector<testing::PluginEntry>{{"echo", testing::TestPlugin("libcds_test_echo.so")}},
        "auth:\n  audience: " + std::string(kAudience) + "\n  clock_skew_seconds: 30\n  jti_cache_size: 1000\n"
        "  issuers:\n    - iss: " + kIssuer + "\n      jwks_file: " + (keys_.path() / "ehr.jwks").string() + "\n");
  }

  grpc::Status Evaluate(const std::string& token) {
    auto context = testing::ContextWithDeadline();
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    cds::v1::EvaluateResponse response;
    return server_->stub().Evaluate(context.get(), testing::MinimalRequest(), &response);
  }

  // Refused the way every refusal must look: nothing about which check failed.
  static void ExpectRefused(const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(status.error_message(), "authentication required");
    EXPECT_TRUE(status.error_details().empty());
  }

  nlohmann::json Claims() const { return GoodClaims(kIssuer, kAudience); }

  testing::TempDir keys_;
  SigningKey rsa_{SigningAlg::kRs384, "rsa-1"};
  SigningKey ec_{SigningAlg::kEs384, "ec-1"};
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(JwtAuth, AcceptsAGoodRs384Token) { EXPECT_TRUE(Evaluate(rsa_.Sign({}, Claims())).ok()); }

TEST_F(JwtAuth, AcceptsAGoodEs384Token) { EXPECT_TRUE(Evaluate(ec_.Sign({}, Claims())).ok()); }

TEST_F(JwtAuth, AcceptsAnAudienceListThatNamesThisService) {
  nlohmann::json claims = Claims();
  claims["aud"] = {"https://other.example.org", kAudience};
  EXPECT_TRUE(Evaluate(rsa_.Sign({}, claims)).ok());
}

TEST_F(JwtAuth, RefusesACallWithoutAToken) { ExpectRefused(Evaluate("")); }

TEST_F(JwtAuth, RefusesAnExpiredToken) {
  nlohmann::json claims = Claims();
  claims["iat"] = NowSeconds() - 400;
  claims["exp"] = NowSeconds() - 100;  // beyond the 30 s skew
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, AcceptsATokenExpiredByLessThanTheClockSkew) {
  nlohmann::json claims = Claims();
  claims["iat"] = NowSeconds() - 290;
  claims["exp"] = NowSeconds() - 10;
  EXPECT_TRUE(Evaluate(rsa_.Sign({}, claims)).ok());
}

TEST_F(JwtAuth, RefusesATokenIssuedInTheFutureBeyondTheSkew) {
  nlohmann::json claims = Claims();
  claims["iat"] = NowSeconds() + 120;
  claims["exp"] = NowSeconds() + 400;
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesATokenNotYetValid) {
  nlohmann::json claims = Claims();
  claims["nbf"] = NowSeconds() + 120;
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesATokenLivingLongerThanTheMaximumLifetime) {
  nlohmann::json claims = Claims();
  claims["exp"] = NowSeconds() + 86400;
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesTheWrongAudience) {
  nlohmann::json claims = Claims();
  claims["aud"] = "https://another-cds.example.org";
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesAnUnknownIssuerEvenWithAKnownKid) {
  nlohmann::json claims = Claims();
  claims["iss"] = "https://attacker.example.org";
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesAKeyNotInTheIssuersJwks) {
  SigningKey stranger(SigningAlg::kRs384, "rsa-2");
  ExpectRefused(Evaluate(stranger.Sign({}, Claims())));
}

TEST_F(JwtAuth, RefusesAStrangerKeyClaimingAKnownKid) {
  SigningKey stranger(SigningAlg::kRs384, "rsa-1");
  ExpectRefused(Evaluate(stranger.Sign({}, Claims())));
}

TEST_F(JwtAuth, RefusesAReplayedToken) {
  const std::string token = rsa_.Sign({}, Claims());
  ASSERT_TRUE(Evaluate(token).ok());
  ExpectRefused(Evaluate(token));
}

TEST_F(JwtAuth, RefusesATokenWithoutJti) {
  nlohmann::json claims = Claims();
  claims.erase("jti");
  ExpectRefused(Evaluate(rsa_.Sign({}, claims)));
}

TEST_F(JwtAuth, RefusesAlgNone) { ExpectRefused(Evaluate(testing::Unsigned(Claims()))); }

TEST_F(JwtAuth, RefusesHs256KeyedWithThePublicKey) {
  ExpectRefused(Evaluate(testing::SignHs256({{"alg", "HS256"}, {"kid", "rsa-1"}}, Claims(), rsa_.PublicPem())));
}

TEST_F(JwtAuth, RefusesAnAlgorithmThatDoesNotMatchTheKeyType) {
  // An ES384 header naming the RSA key: the key decides the algorithm, not the token.
  ExpectRefused(Evaluate(ec_.Sign({{"kid", "rsa-1"}}, Claims())));
}

TEST_F(JwtAuth, RefusesAChangedPayloadUnderAnOldSignature) {
  const std::string genuine = rsa_.Sign({}, Claims());
  nlohmann::json forged_claims = Claims();
  forged_claims["sub"] = "someone-else";
  const std::string forged = rsa_.Sign({}, forged_claims);
  const std::string spliced = forged.substr(0, forged.rfind('.')) + genuine.substr(genuine.rfind('.'));
  ExpectRefused(Evaluate(spliced));
}

TEST_F(JwtAuth, RefusesAnEs384SignatureOfTheWrongLength) {
  const std::string token = ec_.Sign({}, Claims());
  ExpectRefused(Evaluate(token.substr(0, token.size() - 4)));
}

TEST_F(JwtAuth, RefusesMalformedTokens) {
  for (const std::string& token : {std::string("abc"), std::string("a.b.c"), std::string("a.b.c.d"),
                                   std::string(".."), std::string(4000, 'A')}) {
    SCOPED_TRACE(token.substr(0, 16));
    ExpectRefused(Evaluate(token));
  }
}

TEST_F(JwtAuth, RefusesAnOversizedAuthorizationHeaderBeforeItReachesTheVerifier) {
  // gRPC's 8 KiB metadata limit answers RESOURCE_EXHAUSTED; never OK.
  const grpc::Status status = Evaluate(std::string(10000, 'A'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(JwtAuth, RefusesASchemeOtherThanBearer) {
  auto context = testing::ContextWithDeadline();
  context->AddMetadata("authorization", "Basic " + rsa_.Sign({}, Claims()));
  cds::v1::EvaluateResponse response;
  ExpectRefused(server_->stub().Evaluate(context.get(), testing::MinimalRequest(), &response));
}

TEST_F(JwtAuth, GuardsListServicesAndFeedbackToo) {
  auto context = testing::ContextWithDeadline();
  cds::v1::ListServicesResponse services;
  ExpectRefused(server_->stub().ListServices(context.get(), {}, &services));
  auto feedback_context = testing::ContextWithDeadline();
  cds::v1::SubmitFeedbackResponse feedback;
  ExpectRefused(server_->stub().SubmitFeedback(feedback_context.get(), {}, &feedback));
}

TEST_F(JwtAuth, OnlyTheClientThatReceivedACardMayGiveFeedbackOnIt) {
  auto context = testing::ContextWithDeadline();
  context->AddMetadata("authorization", "Bearer " + rsa_.Sign({}, Claims()));
  cds::v1::EvaluateResponse response;
  ASSERT_TRUE(server_->stub().Evaluate(context.get(), testing::MinimalRequest(), &response).ok());
  ASSERT_GT(response.cards_size(), 0);
  cds::v1::SubmitFeedbackRequest request;
  cds::v1::Feedback* f = request.add_feedback();
  f->set_card_uuid(response.cards(0).uuid());
  f->set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  *f->mutable_outcome_time() = testing::MinimalRequest().evaluation_time();
  auto send = [&](const nlohmann::json& claims) {
    auto feedback_context = testing::ContextWithDeadline();
    feedback_context->AddMetadata("authorization", "Bearer " + rsa_.Sign({}, claims));
    cds::v1::SubmitFeedbackResponse answer;
    grpc::Status status = server_->stub().SubmitFeedback(feedback_context.get(), request, &answer);
    return std::make_pair(status, answer.recorded());
  };
  nlohmann::json stranger = Claims();
  stranger["sub"] = "another-ehr-client";
  const auto [refused, none] = send(stranger);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(refused.error_message(), "feedback[0].card_uuid: no card with this uuid was issued to this client");
  const auto [accepted, recorded] = send(Claims());
  EXPECT_TRUE(accepted.ok()) << accepted.error_message();
  EXPECT_EQ(recorded, 1);
  const auto [replayed, again] = send(Claims());  // a new token, the same entry: idempotent
  EXPECT_TRUE(replayed.ok()) << replayed.error_message();
  EXPECT_EQ(again, 0);
}

Config ConfigListeningOn(const std::string& yaml) {
  ConfigLoadResult loaded = ParseConfig(yaml + "plugins: []\n", "/tmp/cdsd.yaml");
  EXPECT_TRUE(loaded.config) << FormatProblems(loaded.problems);
  return loaded.config ? *loaded.config : Config{};
}

TEST(TransportPolicy, RefusesANonLoopbackAddressWithoutAuthentication) {
  auto result = AuthenticatorFor(ConfigListeningOn("listen: 0.0.0.0:50051\nallow_insecure: true\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("auth.required: false"), std::string::npos);
}

TEST(TransportPolicy, ServesANonLoopbackAddressWithoutAuthenticationOnlyWhenToldExplicitly) {
  auto result = AuthenticatorFor(
      ConfigListeningOn("listen: 0.0.0.0:50051\nallow_insecure: true\nauth:\n  required: false\n"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, nullptr);
}

TEST(TransportPolicy, RefusesPlaintextOnANonLoopbackAddress) {
  auto result = AuthenticatorFor(ConfigListeningOn("listen: 10.1.2.3:50051\nauth:\n  required: false\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("allow_insecure"), std::string::npos);
}

TEST(TransportPolicy, LetsLoopbackAndUnixSocketsRunWithoutAuthentication) {
  for (const char* listen : {"127.0.0.1:50051", "[::1]:50051", "localhost:50051", "unix:/tmp/cdsd.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(listen)) << listen;
  }
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:50051"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("cds.example.org:50051"));
}

TEST(TransportPolicy, RequiresAudienceAndIssuersWhenAuthIsOn) {
  ConfigLoadResult loaded = ParseConfig("auth: {}\nplugins: []\n", "/tmp/cdsd.yaml");
  ASSERT_FALSE(loaded.config);
  const std::string problems = FormatProblems(loaded.problems);
  EXPECT_NE(problems.find("auth.audience"), std::string::npos);
  EXPECT_NE(problems.find("auth.issuers"), std::string::npos);
}

TEST(TransportPolicy, RefusesToStartWithAnUnreadableJwks) {
  auto result = AuthenticatorFor(ConfigListeningOn(
      "auth:\n  audience: x\n  issuers:\n    - iss: a\n      jwks_file: /nonexistent/keys.jwks\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("/nonexistent/keys.jwks"), std::string::npos);
}

}  // namespace
}  // namespace cdsd
