// The request path over a real channel: per-call deadlines (mixed timeouts, queued vs running at
// the deadline), bulkhead permits, admission control, and the ABI boundary (bad UTF-8 errors,
// oversized answers, host-assigned uuids, unparseable request bytes).
#include <gmock/gmock.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "plugin/utf8_text.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using ::testing::HasSubstr;
using testing::MinimalRequest;
using testing::TestPlugin;
using testing::TestServer;

const cds::v1::ServiceResult* ResultFor(const cds::v1::EvaluateResponse& r, const std::string& id) {
  for (const auto& s : r.service_results()) {
    if (s.service_id() == id) return &s;
  }
  return nullptr;
}

cds::v1::EvaluateResponse EvaluateOk(TestServer& server, const cds::v1::EvaluateRequest& request) {
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline();
  const grpc::Status status = server.stub().Evaluate(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  return response;
}

int64_t StuckCalls(TestServer& server, const std::string& id) {
  return server.server().snapshots().Get()->Find(id)->service->stuck_calls().load();
}

TEST(RequestPathTest, MixedTimeoutsEachEndAtTheirOwnDeadline) {
  TestServer server({{"fast-timeout", TestPlugin("libcds_test_sleeps.so"), 100, "{sleep_ms: 1500}"},
                     {"slow-timeout", TestPlugin("libcds_test_sleeps.so"), 5000, "{sleep_ms: 200}"}});
  const auto response = EvaluateOk(server, MinimalRequest());
  const auto* fast = ResultFor(response, "fast-timeout");
  const auto* slow = ResultFor(response, "slow-timeout");
  ASSERT_NE(fast, nullptr);
  ASSERT_NE(slow, nullptr);
  EXPECT_EQ(slow->status(), cds::v1::SERVICE_STATUS_OK) << slow->message();
  EXPECT_EQ(fast->status(), cds::v1::SERVICE_STATUS_TIMEOUT);
  EXPECT_THAT(fast->message(), HasSubstr("100 ms timeout"));
  EXPECT_LE(fast->elapsed().seconds() * 1000 + fast->elapsed().nanos() / 1000000, 100)
      << "the 100 ms service is abandoned at its own deadline, not at the longest timeout";
}

TEST(RequestPathTest, QueuedCallsAtTheDeadlineExpireAndOnlyTheRunningOneIsStuck) {
  // Its own service id: call-time statistics are per id and shape admission control.
  TestServer server({{"queued-sleeps", TestPlugin("libcds_test_sleeps.so"), 200, "{sleep_ms: 2000}"}},
                    "max_stuck_calls: 4\n");
  // One permit: with three calls at once, one runs (and is abandoned), the others wait.
  std::string yaml = testing::ConfigYaml({{"queued-sleeps", TestPlugin("libcds_test_sleeps.so"), 200, "{sleep_ms: 2000}"}});
  yaml.replace(yaml.find("    timeout_ms"), 0, "    max_concurrent_calls: 1\n");
  std::ofstream(server.config_path()) << yaml;
  ASSERT_TRUE(server.server().Reload().ok());

  auto request = MinimalRequest();
  request.add_service_ids("queued-sleeps");
  std::vector<std::future<cds::v1::EvaluateResponse>> answers;
  for (int i = 0; i < 3; ++i) {
    answers.push_back(std::async(std::launch::async, [&] { return EvaluateOk(server, request); }));
  }
  int abandoned = 0, expired = 0, quarantined = 0;
  for (auto& a : answers) {
    const cds::v1::EvaluateResponse response = a.get();
    const auto* r = ResultFor(response, "queued-sleeps");
    ASSERT_NE(r, nullptr);
    if (r->message().find("no answer within") != std::string::npos) ++abandoned;
    else if (r->message().find("not started") != std::string::npos) ++expired;
    else if (r->message().find("quarantined") != std::string::npos) ++quarantined;
    else ADD_FAILURE() << r->message();
  }
  EXPECT_EQ(abandoned, 1) << "only one call can hold the single permit";
  EXPECT_EQ(expired + quarantined, 2);
  EXPECT_EQ(StuckCalls(server, "queued-sleeps"), 1) << "calls that never started are not stuck in the plugin";
}

TEST(RequestPathTest, BadUtf8ErrorOfOneServiceLeavesTheOthersCardsReadable) {
  TestServer server({{"bad", TestPlugin("libcds_test_bad_utf8.so")}, {"echo", TestPlugin("libcds_test_echo.so")}});
  const auto response = EvaluateOk(server, MinimalRequest());  // parsing it at all proves valid UTF-8
  ASSERT_EQ(response.cards_size(), 1);
  EXPECT_EQ(response.cards(0).service_id(), "echo");
  const auto* bad = ResultFor(response, "bad");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->status(), cds::v1::SERVICE_STATUS_ERROR);
  EXPECT_EQ(ValidUtf8(bad->message(), bad->message().size() + 8), bad->message()) << "message must be valid UTF-8";
  EXPECT_THAT(bad->message(), HasSubstr("\xEF\xBF\xBD")) << "invalid bytes are shown as U+FFFD";
  EXPECT_LT(bad->message().size(), 1200u) << "the plugin's message is bounded";
}

TEST(RequestPathTest, AnswerOverTheSizeCapIsAnErrorForThatServiceOnly) {
  TestServer server({{"huge", TestPlugin("libcds_test_huge.so")}, {"echo", TestPlugin("libcds_test_echo.so")}});
  const auto response = EvaluateOk(server, MinimalRequest());
  EXPECT_EQ(ResultFor(response, "huge")->status(), cds::v1::SERVICE_STATUS_ERROR);
  EXPECT_THAT(ResultFor(response, "huge")->message(), HasSubstr("exceeds its max_output_bytes (1048576)"));
  EXPECT_EQ(ResultFor(response, "echo")->status(), cds::v1::SERVICE_STATUS_OK);
  ASSERT_EQ(response.cards_size(), 1);
}

TEST(RequestPathTest, HostAssignsEveryCardAndSuggestionUuid) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so"), 1000, "{cards: 3, fixed_uuids: true}"}});
  std::set<std::string> seen;
  for (int round = 0; round < 2; ++round) {
    const auto response = EvaluateOk(server, MinimalRequest());
    ASSERT_EQ(response.cards_size(), 3);
    for (const auto& card : response.cards()) {
      EXPECT_TRUE(seen.insert(card.uuid()).second) << "card uuid repeated: " << card.uuid();
      EXPECT_EQ(card.uuid().size(), 36u);
      ASSERT_EQ(card.suggestions_size(), 1);
      EXPECT_TRUE(seen.insert(card.suggestions(0).uuid()).second) << "suggestion uuid repeated";
    }
  }
  EXPECT_EQ(seen.count("00000000-0000-4000-8000-000000000001"), 0u) << "the plugin's uuid is never used";
}

TEST(RequestPathTest, UnparseableRequestBytesGetInvalidArgumentWithAMessage) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  grpc::GenericStub stub(server.channel());
  const std::string garbage("\x0a\xff\xff\xff\x0f\x01", 6);
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/cds.v1.DecisionSupport/Evaluate", grpc::StubOptions(), &request, &reply,
                 [&](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("not a serialized cds.v1.EvaluateRequest"));
}

TEST(RequestPathTest, OverloadedServiceGetsResourceExhaustedWithRetryAdvice) {
  TestServer server({{"overloaded-slow", TestPlugin("libcds_test_sleeps.so"), 1000, "{sleep_ms: 100}"}});
  std::string yaml = testing::ConfigYaml({{"overloaded-slow", TestPlugin("libcds_test_sleeps.so"), 1000, "{sleep_ms: 100}"}});
  yaml.replace(yaml.find("    timeout_ms"), 0, "    max_concurrent_calls: 1\n");
  std::ofstream(server.config_path()) << yaml;
  ASSERT_TRUE(server.server().Reload().ok());
  auto request = MinimalRequest();
  request.add_service_ids("overloaded-slow");
  EvaluateOk(server, request);  // one call teaches the host how long this service takes

  // 30 calls of ~100 ms through one permit cannot all start within 1 s.
  std::vector<std::future<grpc::Status>> calls;
  std::vector<cds::v1::EvaluateResponse> responses(30);
  for (int i = 0; i < 30; ++i) {
    calls.push_back(std::async(std::launch::async, [&, i] {
      auto context = testing::ContextWithDeadline();
      return server.stub().Evaluate(context.get(), request, &responses[i]);
    }));
  }
  int shed = 0;
  for (int i = 0; i < 30; ++i) {
    const grpc::Status status = calls[i].get();
    if (status.ok()) continue;
    ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    ++shed;
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(status.error_details()));
    bool retry_advice = false;
    for (const auto& any : details.details()) retry_advice = retry_advice || any.Is<google::rpc::RetryInfo>();
    EXPECT_TRUE(retry_advice) << "RESOURCE_EXHAUSTED must say when to retry";
  }
  EXPECT_GT(shed, 0) << "the host must shed what cannot finish in time";
}

}  // namespace
}  // namespace cdsd
