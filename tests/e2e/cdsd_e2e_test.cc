// End to end through the real cdsd binary and the built-in plugins: every example request under
// examples/ is evaluated over gRPC and its answer checked against <example>.expect.json; cdsctl
// prints readable cards; SIGTERM drains and exits 0; --check-config finds what is wrong.
#include <cds/v1/decision_support.grpc.pb.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cdsd_process.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

const char* kBuiltIns[][2] = {
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

// Every key of `expected` must be in `actual` with a matching value; every element of an
// expected array must match some element of the actual array.
void ExpectSubset(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                  std::vector<std::string>& mismatches) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      mismatches.push_back(path + ": expected an object");
      return;
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto found = actual.find(it.key());
      if (found == actual.end()) mismatches.push_back(path + "." + it.key() + ": missing");
      else ExpectSubset(*it, *found, path + "." + it.key(), mismatches);
    }
  } else if (expected.is_array()) {
    if (!actual.is_array()) {
      mismatches.push_back(path + ": expected an array");
      return;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      bool any = false;
      for (const auto& candidate : actual) {
        std::vector<std::string> inner;
        ExpectSubset(expected[i], candidate, path, inner);
        any = any || inner.empty();
      }
      if (!any) mismatches.push_back(path + "[" + std::to_string(i) + "]: no element matches " + expected[i].dump());
    }
  } else if (expected != actual) {
    mismatches.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
  }
}

std::vector<std::filesystem::path> Examples() {
  std::vector<std::filesystem::path> found;
  const auto root = SourceFile("examples");
  if (!std::filesystem::exists(root)) return found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.find(".expect.") == std::string::npos &&
        std::filesystem::exists(entry.path().parent_path() / (entry.path().stem().string() + ".expect.json"))) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

class BuiltInPlugins : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::vector<PluginEntry> plugins;
    for (const auto& p : kBuiltIns) plugins.push_back({p[0], BuiltInPlugin(p[1]), 1000});
    config_ = dir_->path() / "cdsd.yaml";
    std::ofstream(config_) << ConfigYaml(plugins, "shared_settings: {label_edition: us-2025}\n");
    process_ = new CdsdProcess(config_, dir_->path());
  }
  static void TearDownTestSuite() {
    delete process_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(process_->serving()) << "cdsd did not start:\n" << process_->Log(); }

  static TempDir* dir_;
  static std::filesystem::path config_;
  static CdsdProcess* process_;
};
TempDir* BuiltInPlugins::dir_ = nullptr;
std::filesystem::path BuiltInPlugins::config_;
CdsdProcess* BuiltInPlugins::process_ = nullptr;

TEST_F(BuiltInPlugins, AllThreeServicesAreListed) {
  const CommandResult r = RunCommand("CDSD_ADDRESS=" + process_->address() + " " + CdsctlBinary() + " services");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const auto& p : kBuiltIns) EXPECT_THAT(r.output, ::testing::HasSubstr(p[0]));
}

TEST_F(BuiltInPlugins, EveryExampleAnswersAsExpected) {
  const auto examples = Examples();
  ASSERT_GE(examples.size(), 9u) << "each built-in plugin ships examples";
  auto stub = cds::v1::DecisionSupport::NewStub(
      grpc::CreateChannel(process_->address(), grpc::InsecureChannelCredentials()));
  for (const auto& example : examples) {
    SCOPED_TRACE(example.string());
    cds::v1::EvaluateRequest request;
    const auto parsed = google::protobuf::util::JsonStringToMessage(ReadText(example), &request);
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    cds::v1::EvaluateResponse response;
    auto context = ContextWithDeadline();
    const grpc::Status status = stub->Evaluate(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : response.service_results()) {
      EXPECT_EQ(r.status(), cds::v1::SERVICE_STATUS_OK) << r.service_id() << ": " << r.message();
    }
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(response, &json, options).ok());
    const auto expected_path = example.parent_path() / (example.stem().string() + ".expect.json");
    const nlohmann::json expected = nlohmann::json::parse(ReadText(expected_path), nullptr, false);
    ASSERT_FALSE(expected.is_discarded()) << expected_path << " is not JSON";
    std::vector<std::string> mismatches;
    ExpectSubset(expected, nlohmann::json::parse(json), "response", mismatches);
    EXPECT_THAT(mismatches, ::testing::IsEmpty());
    for (const auto& card : response.cards()) {
      EXPECT_LT(card.summary().size(), 140u);
      EXPECT_FALSE(card.citations().empty()) << "every card cites its sources";
      EXPECT_FALSE(card.criteria().empty()) << "every card lists the criteria checked";
      EXPECT_FALSE(card.knowledge_version().empty());
    }
  }
}

TEST_F(BuiltInPlugins, CdsctlPrintsAReadableCardWithItsBasis) {
  const auto examples = Examples();
  ASSERT_FALSE(examples.empty());
  const CommandResult r = RunCommand("CDSD_ADDRESS=" + process_->address() + " " + CdsctlBinary() +
                              " evaluate --input " + examples.front().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, ::testing::HasSubstr("Criteria checked:"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("Sources:"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("Services:"));
}

TEST_F(BuiltInPlugins, CdsctlReportsFieldViolationsOfAMalformedRequest) {
  const auto bad = dir_->path() / "bad.json";
  std::ofstream(bad) << R"({"hook": "patient-view", "hookInstance": "nope", "patient": {"birthDate": "1990-02-30"}})";
  const CommandResult r = RunCommand("CDSD_ADDRESS=" + process_->address() + " " + CdsctlBinary() + " evaluate --input " +
                              bad.string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, ::testing::HasSubstr("hook_instance:"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("patient.birth_date:"));
}

TEST_F(BuiltInPlugins, CdsctlListsPluginsThroughTheAdminSocket) {
  const CommandResult r = RunCommand(CdsctlBinary() + " --admin-socket " + process_->admin_socket().string() + " plugins");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, ::testing::HasSubstr("LOADED"));
  for (const auto& p : kBuiltIns) EXPECT_THAT(r.output, ::testing::HasSubstr(p[0]));
}

// A loopback port that was free a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(CdsdProcessTest, MetricsEndpointCountsCallsPerService) {
  TempDir dir;
  const int port = FreePort();
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")}},
                                      "metrics_listen: 127.0.0.1:" + std::to_string(port) + "\n");
  CdsdProcess process(config, dir.path());
  ASSERT_TRUE(process.serving()) << process.Log();
  auto stub = cds::v1::DecisionSupport::NewStub(grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 3; ++i) {
    cds::v1::EvaluateResponse response;
    auto context = ContextWithDeadline();
    ASSERT_TRUE(stub->Evaluate(context.get(), MinimalRequest(), &response).ok());
  }
  // bash's /dev/tcp: no HTTP client needed.
  const CommandResult r = RunCommand("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) +
                                     " && printf \"GET /metrics HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3'");
  EXPECT_THAT(r.output, ::testing::HasSubstr("cdsd_service_calls_total{service=\"echo\"} 3"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("cdsd_service_latency_seconds_count{service=\"echo\"} 3"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("cdsd_config_generation 1"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("cdsd_reloads_total{result=\"failure\"} 0"));
}

TEST(CdsdProcessTest, JsonLogsAreOneObjectPerLineWithoutPatientData) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")},
                                       {"throws", TestPlugin("libcds_test_throws.so")},
                                       {"broken", TestPlugin("libcds_test_raw_2_0.so")}},
                                      "logging: {format: json, level: debug}\n");
  CdsdProcess process(config, dir.path());
  ASSERT_TRUE(process.serving()) << process.Log();
  auto stub = cds::v1::DecisionSupport::NewStub(grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials()));
  auto request = MinimalRequest();
  request.mutable_patient()->set_patient_id("MRN-SECRET-4711");
  request.mutable_patient()->set_birth_date("1961-07-23");
  cds::v1::EvaluateResponse response;
  auto context = ContextWithDeadline();
  ASSERT_TRUE(stub->Evaluate(context.get(), request, &response).ok());
  ASSERT_EQ(process.Stop(SIGTERM, std::chrono::seconds(10)), 0);

  const std::string log = process.Log();
  std::istringstream lines(log);
  std::string line;
  int count = 0;
  std::set<std::string> events;
  while (std::getline(lines, line)) {
    const auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
    ASSERT_TRUE(parsed.contains("event") && parsed.contains("time") && parsed.contains("level")) << line;
    events.insert(parsed["event"].get<std::string>());
    ++count;
  }
  EXPECT_GE(count, 5);
  for (const char* e : {"plugin_loaded", "plugin_refused", "serving", "service_failed", "stopped"}) {
    EXPECT_TRUE(events.count(e)) << "missing event " << e << " in:\n" << log;
  }
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("MRN-SECRET-4711")));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("1961-07-23")));
}

TEST(CdsdProcessTest, SigtermDrainsAndExitsZero) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")}});
  CdsdProcess process(config, dir.path());
  ASSERT_TRUE(process.serving()) << process.Log();
  EXPECT_EQ(process.Stop(SIGTERM, std::chrono::seconds(10)), 0) << process.Log();
  EXPECT_THAT(process.Log(), ::testing::HasSubstr("stopped"));
}

TEST(CdsdProcessTest, SigtermLetsTheCallInFlightFinishAndDoesNotWaitForIdleConnections) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"slow", TestPlugin("libcds_test_sleeps.so"), 5000, "{sleep_ms: 500}"}});
  CdsdProcess process(config, dir.path(), /*shutdown_grace_ms=*/20000);
  ASSERT_TRUE(process.serving()) << process.Log();
  // An EHR keeps its channel open; gRPC alone would wait for it until the grace period ends.
  auto channel = grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials());
  auto stub = cds::v1::DecisionSupport::NewStub(channel);
  grpc::Status status;
  cds::v1::EvaluateResponse response;
  std::thread call([&] {
    auto context = ContextWithDeadline();
    status = stub->Evaluate(context.get(), MinimalRequest(), &response);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // Exiting within 10 s proves cdsd did not sit out its 20 s grace period.
  EXPECT_EQ(process.Stop(SIGTERM, std::chrono::seconds(10)), 0) << process.Log();
  call.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.service_results_size(), 1);
  EXPECT_EQ(response.service_results(0).status(), cds::v1::SERVICE_STATUS_OK) << "drained, not cut off";
}

TEST(CdsdProcessTest, SighupReloadsTheConfig) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")}});
  CdsdProcess process(config, dir.path());
  ASSERT_TRUE(process.serving()) << process.Log();
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo_v2.so")}});
  process.Signal(SIGHUP);
  for (int i = 0; i < 200 && process.Log().find("reloaded") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_THAT(process.Log(), ::testing::HasSubstr("replaced echo 1.0.0 -> 2.0.0"));
}

TEST(CdsdProcessTest, InvalidConfigRefusesToStartAndNamesTheLine) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << "listen: 127.0.0.1:0\nplugins:\n  - id: x\n    path: a.so\n    timeout_ms: -5\n";
  const CommandResult r = RunCommand(CdsdBinary() + " --config " + config.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, ::testing::HasSubstr("cdsd.yaml:5:17: timeout_ms must be between 1 and 60000"));
}

TEST(CdsdProcessTest, CheckConfigAcceptsTheShippedDefaultConfig) {
  const CommandResult r = RunCommand(CdsdBinary() + " --check-config " + std::string(CDS_BINARY_DIR) + "/cdsd.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, ::testing::HasSubstr("config OK"));
}

TEST(CdsdProcessTest, CheckConfigReportsEachBrokenPlugin) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")},
                                       {"old-abi", TestPlugin("libcds_test_raw_2_0.so")},
                                       {"bad-settings", TestPlugin("libcds_test_echo.so"), 100, "{cards: -1}"}});
  const CommandResult r = RunCommand(CdsdBinary() + " --check-config " + config.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, ::testing::HasSubstr("old-abi: plugin"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("major versions differ"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("cards: must be at least 0"));
}

}  // namespace
}  // namespace cdsd::testing
