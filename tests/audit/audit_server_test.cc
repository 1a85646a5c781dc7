// The audit trail inside the server: while the database cannot be written, Evaluate fails with
// UNAVAILABLE (no advice without a record), gRPC health says NOT_SERVING and the failure
// counter rises; once writes succeed again both recover.
#include <grpc/health/v1/health.grpc.pb.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/test_server.h"

namespace cdsd::testing {
namespace {

grpc::health::v1::HealthCheckResponse::ServingStatus Health(TestServer& server) {
  auto stub = grpc::health::v1::Health::NewStub(server.channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("cds.v1.DecisionSupport");
  grpc::health::v1::HealthCheckResponse response;
  auto context = ContextWithDeadline();
  EXPECT_TRUE(stub->Check(context.get(), request, &response).ok());
  return response.status();
}

TEST(AuditServer, AnUnwritableAuditTrailFailsEvaluateAndTurnsHealthNotServingUntilItRecovers) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  const auto db = server.config_path().parent_path() / "audit.sqlite";
  EXPECT_EQ(Health(server), grpc::health::v1::HealthCheckResponse::SERVING);

  sqlite3* lock = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  cds::v1::EvaluateResponse response;
  auto context = ContextWithDeadline(15000);
  const grpc::Status failed = server.stub().Evaluate(context.get(), MinimalRequest(), &response);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE) << failed.error_message();
  EXPECT_TRUE(response.cards().empty());
  EXPECT_EQ(Health(server), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(server.server().audit()->failed_writes(), 1u);

  sqlite3_exec(lock, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(lock);
  auto again = ContextWithDeadline(15000);
  const grpc::Status ok = server.stub().Evaluate(again.get(), MinimalRequest(), &response);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(Health(server), grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace cdsd::testing
