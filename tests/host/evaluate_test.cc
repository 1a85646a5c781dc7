// Evaluate over a real gRPC channel: each broken plugin fails only its own service while the
// others answer, malformed requests are refused with field violations, and the basis of each
// card reaches the caller.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::MinimalRequest;
using testing::PluginEntry;
using testing::TestPlugin;
using testing::TestServer;

const cds::v1::ServiceResult* ResultFor(const cds::v1::EvaluateResponse& r, const std::string& id) {
  for (const auto& s : r.service_results()) {
    if (s.service_id() == id) return &s;
  }
  return nullptr;
}

class EvaluateTest : public ::testing::Test {
 protected:
  TestServer server_{{
      {"echo", TestPlugin("libcds_test_echo.so")},
      {"throws", TestPlugin("libcds_test_throws.so")},
      {"garbage", TestPlugin("libcds_test_garbage.so")},
      {"sleeps", TestPlugin("libcds_test_sleeps.so"), 100, "{sleep_ms: 1500}"},
      {"refuses", TestPlugin("libcds_test_refuses.so")},
      {"no-entry", TestPlugin("libcds_test_no_entry.so")},
      {"abi-2", TestPlugin("libcds_test_raw_2_0.so")},
      {"off", TestPlugin("libcds_test_echo.so"), 1000, "{}", false},
  }};

  cds::v1::EvaluateResponse Evaluate(const cds::v1::EvaluateRequest& request, grpc::Status* status_out = nullptr) {
    cds::v1::EvaluateResponse response;
    auto context = testing::ContextWithDeadline();
    grpc::Status status = server_.stub().Evaluate(context.get(), request, &response);
    if (status_out) *status_out = status;
    else EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response;
  }
};

TEST_F(EvaluateTest, EachBrokenPluginFailsOnlyItsOwnService) {
  const auto start = std::chrono::steady_clock::now();
  const auto response = Evaluate(MinimalRequest());
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_NE(ResultFor(response, "echo"), nullptr);
  EXPECT_EQ(ResultFor(response, "echo")->status(), cds::v1::SERVICE_STATUS_OK);
  EXPECT_EQ(ResultFor(response, "throws")->status(), cds::v1::SERVICE_STATUS_ERROR);
  EXPECT_THAT(ResultFor(response, "throws")->message(), ::testing::HasSubstr("deliberate failure"));
  EXPECT_EQ(ResultFor(response, "garbage")->status(), cds::v1::SERVICE_STATUS_ERROR);
  EXPECT_THAT(ResultFor(response, "garbage")->message(), ::testing::HasSubstr("not a cds.plugin.v1.EvaluateOutput"));
  EXPECT_EQ(ResultFor(response, "sleeps")->status(), cds::v1::SERVICE_STATUS_TIMEOUT);
  // Services that never loaded are not run for a hook-wide request.
  EXPECT_EQ(ResultFor(response, "refuses"), nullptr);
  EXPECT_EQ(ResultFor(response, "no-entry"), nullptr);
  EXPECT_EQ(ResultFor(response, "off"), nullptr);

  ASSERT_EQ(response.cards_size(), 1) << "only echo answers";
  EXPECT_EQ(response.cards(0).service_id(), "echo");
  EXPECT_LT(elapsed, std::chrono::milliseconds(1400)) << "the sleeping plugin must not hold the call past its timeout";
}

TEST_F(EvaluateTest, CardCarriesItsBasisAndProvenance) {
  const auto response = Evaluate(MinimalRequest());
  ASSERT_EQ(response.cards_size(), 1);
  const auto& card = response.cards(0);
  EXPECT_EQ(card.summary(), "hello patient-view");
  EXPECT_EQ(card.detail(), "service echo on 2026-11-18 for patient born 1980-05-17")
      << "the plugin sees the service id, the evaluation date derived from evaluation_time, and the patient";
  EXPECT_EQ(card.plugin_version(), "1.0.0");
  EXPECT_EQ(card.knowledge_version(), "test-1");
  EXPECT_TRUE(testing::MinimalRequest().hook_instance() == card.criteria(0).inputs(0).value());
  EXPECT_EQ(card.citations(0).edition(), "test edition");
  EXPECT_EQ(card.uuid().size(), 36u) << "the host assigns a uuid when the plugin gives none";
  EXPECT_EQ(response.evaluation_id().size(), 36u);
  EXPECT_EQ(response.evaluation_date(), "2026-11-18");
}

TEST(EvaluateDeadline, EachPluginIsToldWhenTheHostStopsWaitingForIt) {
  TestServer server{{{"echo", TestPlugin("libcds_test_echo.so"), 800, "{report_deadline: true}"}}};
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline();  // far beyond the service's 800 ms timeout
  ASSERT_TRUE(server.stub().Evaluate(context.get(), MinimalRequest(), &response).ok());
  ASSERT_EQ(response.cards_size(), 1);
  const std::string& detail = response.cards(0).detail();
  const size_t at = detail.find("; deadline in ");
  ASSERT_NE(at, std::string::npos) << detail;
  const long left_ms = std::stol(detail.substr(at + 14));

  EXPECT_GT(left_ms, 0) << "the deadline is still ahead when the plugin runs: " << detail;
  EXPECT_LE(left_ms, 800) << "the service's own timeout bounds it";
}

TEST_F(EvaluateTest, ExplicitEvaluationDateWins) {
  auto request = MinimalRequest();
  request.set_evaluation_date("2026-11-17");
  const auto response = Evaluate(request);
  EXPECT_EQ(response.evaluation_date(), "2026-11-17");
  ASSERT_EQ(response.cards_size(), 1);
  EXPECT_THAT(response.cards(0).detail(), ::testing::HasSubstr("on 2026-11-17"));
}

TEST_F(EvaluateTest, NamedServicesThatCannotRunAreSkippedWithTheReason) {
  auto request = MinimalRequest();
  for (const char* id : {"echo", "refuses", "no-entry", "abi-2", "off"}) request.add_service_ids(id);
  const auto response = Evaluate(request);
  EXPECT_EQ(ResultFor(response, "echo")->status(), cds::v1::SERVICE_STATUS_OK);
  EXPECT_EQ(ResultFor(response, "refuses")->status(), cds::v1::SERVICE_STATUS_SKIPPED);
  EXPECT_THAT(ResultFor(response, "refuses")->message(), ::testing::HasSubstr("refused its settings"));
  EXPECT_THAT(ResultFor(response, "no-entry")->message(), ::testing::HasSubstr("does not export cds_plugin_entry"));
  EXPECT_THAT(ResultFor(response, "abi-2")->message(), ::testing::HasSubstr("major versions differ"));
  EXPECT_THAT(ResultFor(response, "off")->message(), ::testing::HasSubstr("disabled"));
}

TEST_F(EvaluateTest, ServiceNotAnsweringTheHookIsSkipped) {
  auto request = MinimalRequest("order-select");
  request.add_service_ids("throws");
  const auto response = Evaluate(request);
  EXPECT_EQ(ResultFor(response, "throws")->status(), cds::v1::SERVICE_STATUS_SKIPPED);
  EXPECT_THAT(ResultFor(response, "throws")->message(), ::testing::HasSubstr("does not answer hook"));
}

TEST_F(EvaluateTest, UnknownServiceIdIsNotFound) {
  auto request = MinimalRequest();
  request.add_service_ids("nobody");
  grpc::Status status;
  Evaluate(request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("nobody"));
}

TEST_F(EvaluateTest, AHookNoServiceAnswersIsNotFoundNamingTheHooksServed) {
  auto request = MinimalRequest("patient-veiw");
  grpc::Status status;
  const auto response = Evaluate(request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("no enabled service answers 'patient-veiw'"));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("patient-view"));
  EXPECT_EQ(response.cards_size(), 0);
}

TEST_F(EvaluateTest, MalformedRequestGetsInvalidArgumentNamingEachField) {
  cds::v1::EvaluateRequest request;
  request.set_hook_instance("123");
  grpc::Status status;
  Evaluate(request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status), ::testing::UnorderedElementsAre("hook", "hook_instance", "patient"));
}

TEST(EvaluateDeadline, CallerDeadlineShorterThanTheTimeoutsIsHonoured) {
  // The plugin would answer after 1500 ms and its timeout is 5000 ms: only the caller's 300 ms
  // deadline can end the call early.
  TestServer server({{"slow", TestPlugin("libcds_test_sleeps.so"), 5000, "{sleep_ms: 1500}"},
                     {"echo", TestPlugin("libcds_test_echo.so"), 5000}});
  auto request = MinimalRequest();
  request.add_service_ids("slow");
  request.add_service_ids("echo");
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline(300);
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = server.stub().Evaluate(context.get(), request, &response);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1200))
      << "the server waited for the plugin instead of the caller's deadline";
  if (status.ok()) {
    EXPECT_EQ(ResultFor(response, "slow")->status(), cds::v1::SERVICE_STATUS_TIMEOUT);
    EXPECT_THAT(ResultFor(response, "slow")->message(), ::testing::HasSubstr("caller's deadline"));
    EXPECT_EQ(ResultFor(response, "echo")->status(), cds::v1::SERVICE_STATUS_OK);
  } else {
    // The answer, due 5 ms before the deadline, may still arrive late on a loaded machine.
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
}

TEST_F(EvaluateTest, HungPluginIsQuarantinedAfterTooManyStuckCalls) {
  // max_stuck_calls defaults to 4: after 4 calls stuck in the sleeper, it is skipped.
  auto request = MinimalRequest();
  request.add_service_ids("sleeps");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ResultFor(Evaluate(request), "sleeps")->status(), cds::v1::SERVICE_STATUS_TIMEOUT);
  }
  const auto response = Evaluate(request);
  EXPECT_EQ(ResultFor(response, "sleeps")->status(), cds::v1::SERVICE_STATUS_SKIPPED);
  EXPECT_THAT(ResultFor(response, "sleeps")->message(), ::testing::HasSubstr("quarantined"));
}

TEST_F(EvaluateTest, ListServicesShowsOnlyLoadedServices) {
  cds::v1::ListServicesResponse response;
  auto context = testing::ContextWithDeadline();
  ASSERT_TRUE(server_.stub().ListServices(context.get(), {}, &response).ok());
  std::vector<std::string> ids;
  for (const auto& s : response.services()) ids.push_back(s.id());
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("echo", "throws", "garbage", "sleeps"));
  for (const auto& s : response.services()) {
    if (s.id() != "echo") continue;
    EXPECT_EQ(s.plugin().version(), "1.0.0");
    EXPECT_EQ(s.plugin().vendor(), "cdsd tests");
    EXPECT_EQ(s.knowledge_version(), "test-1");
    EXPECT_THAT(s.hooks(), ::testing::ElementsAre("patient-view", "order-select"));
    EXPECT_EQ(s.inputs(0).path(), "patient.birth_date");
  }
}

TEST_F(EvaluateTest, ListServicesFiltersByHook) {
  cds::v1::ListServicesRequest request;
  request.set_hook("order-select");
  cds::v1::ListServicesResponse response;
  auto context = testing::ContextWithDeadline();
  ASSERT_TRUE(server_.stub().ListServices(context.get(), request, &response).ok());
  ASSERT_EQ(response.services_size(), 1);
  EXPECT_EQ(response.services(0).id(), "echo");
}

}  // namespace
}  // namespace cdsd
