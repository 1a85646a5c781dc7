// The server as stock tools see it: health checking, reflection, a taken port, feedback and the
// audit trail it writes.
#include <gmock/gmock.h>
#include <grpc/health/v1/health.grpc.pb.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "config/config.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::MinimalRequest;
using testing::TestPlugin;
using testing::TestServer;

grpc::health::v1::HealthCheckResponse::ServingStatus Health(TestServer& server, const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(server.channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto context = testing::ContextWithDeadline();
  EXPECT_TRUE(stub->Check(context.get(), request, &response).ok());
  return response.status();
}

TEST(Server, HealthCheckAnswersServingForTheServerAndTheService) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  EXPECT_EQ(Health(server, ""), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(server, "cds.v1.DecisionSupport"), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Lists services through grpc.reflection.v1alpha with hand-encoded messages (the generated
// reflection code lives inside libgrpc++_reflection and has no public header).
std::string ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto call = stub.PrepareCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int id) { return cq.Next(&tag, &ok) && ok && tag == reinterpret_cast<void*>(id); };
  call->StartCall(reinterpret_cast<void*>(1));
  if (!step(1)) return "";
  const char request[] = {0x3a, 0x00};  // ServerReflectionRequest{list_services: ""}
  grpc::Slice slice(request, sizeof request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  if (!step(2)) return "";
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  if (!step(3)) return "";
  call->WritesDone(reinterpret_cast<void*>(4));
  step(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  std::vector<grpc::Slice> slices;
  (void)in.Dump(&slices);
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

TEST(Server, ReflectionListsTheDecisionSupportService) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  const std::string listing = ReflectionListServices(server.channel());
  EXPECT_THAT(listing, ::testing::HasSubstr("cds.v1.DecisionSupport"));
  EXPECT_THAT(listing, ::testing::HasSubstr("grpc.health.v1.Health"));
}

TEST(Server, TakenPortIsAStartupError) {
  TestServer first({{"echo", TestPlugin("libcds_test_echo.so")}});
  testing::TempDir dir;
  auto loaded = ParseConfig(testing::ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")}}), dir.path() / "c.yaml");
  ASSERT_TRUE(loaded.config);
  loaded.config->audit_path = dir.path() / "audit.sqlite";
  loaded.config->admin_socket.clear();
  auto second = CdsServer::Start(*loaded.config, {first.server().listen_address(), ""});
  ASSERT_FALSE(second.ok()) << "SO_REUSEPORT must be off: a second server must not share the port";
  EXPECT_THAT(std::string(second.status().message()), ::testing::HasSubstr("cannot listen"));
}

int64_t Count(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(Server, FeedbackOnAnIssuedCardIsRecordedAndUnknownCardsAreNotFound) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  auto request = MinimalRequest();
  request.mutable_patient()->set_patient_id("MRN-000123");
  cds::v1::EvaluateResponse evaluated;
  {
    auto context = testing::ContextWithDeadline();
    ASSERT_TRUE(server.stub().Evaluate(context.get(), request, &evaluated).ok());
  }
  ASSERT_EQ(evaluated.cards_size(), 1);

  cds::v1::SubmitFeedbackRequest feedback;
  auto* f = feedback.add_feedback();
  f->set_card_uuid(evaluated.cards(0).uuid());
  f->set_outcome(cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  f->mutable_override_reason()->set_code("patient-declined");
  cds::v1::SubmitFeedbackResponse recorded;
  {
    auto context = testing::ContextWithDeadline();
    grpc::Status status = server.stub().SubmitFeedback(context.get(), feedback, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(recorded.recorded(), 1);

  f->set_card_uuid("00000000-0000-4000-8000-000000000000");
  auto context = testing::ContextWithDeadline();
  grpc::Status unknown = server.stub().SubmitFeedback(context.get(), feedback, &recorded);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);

  server.server().audit()->Flush();
  const auto db = server.config_path().parent_path() / "audit.sqlite";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM evaluations"), 1);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM cards c JOIN evaluations e ON e.sequence = c.sequence"
                      " WHERE e.evaluation_id = '" + evaluated.evaluation_id() + "'"), 1);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM evaluations, json_each(body, '$.services') s"
                      " WHERE json_extract(s.value, '$.status') = 'SERVICE_STATUS_OK'"), 1);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM feedback WHERE outcome = 'FEEDBACK_OUTCOME_OVERRIDDEN'"), 1);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM evaluations WHERE body LIKE '%MRN%'"), 0)
      << "the patient id is stored only as a keyed pseudonym";
  EXPECT_EQ(Count(db, "SELECT length(json_extract(body, '$.patient_pseudonym')) FROM evaluations"), 64);
}

TEST(Server, MalformedFeedbackNamesEachField) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  cds::v1::SubmitFeedbackRequest feedback;
  feedback.add_feedback()->set_card_uuid("x");
  cds::v1::SubmitFeedbackResponse response;
  auto context = testing::ContextWithDeadline();
  grpc::Status status = server.stub().SubmitFeedback(context.get(), feedback, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status),
              ::testing::UnorderedElementsAre("feedback[0].card_uuid", "feedback[0].outcome"));
}

TEST(Server, RequestsBeyondTheConfiguredLimitsAreRefusedNamingTheField) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}},
                    "limits: {max_request_bytes: 65536, max_list_items: 10, max_string_bytes: 256}\n");
  auto send = [&](const cds::v1::EvaluateRequest& request) {
    cds::v1::EvaluateResponse response;
    auto context = testing::ContextWithDeadline();
    return server.stub().Evaluate(context.get(), request, &response);
  };
  cds::v1::EvaluateRequest many = MinimalRequest();
  for (int i = 0; i < 11; ++i) many.mutable_patient()->add_conditions();
  grpc::Status status = send(many);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status), ::testing::ElementsAre("patient.conditions"));
  EXPECT_NE(status.error_message().find("limits.max_list_items (10)"), std::string::npos) << status.error_message();

  cds::v1::EvaluateRequest long_text = MinimalRequest();
  long_text.set_user_id(std::string(300, 'u'));
  status = send(long_text);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status), ::testing::ElementsAre("user_id"));

  cds::v1::EvaluateRequest huge = MinimalRequest();
  huge.mutable_patient()->set_patient_id(std::string(70000, 'p'));
  status = send(huge);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << "refused by gRPC before decoding";

  cds::v1::EvaluateRequest implausible = MinimalRequest();
  auto* systolic = implausible.mutable_patient()->add_observations();
  systolic->mutable_code()->set_system("http://loinc.org");
  systolic->mutable_code()->set_code("8480-6");
  systolic->set_value(-5);
  systolic->set_unit("mm[Hg]");
  status = send(implausible);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(status), ::testing::ElementsAre("patient.observations[0].value"));
  EXPECT_TRUE(send(MinimalRequest()).ok()) << "the server still serves";
}

TEST(Server, AdminListsEveryConfiguredPluginWithStateAndError) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")},
                     {"broken", TestPlugin("libcds_test_raw_2_0.so")},
                     {"off", TestPlugin("libcds_test_echo.so"), 1000, "{}", false}});
  cds::admin::v1::ListPluginsResponse plugins;
  auto context = testing::ContextWithDeadline();
  ASSERT_TRUE(server.admin().ListPlugins(context.get(), {}, &plugins).ok());
  ASSERT_EQ(plugins.plugins_size(), 3);
  EXPECT_EQ(plugins.plugins(0).state(), cds::admin::v1::PLUGIN_STATE_LOADED);
  EXPECT_EQ(plugins.plugins(0).version(), "1.0.0");
  EXPECT_EQ(plugins.plugins(0).abi_version(), "1.0");
  EXPECT_EQ(plugins.plugins(1).state(), cds::admin::v1::PLUGIN_STATE_FAILED);
  EXPECT_THAT(plugins.plugins(1).last_error(), ::testing::HasSubstr("major versions differ"));
  EXPECT_EQ(plugins.plugins(2).state(), cds::admin::v1::PLUGIN_STATE_DISABLED);
  EXPECT_EQ(plugins.config_generation(), 1u);
}

TEST(Server, AdminSocketIsOwnerOnly) {
  TestServer server({{"echo", TestPlugin("libcds_test_echo.so")}});
  const auto perms = std::filesystem::status(server.server().admin_socket()).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace cdsd
