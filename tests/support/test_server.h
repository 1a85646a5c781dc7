// Test support: writes a config for the given plugins into a fresh temporary folder and runs a
// real CdsServer on a free loopback port, with a real gRPC channel to it.
#ifndef CDSD_TESTS_SUPPORT_TEST_SERVER_H_
#define CDSD_TESTS_SUPPORT_TEST_SERVER_H_

#include <cds/admin/v1/admin.grpc.pb.h>
#include <cds/v1/decision_support.grpc.pb.h>
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/cds_server.h"

namespace cdsd::testing {

// A test plugin library by file name (in the test plugin folder).
std::filesystem::path TestPlugin(const std::string& file_name);
// A built-in plugin library by file name (in the build's plugin folder).
std::filesystem::path BuiltInPlugin(const std::string& file_name);
// A file of the source tree, e.g. "examples/eligibility/eligible.json".
std::filesystem::path SourceFile(const std::string& relative);

struct PluginEntry {
  std::string id;
  std::filesystem::path path;
  int timeout_ms = 1000;
  std::string settings_yaml = "{}";
  bool enabled = true;
  std::string sha256;  // written as `sha256:` when set
  std::string isolation;  // written as `isolation:` when set
  int max_concurrent_calls = 0;  // written when set
};

// A plugin_runners section using the runner of this build, with the given extra keys
// (e.g. "max_crashes: 2, breaker_cooldown_s: 1").
std::string PluginRunnersYaml(const std::string& keys = "");

// A fresh folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string ConfigYaml(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml = "");

class TestServer {
 public:
  explicit TestServer(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml = "");
  ~TestServer();

  cds::v1::DecisionSupport::Stub& stub() { return *stub_; }
  cds::admin::v1::Admin::Stub& admin() { return *admin_; }
  CdsServer& server() { return *server_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // Replaces the config file (for reload tests).
  void WriteConfig(const std::vector<PluginEntry>& plugins, const std::string& extra_yaml = "");

 private:
  TempDir dir_;
  std::filesystem::path config_path_;
  std::unique_ptr<CdsServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cds::v1::DecisionSupport::Stub> stub_;
  std::unique_ptr<cds::admin::v1::Admin::Stub> admin_;
};

// A request for `hook` with a fixed evaluation time and a minimal patient.
cds::v1::EvaluateRequest MinimalRequest(const std::string& hook = "patient-view");

// The google.rpc.BadRequest field names carried by a failed status.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int milliseconds = 10000);

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_SUPPORT_TEST_SERVER_H_
