// Google Benchmark: what one evaluate call costs with isolation: in_process (a call through the
// C ABI) and isolation: process (the same bytes framed over a Unix socket to
// cdsd-plugin-runner, answered, copied back), with the echo test plugin and the eligibility
// plugin on one of its example requests. Threads(4) shows how one multiplexed runner (4
// evaluate threads) holds up with concurrent callers.
#include <benchmark/benchmark.h>
#include <cds/plugin/v1/plugin.pb.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "plugin/plugin_service.h"

namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string PluginInput(const cds::v1::EvaluateRequest& request, const std::string& service_id) {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook(request.hook());
  input.set_hook_instance(request.hook_instance());
  *input.mutable_evaluation_time() = request.evaluation_time();
  input.set_evaluation_date("2026-11-21");
  *input.mutable_patient() = request.patient();
  input.set_service_id(service_id);
  input.set_evaluation_id("00000000-0000-4000-8000-000000000000");
  return input.SerializeAsString();
}

std::shared_ptr<cdsd::PluginService> Service(const std::string& id, const std::filesystem::path& path,
                                             cdsd::Isolation isolation) {
  cdsd::PluginConfig config;
  config.id = id + (isolation == cdsd::Isolation::kProcess ? "-process" : "-in-process");
  config.path = path;
  config.max_concurrent_calls = 4;
  if (isolation == cdsd::Isolation::kProcess) {
    cdsd::PluginRunnerConfig runners;
    runners.runner_path = CDS_BINARY_DIR "/host/cdsd-plugin-runner";
    auto service = cdsd::PluginService::CreateIsolated(config, runners, nlohmann::json::object());
    if (!service.ok()) std::cerr << "skipping " << config.id << ": " << service.status().message() << "\n";
    return service.ok() ? *service : nullptr;
  }
  auto library = cdsd::PluginLibrary::Load(path);
  if (!library.ok()) return nullptr;
  auto service = cdsd::PluginService::Create(config, *library, nlohmann::json::object());
  return service.ok() ? *service : nullptr;
}

void Register(const std::string& name, std::shared_ptr<cdsd::PluginService> service, std::string bytes) {
  if (!service) return;
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [service, bytes](benchmark::State& state) {
    cdsd::PluginCallContext context;
    context.fingerprint = 1;
    for (auto _ : state) {
      context.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      cdsd::PluginCallResult result = service->Evaluate(bytes, context);
      if (result.status != CDS_STATUS_OK) {
        state.SkipWithError(result.error.c_str());
        return;
      }
      benchmark::DoNotOptimize(result.response.size());
    }
    state.counters["request_bytes"] = static_cast<double>(bytes.size());
  });
  b->Threads(1)->Threads(4)->UseRealTime();
}

void RegisterAll() {
  cds::v1::EvaluateRequest echo_request;
  echo_request.set_hook("patient-view");
  echo_request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  echo_request.mutable_patient()->set_birth_date("1980-05-17");
  const std::filesystem::path echo = std::filesystem::path(CDS_TEST_PLUGIN_DIR) / "libcds_test_echo.so";
  for (auto isolation : {cdsd::Isolation::kInProcess, cdsd::Isolation::kProcess}) {
    Register(std::string("echo/") + cdsd::IsolationName(isolation), Service("echo", echo, isolation),
             PluginInput(echo_request, "echo"));
  }
  cds::v1::EvaluateRequest eligible;
  const auto example = std::filesystem::path(CDS_SOURCE_DIR) / "examples/eligibility/eligible.json";
  if (!google::protobuf::util::JsonStringToMessage(ReadText(example), &eligible).ok()) return;
  const std::filesystem::path eligibility = std::filesystem::path(CDS_PLUGIN_DIR) / "libketamine_eligibility.so";
  for (auto isolation : {cdsd::Isolation::kInProcess, cdsd::Isolation::kProcess}) {
    Register(std::string("ketamine-eligibility/") + cdsd::IsolationName(isolation),
             Service("eligibility", eligibility, isolation), PluginInput(eligible, "ketamine-eligibility"));
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterAll();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
