// The CDS Hooks 2.0 REST door over real HTTP on loopback: discovery, hook calls with FHIR
// prefetch and with the FHIR-server fallback (a FHIR stub on loopback), every example through
// both doors, feedback, CORS, 412, and the bad paths (malformed JSON, huge bodies, slow
// clients, unknown services).
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "rest/http_server.h"
#include "rest/rest_test_support.h"
#include "server/fhir_input.h"
#include "support/test_server.h"

namespace cdsd {
namespace {

using nlohmann::json;
using testing::BuiltInPlugin;
using testing::HookRequestFor;
using testing::HttpCall;
using testing::HttpResult;
using testing::SourceFile;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr const char* kBuiltIns[][2] = {
    {"ketamine-eligibility", "libketamine_eligibility.so"},
    {"ketamine-dosing-schedule", "libketamine_dosing_schedule.so"},
    {"ketamine-side-effect-triage", "libketamine_side_effect_triage.so"},
};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<testing::PluginEntry> BuiltIns() {
  std::vector<testing::PluginEntry> plugins;
  for (const auto& p : kBuiltIns) plugins.push_back({p[0], BuiltInPlugin(p[1]), 2000});
  return plugins;
}

std::string HooksYaml(const std::string& extra = "") {
  return "shared_settings: {label_edition: us-2025}\n"
         "cds_hooks:\n  listen: 127.0.0.1:0\n  header_timeout_ms: 400\n  keep_alive_timeout_ms: 1000\n"
         "  fhir_servers: [\"http://127.0.0.1:\"]\n" + extra;
}

// A FHIR server stub on loopback: answers GETs from a table of path → resource and records the
// Authorization header of each request.
class FhirStub {
 public:
  explicit FhirStub(std::map<std::string, json> resources) : resources_(std::move(resources)) {
    rest::HttpServerOptions options;
    auto started = rest::HttpServer::Start(options, [this](rest::HttpRequest&& request, rest::Respond respond) {
      std::string target(request.target());
      {
        std::lock_guard lock(mutex_);
        seen_.push_back({target, std::string(request[boost::beast::http::field::authorization])});
      }
      rest::HttpResponse response{boost::beast::http::status::ok, 11};
      response.set(boost::beast::http::field::content_type, "application/fhir+json");
      const std::string path = target.substr(0, target.find('?'));
      auto it = resources_.find(path);
      if (it == resources_.end()) {
        response.result(boost::beast::http::status::internal_server_error);
        response.body() = R"({"resourceType":"OperationOutcome"})";
      } else {
        response.body() = it->second.dump();
      }
      response.prepare_payload();
      respond(std::move(response));
    });
    EXPECT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/fhir"; }
  std::vector<std::pair<std::string, std::string>> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::map<std::string, json> resources_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> seen_;
  std::unique_ptr<rest::HttpServer> server_;
};

class CdsHooksRest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::TestServer(BuiltIns(), HooksYaml()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_FALSE(address().empty()) << "the REST door did not start"; }

  static const std::string& address() { return server_->server().cds_hooks_address(); }
  static HttpResult Post(const std::string& target, const json& body,
                         const std::map<std::string, std::string>& headers = {}) {
    return HttpCall(address(), "POST", target, body.dump(), headers);
  }

  // The REST id of (service, hook), from discovery.
  static std::string ServiceFor(const std::string& service_id, const std::string& hook) {
    const json discovery = HttpCall(address(), "GET", "/cds-services").Json();
    for (const auto& entry : discovery["services"]) {
      const std::string id = entry["id"];
      if ((id == service_id || id.rfind(service_id + "--", 0) == 0) && entry["hook"] == PublishedHookName(hook)) {
        return id;
      }
    }
    return "";
  }

  // A complete synthetic patient in FHIR R4 (Patient, Conditions, MedicationRequests,
  // Observations with vital signs and PHQ-9, AllergyIntolerance, antidepressant trials).
  static json Synthetic() {
    return json::parse(ReadText(SourceFile("examples/cds_hooks/synthetic-patient-order-select.json")));
  }
  static json SyntheticRequest() { return Synthetic(); }

  static testing::TestServer* server_;
};
testing::TestServer* CdsHooksRest::server_ = nullptr;

// A card's decision as comparable JSON: indicator, the structured decision and each criterion's
// outcome, the same whichever door it came through.
json DecisionOf(const json& rest_card) {
  json basis = rest_card["extension"]["dev.cdsd.basis"];
  json criteria = json::array();
  for (const auto& c : basis["criteria"]) criteria.push_back({c["id"], c.value("outcome", "")});
  json decision = basis;
  for (const char* key : {"criteria", "missingInputs", "citations", "serviceId", "pluginVersion", "knowledgeVersion"}) {
    decision.erase(key);
  }
  return {{"indicator", rest_card["indicator"]}, {"decision", decision}, {"criteria", criteria}};
}

json DecisionOf(const cds::v1::Card& card) {
  std::string text;
  google::protobuf::util::MessageToJsonString(card, &text);
  json j = json::parse(text);
  static const std::map<std::string, std::string> kIndicator = {
      {"INDICATOR_INFO", "info"}, {"INDICATOR_WARNING", "warning"}, {"INDICATOR_CRITICAL", "critical"}};
  json as_rest = {{"indicator", kIndicator.at(j.value("indicator", "INDICATOR_INFO"))}, {"extension", {{"dev.cdsd.basis", j}}}};
  json out = DecisionOf(as_rest);
  for (const char* key : {"uuid", "summary", "detail", "indicator", "source", "suggestions", "selectionBehavior",
                          "overrideReasons", "links"}) {
    out["decision"].erase(key);
  }
  return out;
}

TEST_F(CdsHooksRest, DiscoveryListsOneEntryPerServiceAndHookWithPrefetchTemplates) {
  const HttpResult r = HttpCall(address(), "GET", "/cds-services");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json services = r.Json()["services"];
  ASSERT_TRUE(services.is_array());
  std::set<std::string> ids;
  for (const auto& s : services) {
    EXPECT_TRUE(s["hook"].is_string() && s["id"].is_string() && s["description"].is_string()) << s.dump();
    EXPECT_TRUE(s["prefetch"].contains("patient")) << "every service reads the patient: " << s.dump();
    EXPECT_EQ(s["prefetch"]["patient"], "Patient/{{context.patientId}}");
    EXPECT_TRUE(s.contains("usageRequirements"));
    EXPECT_TRUE(ids.insert(s["id"].get<std::string>()).second) << "ids are unique";
    const std::string hook = s["hook"];
    EXPECT_TRUE(hook.find('.') != std::string::npos || hook == "patient-view" || hook == "order-select" ||
                hook == "order-sign")
        << "custom hooks use reverse-domain names: " << hook;
  }
  EXPECT_THAT(ids, Contains("ketamine-eligibility"));
  EXPECT_THAT(ids, Contains("ketamine-eligibility--order-select"));
  EXPECT_EQ(r.Header("access-control-allow-origin"), "*");
}

TEST_F(CdsHooksRest, SpecShapedPatientViewRequestIsAnsweredWithCards) {
  // The shape of the specification's example hook request (hookInstance, fhirServer,
  // fhirAuthorization, context, prefetch), with the patient prefetched so no fetch is needed.
  json body = {
      {"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"},
      {"fhirServer", "http://127.0.0.1:1/fhir"},
      {"hook", "patient-view"},
      {"fhirAuthorization",
       {{"access_token", "some-opaque-fhir-access-token"}, {"token_type", "Bearer"}, {"expires_in", 300},
        {"scope", "user/Patient.read user/Observation.read"}, {"subject", "cds-service4"}}},
      {"context", {{"userId", "Practitioner/example"}, {"patientId", "1288992"}, {"encounterId", "89284"}}},
      {"prefetch", Synthetic()["prefetch"]},
  };
  body["prefetch"]["patient"]["id"] = "1288992";
  const HttpResult r = Post("/cds-services/ketamine-eligibility", body);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json answer = r.Json();
  ASSERT_TRUE(answer["cards"].is_array());
  ASSERT_FALSE(answer["cards"].empty());
  for (const auto& card : answer["cards"]) {
    EXPECT_THAT((std::vector<std::string>{"info", "warning", "critical"}), Contains(card["indicator"].get<std::string>()));
    EXPECT_TRUE(card["source"]["label"].is_string());
    EXPECT_TRUE(card["uuid"].is_string());
    EXPECT_LT(card["summary"].get<std::string>().size(), 140u);
    EXPECT_TRUE(card["extension"]["dev.cdsd.basis"]["criteria"].is_array()) << "the basis travels as an extension";
    for (const auto& s : card.value("suggestions", json::array())) {
      EXPECT_TRUE(s["uuid"].is_string());
      for (const auto& a : s.value("actions", json::array())) {
        if (a.contains("resource")) EXPECT_TRUE(a["resource"].is_object()) << "resource is a JSON object";
      }
    }
  }
  EXPECT_TRUE(answer["systemActions"].is_array());
  EXPECT_TRUE(answer["extension"]["dev.cdsd.evaluation"]["serviceResults"].is_array());
}

TEST_F(CdsHooksRest, CompleteSyntheticFhirPatientThroughPrefetchIsEligible) {
  const HttpResult r = Post("/cds-services/" + ServiceFor("ketamine-eligibility", "order-select"), SyntheticRequest());
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json answer = r.Json();
  ASSERT_EQ(answer["cards"].size(), 1u) << r.body;
  EXPECT_EQ(answer["cards"][0]["extension"]["dev.cdsd.basis"]["eligibility"]["status"], "ELIGIBILITY_STATUS_ELIGIBLE")
      << r.body;
  EXPECT_FALSE(answer["extension"]["dev.cdsd.evaluation"].contains("inputProblems"))
      << "every resource of the synthetic patient maps: " << answer["extension"].dump();
}

TEST_F(CdsHooksRest, SamePatientThroughTheFhirServerFallbackGetsTheSameDecisionWithTheBearerToken) {
  const json synthetic = Synthetic();
  const json& prefetch = synthetic["prefetch"];
  FhirStub stub({{"/fhir/Patient/synthetic-0042", prefetch["patient"]},
                 {"/fhir/Condition", prefetch["conditions"]},
                 {"/fhir/AllergyIntolerance", prefetch["allergies"]},
                 {"/fhir/MedicationRequest", prefetch["medications"]},
                 {"/fhir/MedicationStatement", prefetch["antidepressantTrials"]},
                 {"/fhir/Observation", prefetch["observations"]}});
  json body = SyntheticRequest();
  body.erase("prefetch");
  body["fhirServer"] = stub.base();
  body["fhirAuthorization"] = {{"access_token", "stub-token"}, {"token_type", "Bearer"}, {"expires_in", 300},
                               {"scope", "patient/*.read"}, {"subject", "cdsd"}};
  const std::string id = ServiceFor("ketamine-eligibility", "order-select");
  const HttpResult fetched = Post("/cds-services/" + id, body);
  ASSERT_EQ(fetched.status, 200) << fetched.error << fetched.body;
  const HttpResult prefetched = Post("/cds-services/" + id, SyntheticRequest());
  ASSERT_EQ(prefetched.status, 200);
  ASSERT_EQ(fetched.Json()["cards"].size(), prefetched.Json()["cards"].size());
  EXPECT_EQ(DecisionOf(fetched.Json()["cards"][0]), DecisionOf(prefetched.Json()["cards"][0]));
  const auto seen = stub.seen();
  EXPECT_EQ(seen.size(), 6u) << "one GET per prefetch key the service reads";
  for (const auto& [target, authorization] : seen) {
    EXPECT_EQ(authorization, "Bearer stub-token") << target;
    EXPECT_THAT(target, ::testing::Not(HasSubstr("{{"))) << "templates are filled in";
  }
}

TEST_F(CdsHooksRest, AFhirServerThatFailsIsReportedAndNotGuessed) {
  FhirStub stub({});  // answers 500 to everything
  json body = SyntheticRequest();
  body["prefetch"].erase("conditions");
  body["fhirServer"] = stub.base();
  body["fhirAuthorization"] = {{"access_token", "t"}, {"token_type", "Bearer"}, {"expires_in", 300},
                               {"scope", "patient/*.read"}, {"subject", "cdsd"}};
  const HttpResult r = Post("/cds-services/" + ServiceFor("ketamine-eligibility", "order-select"), body);
  ASSERT_EQ(r.status, 200) << r.body;
  const json problems = r.Json()["extension"]["dev.cdsd.evaluation"]["inputProblems"];
  ASSERT_TRUE(problems.is_array()) << r.body;
  EXPECT_EQ(problems[0]["path"], "prefetch.conditions");
  EXPECT_THAT(problems[0]["reason"].get<std::string>(), HasSubstr("HTTP 500"));
  EXPECT_NE(r.Json()["cards"][0]["extension"]["dev.cdsd.basis"]["eligibility"]["status"], "ELIGIBILITY_STATUS_ELIGIBLE")
      << "diagnoses that could not be read are not assumed absent";
  EXPECT_EQ(stub.seen().size(), 1u) << "only the absent key is fetched";
}

TEST_F(CdsHooksRest, AnOperationOutcomeInPrefetchIsFetchedAgainFromTheFhirServer) {
  const json synthetic = Synthetic();
  FhirStub stub({{"/fhir/Condition", synthetic["prefetch"]["conditions"]}});
  json body = SyntheticRequest();
  body["prefetch"]["conditions"] = {{"resourceType", "OperationOutcome"},
                                    {"issue", json::array({{{"severity", "error"}, {"code", "timeout"}}})}};
  body["fhirServer"] = stub.base();
  body["fhirAuthorization"] = {{"access_token", "t"}, {"token_type", "Bearer"}, {"expires_in", 300},
                               {"scope", "patient/*.read"}, {"subject", "cdsd"}};
  const HttpResult r = Post("/cds-services/" + ServiceFor("ketamine-eligibility", "order-select"), body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["cards"][0]["extension"]["dev.cdsd.basis"]["eligibility"]["status"], "ELIGIBILITY_STATUS_ELIGIBLE");
  ASSERT_EQ(stub.seen().size(), 1u) << "the key the EHR failed to prefetch, and only that one";
  EXPECT_THAT(stub.seen()[0].first, HasSubstr("/fhir/Condition?patient=synthetic-0042"));
}

TEST_F(CdsHooksRest, AbsentPatientWithoutFhirServerIs412) {
  json body = SyntheticRequest();
  body["prefetch"].erase("patient");
  const HttpResult r = Post("/cds-services/ketamine-eligibility", body);
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_THAT(r.body, HasSubstr("prefetch.patient"));
}

TEST_F(CdsHooksRest, AbsentListWithoutFhirServerIsNotRetrievedNotNone) {
  json body = SyntheticRequest();
  body["prefetch"].erase("conditions");
  const HttpResult r = Post("/cds-services/" + ServiceFor("ketamine-eligibility", "order-select"), body);
  ASSERT_EQ(r.status, 200) << r.body;
  const json card = r.Json()["cards"][0];
  EXPECT_NE(card["extension"]["dev.cdsd.basis"]["eligibility"]["status"], "ELIGIBILITY_STATUS_ELIGIBLE")
      << "without the diagnoses the service cannot confirm eligibility: " << card.dump();
}

TEST_F(CdsHooksRest, EveryExampleGetsTheSameDecisionOverGrpcAndOverRestWithFhir) {
  int compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SourceFile("examples"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.find(".expect.") != std::string::npos) continue;
    if (!std::filesystem::exists(entry.path().parent_path() / (entry.path().stem().string() + ".expect.json"))) continue;
    SCOPED_TRACE(entry.path().string());
    cds::v1::EvaluateRequest request;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadText(entry.path()), &request).ok());
    cds::v1::EvaluateResponse grpc_answer;
    auto context = testing::ContextWithDeadline();
    ASSERT_TRUE(server_->stub().Evaluate(context.get(), request, &grpc_answer).ok());
    std::vector<std::string> services(request.service_ids().begin(), request.service_ids().end());
    if (services.empty()) {
      for (const auto& r : grpc_answer.service_results()) {
        if (r.status() == cds::v1::SERVICE_STATUS_OK) services.push_back(r.service_id());
      }
    }
    for (const std::string& service : services) {
      const std::string id = ServiceFor(service, request.hook());
      ASSERT_FALSE(id.empty()) << service << " " << request.hook();
      const HttpResult r = Post("/cds-services/" + id, HookRequestFor(request));
      ASSERT_EQ(r.status, 200) << r.body;
      std::vector<json> from_grpc, from_rest;
      for (const auto& card : grpc_answer.cards()) {
        if (card.service_id() == service) from_grpc.push_back(DecisionOf(card));
      }
      const json rest_answer = r.Json();
      for (const auto& card : rest_answer["cards"]) from_rest.push_back(DecisionOf(card));
      EXPECT_EQ(json(from_rest), json(from_grpc)) << service;
      ++compared;
    }
  }
  EXPECT_GE(compared, 27) << "every example of the three built-in plugins";
}

TEST_F(CdsHooksRest, GrpcEvaluateAcceptsFhirContextAndPrefetch) {
  const json synthetic = SyntheticRequest();
  cds::v1::EvaluateRequest request;
  request.set_hook("order-select");
  request.set_hook_instance("0c0c7a3e-95f1-4a38-8f0e-2c3a4b5d6e7f");
  request.add_service_ids("ketamine-eligibility");
  request.set_evaluation_date("2026-11-20");
  google::protobuf::util::TimeUtil::FromString("2026-11-20T10:00:00Z", request.mutable_evaluation_time());
  request.set_fhir_context_json(synthetic["context"].dump());
  request.set_fhir_prefetch_json(synthetic["prefetch"].dump());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(synthetic["extension"]["dev.cdsd.patient"].dump(),
                                                          request.mutable_patient())
                  .ok());
  cds::v1::EvaluateResponse response;
  auto context = testing::ContextWithDeadline();
  const grpc::Status status = server_->stub().Evaluate(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.cards_size(), 1);
  EXPECT_EQ(response.cards(0).eligibility().status(), cds::v1::ELIGIBILITY_STATUS_ELIGIBLE);
  EXPECT_EQ(response.input_problems_size(), 0);

  // A resource that cannot be mapped is reported on the response, never guessed.
  json prefetch = synthetic["prefetch"];
  prefetch["conditions"]["entry"].push_back({{"resource", {{"resourceType", "Condition"}}}});
  request.set_fhir_prefetch_json(prefetch.dump());
  request.set_hook_instance("0c0c7a3e-95f1-4a38-8f0e-2c3a4b5d6e80");
  auto again = testing::ContextWithDeadline();
  ASSERT_TRUE(server_->stub().Evaluate(again.get(), request, &response).ok());
  ASSERT_GE(response.input_problems_size(), 1);
  EXPECT_THAT(response.input_problems(0).path(), HasSubstr("prefetch.conditions.entry[2]"));

  request.set_fhir_prefetch_json("{not json");
  auto bad = testing::ContextWithDeadline();
  const grpc::Status refused = server_->stub().Evaluate(bad.get(), request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::ViolatedFields(refused), Contains("fhir_prefetch_json"));
}

TEST_F(CdsHooksRest, ReverseDomainCustomHooksAndTheirOldNamesBothWork) {
  for (const char* hook : {"treatment-review", kTreatmentReviewHook}) {
    SCOPED_TRACE(hook);
    cds::v1::EvaluateRequest request;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    ReadText(SourceFile("examples/dosing_schedule/trd-in-progress-review.json")), &request)
                    .ok());
    request.set_hook(hook);
    cds::v1::EvaluateResponse response;
    auto context = testing::ContextWithDeadline();
    const grpc::Status status = server_->stub().Evaluate(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GT(response.cards_size(), 0);
  }
}

// Feedback as CDS Hooks defines it, into the same audit trail as gRPC feedback.
TEST_F(CdsHooksRest, FeedbackPerSpecIsRecordedAndOverrideNeedsNoReason) {
  const HttpResult evaluated = Post("/cds-services/" + ServiceFor("ketamine-eligibility", "order-select"), SyntheticRequest());
  ASSERT_EQ(evaluated.status, 200);
  const std::string card = evaluated.Json()["cards"][0]["uuid"];
  const json accepted = {{"feedback", json::array({{{"card", card}, {"outcome", "accepted"},
                                                    {"outcomeTimestamp", "2026-11-20T10:01:00Z"}}})}};
  EXPECT_EQ(Post("/cds-services/ketamine-eligibility/feedback", accepted).status, 200);
  const json overridden = {{"feedback", json::array({{{"card", card}, {"outcome", "overridden"},
                                                      {"outcomeTimestamp", "2026-11-20T10:02:00Z"}}})}};
  const HttpResult r = Post("/cds-services/ketamine-eligibility/feedback", overridden);
  EXPECT_EQ(r.status, 200) << "overrideReason is optional in CDS Hooks: " << r.body;
  const json with_reason = {
      {"feedback", json::array({{{"card", card},
                                 {"outcome", "overridden"},
                                 {"overrideReason", {{"reason", {{"code", "patient-declined"}, {"system", "http://example.org"}}},
                                                     {"userComment", "discussed"}}},
                                 {"outcomeTimestamp", "2026-11-20T10:03:00Z"}}})}};
  EXPECT_EQ(Post("/cds-services/ketamine-eligibility/feedback", with_reason).status, 200);
}

TEST_F(CdsHooksRest, FeedbackWithoutOutcomeTimestampIs400NamingIt) {
  const json body = {{"feedback", json::array({{{"card", "0c0c7a3e-95f1-4a38-8f0e-2c3a4b5d6e7f"}, {"outcome", "accepted"}}})}};
  const HttpResult r = Post("/cds-services/ketamine-eligibility/feedback", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("feedback[0].outcomeTimestamp"));
}

TEST_F(CdsHooksRest, FeedbackOnACardNeverIssuedIs404) {
  const json body = {{"feedback", json::array({{{"card", "0c0c7a3e-95f1-4a38-8f0e-2c3a4b5d6e7f"}, {"outcome", "accepted"},
                                                {"outcomeTimestamp", "2026-11-20T10:01:00Z"}}})}};
  EXPECT_EQ(Post("/cds-services/ketamine-eligibility/feedback", body).status, 404);
}

TEST_F(CdsHooksRest, CorsPreflightNamesTheAllowedMethodsAndHeaders) {
  const HttpResult r = HttpCall(address(), "OPTIONS", "/cds-services/ketamine-eligibility", "",
                                {{"Origin", "https://ehr.example.org"}, {"Access-Control-Request-Method", "POST"},
                                 {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(r.status, 204) << r.error;
  EXPECT_EQ(r.Header("access-control-allow-origin"), "*");
  EXPECT_THAT(r.Header("access-control-allow-methods"), HasSubstr("POST"));
  EXPECT_THAT(r.Header("access-control-allow-headers"), HasSubstr("Authorization"));
}

TEST_F(CdsHooksRest, MalformedJsonIs400NamingWhereItBroke) {
  const HttpResult r = HttpCall(address(), "POST", "/cds-services/ketamine-eligibility", R"({"hook": "patient-view",)");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("not valid JSON (at byte"));
}

TEST_F(CdsHooksRest, MissingFieldsAre400NamingEachField) {
  const HttpResult r = Post("/cds-services/ketamine-eligibility", {{"hook", "patient-view"}, {"hookInstance", "nope"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("hookInstance"));
  EXPECT_THAT(r.body, HasSubstr("\"context\""));
}

TEST_F(CdsHooksRest, UnknownServiceIs404AndWrongContentTypeIs415) {
  EXPECT_EQ(Post("/cds-services/no-such-service", SyntheticRequest()).status, 404);
  EXPECT_EQ(HttpCall(address(), "POST", "/cds-services/ketamine-eligibility", "{}", {{"Content-Type", "text/plain"}}).status,
            415);
  EXPECT_EQ(HttpCall(address(), "GET", "/elsewhere").status, 404);
}

TEST_F(CdsHooksRest, BodyOverMaxRequestBytesIs413) {
  const std::string huge(5 << 20, ' ');  // over the default limits.max_request_bytes (4 MiB)
  const HttpResult r = HttpCall(address(), "POST", "/cds-services/ketamine-eligibility", "{" + huge + "}");
  // The door answers 413 as soon as the Content-Length is read; a client still sending may see
  // the connection close instead.
  EXPECT_TRUE(r.status == 413 || (r.status == 0 && !r.error.empty())) << r.status << " " << r.error;
  EXPECT_EQ(HttpCall(address(), "GET", "/cds-services").status, 200) << "still serving";
}

TEST_F(CdsHooksRest, ASlowClientIsDisconnectedAfterTheHeaderTimeout) {
  const size_t colon = address().rfind(':');
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::stoi(address().substr(colon + 1))));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  const std::string partial = "POST /cds-services/ketamine-eligibility HTTP/1.1\r\nHost: x\r\n";
  ASSERT_GT(::send(fd, partial.data(), partial.size(), 0), 0);
  timeval wait{3, 0};  // far beyond the 400 ms header timeout of this server
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  const auto start = std::chrono::steady_clock::now();
  char buffer[256];
  const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
  const auto waited = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(got, 0) << "the server closed the connection";
  EXPECT_LT(waited, std::chrono::milliseconds(2500)) << "within about the header timeout";
  EXPECT_EQ(HttpCall(address(), "GET", "/cds-services").status, 200) << "still serving";
}

TEST_F(CdsHooksRest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  const size_t colon = address().rfind(':');
  socket.connect({boost::asio::ip::make_address("127.0.0.1"),
                  static_cast<unsigned short>(std::stoi(address().substr(colon + 1)))});
  const std::string body = SyntheticRequest().dump();
  const std::string head = "POST /cds-services/" + ServiceFor("ketamine-eligibility", "order-select") +
                           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response_parser<boost::beast::http::empty_body> interim_parser;
  boost::beast::http::read_header(socket, buffer, interim_parser);
  EXPECT_EQ(interim_parser.get().result(), boost::beast::http::status::continue_) << "the client is told to go on";
  boost::asio::write(socket, boost::asio::buffer(body));
  boost::beast::http::response<boost::beast::http::string_body> response;
  boost::beast::http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200u) << response.body();
}

TEST_F(CdsHooksRest, KeepAliveServesSeveralRequestsOnOneConnection) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  const size_t colon = address().rfind(':');
  boost::asio::ip::tcp::resolver resolver(io);
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(resolver.resolve("127.0.0.1", address().substr(colon + 1)));
  for (int i = 0; i < 3; ++i) {
    boost::beast::http::request<boost::beast::http::string_body> request{boost::beast::http::verb::get, "/cds-services", 11};
    request.set(boost::beast::http::field::host, "x");
    boost::beast::http::write(stream, request);
    boost::beast::flat_buffer buffer;
    boost::beast::http::response<boost::beast::http::string_body> response;
    boost::beast::http::read(stream, buffer, response);
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_TRUE(response.keep_alive());
  }
}

TEST(CdsHooksRestBounds, ConnectionsOverMaxConnectionsAreAnswered503AndClosed) {
  testing::TestServer cdsd({{"echo", testing::TestPlugin("libcds_test_echo.so")}},
                           "cds_hooks: {listen: 127.0.0.1:0, max_connections: 2}\n");
  const std::string address = cdsd.server().cds_hooks_address();
  const size_t colon = address.rfind(':');
  boost::asio::io_context io;
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<unsigned short>(std::stoi(address.substr(colon + 1))));
  boost::asio::ip::tcp::socket first(io), second(io);
  first.connect(endpoint);
  second.connect(endpoint);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both accepted and counted
  const HttpResult third = HttpCall(address, "GET", "/cds-services");
  EXPECT_EQ(third.status, 503) << third.error;
  first.close();
  second.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(HttpCall(address, "GET", "/cds-services").status, 200) << "a closed connection frees its place";
}

}  // namespace
}  // namespace cdsd
