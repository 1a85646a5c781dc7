// Google Benchmark of what caller authentication costs per call: one JwtVerifier::Verify of a
// fresh CDS Hooks token (parse, issuer and kid lookup, signature, time claims, jti replay
// check), for each algorithm cdsd accepts. The tokens are minted before timing starts, each
// with its own jti, so every iteration is a first use (a replay would be refused early and
// measure nothing). The load-level cost, with the daemon in between, is
// `cdsd_load_bench --auth`.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

#include "auth/jwt_verifier.h"
#include "security/token_minter.h"

namespace {

using cdsd::testing::SigningAlg;
using cdsd::testing::SigningKey;

constexpr int kTokens = 4000;
constexpr const char* kIssuer = "https://ehr.example.org";
constexpr const char* kAudience = "https://cds.example.org/cds-services";

void VerifyFreshTokens(benchmark::State& state, SigningAlg alg) {
  const auto dir = std::filesystem::temp_directory_path() / ("cdsd-jwt-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  SigningKey key(alg, "bench-1");
  cdsd::testing::WriteJwks(dir / "ehr.jwks", {&key});
  cdsd::AuthConfig config;
  config.audience = kAudience;
  config.issuers.push_back({kIssuer, dir / "ehr.jwks"});
  config.jti_cache_size = 2 * kTokens;
  auto verifier = cdsd::JwtVerifier::Create(config);
  std::filesystem::remove_all(dir);
  if (!verifier.ok()) {
    state.SkipWithError(std::string(verifier.status().message()).c_str());
    return;
  }
  std::vector<std::string> tokens;
  tokens.reserve(kTokens);
  for (int i = 0; i < kTokens; ++i) tokens.push_back(key.Sign({}, cdsd::testing::GoodClaims(kIssuer, kAudience)));
  const int64_t now = cdsd::testing::NowSeconds();
  size_t next = 0;
  int64_t refused = 0;
  for (auto _ : state) {
    auto caller = (*verifier)->Verify(tokens[next++ % tokens.size()], now);
    if (!caller.ok()) ++refused;
    benchmark::DoNotOptimize(caller);
  }
  state.counters["refused"] = static_cast<double>(refused);
  state.counters["token_bytes"] = static_cast<double>(tokens.front().size());
}

void BM_VerifyRs384(benchmark::State& state) { VerifyFreshTokens(state, SigningAlg::kRs384); }
void BM_VerifyEs384(benchmark::State& state) { VerifyFreshTokens(state, SigningAlg::kEs384); }

// Fixed iterations: one pass over the minted tokens, each used once.
BENCHMARK(BM_VerifyRs384)->Iterations(kTokens)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VerifyEs384)->Iterations(kTokens)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
