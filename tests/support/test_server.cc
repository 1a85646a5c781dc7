#include "support/test_server.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "config/config.h"

namespace cdsd::testing {

std::filesystem::path TestPlugin(const std::string& file_name) {
  return std::filesystem::path(CDS_TEST_PLUGIN_DIR) / file_name;
}

std::filesystem::path BuiltInPlugin(const std::string& file_name) {
  return std::filesystem::path(CDS_PLUGIN_DIR) / file_name;
}

std::filesystem::path SourceFile(const std::string& relative) {
  return std::filesystem::path(CDS_SOURCE_DIR) / relative;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("cdsd-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ConfigYaml(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml) {
  std::string yaml = "listen: 127.0.0.1:0\nadmin_socket: admin.sock\naudit: {path: audit.sqlite}\n" +
                     extra_yaml + "plugins:\n";
  for (const PluginEntry& p : plugins) {
    yaml += "  - id: " + p.id + "\n    path: " + p.path.string() + "\n    timeout_ms: " +
            std::to_string(p.timeout_ms) + "\n    enabled: " + (p.enabled ? "true" : "false") +
            "\n    settings: " + p.settings_yaml + "\n" + (p.sha256.empty() ? "" : "    sha256: " + p.sha256 + "\n") +
            (p.isolation.empty() ? "" : "    isolation: " + p.isolation + "\n") +
            (p.max_concurrent_calls == 0 ? "" : "    max_concurrent_calls: " + std::to_string(p.max_concurrent_calls) + "\n");
  }
  if (plugins.empty()) yaml += "  []\n";
  return yaml;
}

std::string PluginRunnersYaml(const std::string& keys) {
  return "plugin_runners: {runner_path: " CDS_BINARY_DIR "/host/cdsd-plugin-runner" + (keys.empty() ? "" : ", " + keys) +
         "}\n";
}

TestServer::TestServer(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml) {
  config_path_ = dir_.path() / "cdsd.yaml";
  WriteConfig(plugins, extra_yaml);
  ConfigLoadResult loaded = LoadConfigFile(config_path_);
  if (!loaded.config) {
    ADD_FAILURE() << "test config invalid:\n" << FormatProblems(loaded.problems);
    return;
  }
  auto server = CdsServer::Start(*std::move(loaded.config), {});
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    return;
  }
  server_ = *std::move(server);
  channel_ = grpc::CreateChannel(server_->listen_address(), grpc::InsecureChannelCredentials());
  stub_ = cds::v1::DecisionSupport::NewStub(channel_);
  admin_ = cds::admin::v1::Admin::NewStub(
      grpc::CreateChannel("unix:" + server_->admin_socket().string(), grpc::InsecureChannelCredentials()));
}

TestServer::~TestServer() {
  if (server_) server_->Shutdown(std::chrono::milliseconds(2000));
}

void TestServer::WriteConfig(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml) {
  std::ofstream(config_path_) << ConfigYaml(plugins, extra_yaml);
}

cds::v1::EvaluateRequest MinimalRequest(const std::string& hook) {
  cds::v1::EvaluateRequest request;
  request.set_hook(hook);
  request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  *request.mutable_evaluation_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1795000000);
  request.mutable_patient()->set_birth_date("1980-05-17");
  return request;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) fields.push_back(v.field());
    }
  }
  return fields;
}

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int milliseconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(milliseconds));
  return context;
}

}  // namespace cdsd::testing
