// The jti replay cache and the JWKS loader on their own: bounds, expiry, and keys refused at load.
#include <gtest/gtest.h>

#include "auth/jwks.h"
#include "auth/replay_cache.h"
#include "security/token_minter.h"

namespace cdsd {
namespace {

TEST(ReplayCache, RefusesTheSameJtiTwiceWhileTheTokenLives) {
  ReplayCache cache(10);
  EXPECT_EQ(cache.Remember("a", 100, 50), ReplayCache::Outcome::kFirstUse);
  EXPECT_EQ(cache.Remember("a", 100, 99), ReplayCache::Outcome::kReplayed);
}

TEST(ReplayCache, ForgetsAJtiOnceItsTokenIsDead) {
  ReplayCache cache(10);
  cache.Remember("a", 100, 50);
  EXPECT_EQ(cache.Remember("b", 200, 101), ReplayCache::Outcome::kFirstUse);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCache, RefusesNewTokensWhenFullOfLiveOnesRatherThanForgetting) {
  ReplayCache cache(2);
  cache.Remember("a", 100, 0);
  cache.Remember("b", 100, 0);
  EXPECT_EQ(cache.Remember("c", 100, 0), ReplayCache::Outcome::kFull);
  EXPECT_EQ(cache.Remember("a", 100, 0), ReplayCache::Outcome::kReplayed);
  EXPECT_EQ(cache.Remember("c", 200, 101), ReplayCache::Outcome::kFirstUse);
}

TEST(Jwks, LoadsRsaAndP384KeysByKid) {
  testing::SigningKey rsa(testing::SigningAlg::kRs384, "r");
  testing::SigningKey ec(testing::SigningAlg::kEs384, "e");
  auto set = KeySet::Parse(nlohmann::json{{"keys", {rsa.PublicJwk(), ec.PublicJwk()}}}.dump());
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_NE(set->Find("r"), nullptr);
  EXPECT_EQ(set->Find("r")->type, KeyType::kRsa);
  EXPECT_EQ(set->Find("e")->type, KeyType::kEcP384);
  EXPECT_EQ(set->Find("x"), nullptr);
}

TEST(Jwks, RefusesKeysItCannotUseSafely) {
  testing::SigningKey ec(testing::SigningAlg::kEs384, "e");
  nlohmann::json wrong_curve = ec.PublicJwk();
  wrong_curve["crv"] = "P-256";
  nlohmann::json no_kid = ec.PublicJwk();
  no_kid.erase("kid");
  nlohmann::json encryption = ec.PublicJwk();
  encryption["use"] = "enc";
  nlohmann::json short_rsa = {{"kty", "RSA"}, {"kid", "s"}, {"n", "AQAB"}, {"e", "AQAB"}};
  nlohmann::json symmetric = {{"kty", "oct"}, {"kid", "h"}, {"k", "c2VjcmV0"}};
  for (const auto& jwk : {wrong_curve, no_kid, encryption, short_rsa, symmetric}) {
    EXPECT_FALSE(KeySet::Parse(nlohmann::json{{"keys", {jwk}}}.dump()).ok()) << jwk.dump();
  }
  EXPECT_FALSE(KeySet::Parse("{\"keys\": []}").ok());
  EXPECT_FALSE(KeySet::Parse("not json").ok());
}

}  // namespace
}  // namespace cdsd
