// Error statuses always fit in the trailers: field violations are capped and say how many.
#include "server/rpc_errors.h"

#include <gmock/gmock.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>
#include <gtest/gtest.h>

namespace cdsd {
namespace {

TEST(RpcErrorsTest, ManyFieldViolationsAreCappedAndCounted) {
  std::vector<FieldViolation> violations;
  for (int i = 0; i < 213; ++i) violations.push_back({"draft_orders[" + std::to_string(i) + "]", std::string(500, 'd')});
  const grpc::Status status = InvalidArgument("EvaluateRequest", violations);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("first 20 of 213"));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::BadRequest bad;
  for (const auto& any : details.details()) {
    if (any.Is<google::rpc::BadRequest>()) any.UnpackTo(&bad);
  }
  EXPECT_EQ(bad.field_violations_size(), 20);
  EXPECT_LT(status.error_details().size() + status.error_message().size(), 8192u)
      << "gRPC's default trailer limit is 8 KiB";
}

TEST(RpcErrorsTest, FewViolationsAreAllCarried) {
  const grpc::Status status = InvalidArgument("EvaluateRequest", {{"hook", "is empty"}, {"patient", "is missing"}});
  EXPECT_THAT(status.error_message(), ::testing::Not(::testing::HasSubstr("first")));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("hook: is empty; patient: is missing"));
}

}  // namespace
}  // namespace cdsd
