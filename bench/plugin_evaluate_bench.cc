// Google Benchmark of one evaluate call of each built-in plugin, through the real C ABI (decode
// the request, apply the rules, encode the cards), on every example request of that plugin.
#include <benchmark/benchmark.h>
#include <cds/plugin/v1/plugin.pb.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "plugin/plugin_library.h"
#include "plugin/plugin_service.h"

namespace {

struct BuiltIn {
  const char* service_id;
  const char* library;
  const char* examples;
};
const BuiltIn kBuiltIns[] = {
    {"ketamine-eligibility", "libketamine_eligibility.so", "eligibility"},
    {"ketamine-dosing-schedule", "libketamine_dosing_schedule.so", "dosing_schedule"},
    {"ketamine-side-effect-triage", "libketamine_side_effect_triage.so", "side_effect_triage"},
};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bytes the host would pass to evaluate for this example request.
std::string PluginInput(const cds::v1::EvaluateRequest& request, const std::string& service_id) {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook(request.hook());
  input.set_hook_instance(request.hook_instance());
  *input.mutable_evaluation_time() = request.evaluation_time();
  input.set_evaluation_date(request.evaluation_date().empty() ? "2026-11-21" : request.evaluation_date());
  *input.mutable_patient() = request.patient();
  // What the host should forward from order-select / order-sign (see docs/api.md, draft orders).
  *input.mutable_draft_orders() = request.draft_orders();
  *input.mutable_selections() = request.selections();
  input.set_service_id(service_id);
  input.set_evaluation_id("00000000-0000-4000-8000-000000000000");
  return input.SerializeAsString();
}

void RegisterAll() {
  for (const BuiltIn& b : kBuiltIns) {
    const auto path = std::filesystem::path(CDS_PLUGIN_DIR) / b.library;
    auto library = cdsd::PluginLibrary::Load(path);
    if (!library.ok()) {
      std::cerr << "skipping " << b.service_id << ": " << library.status().message() << "\n";
      continue;
    }
    cdsd::PluginConfig config;
    config.id = b.service_id;
    config.path = path;
    auto service = cdsd::PluginService::Create(config, *library, nlohmann::json::object());
    if (!service.ok()) {
      std::cerr << "skipping " << b.service_id << ": " << service.status().message() << "\n";
      continue;
    }
    const auto dir = std::filesystem::path(CDS_SOURCE_DIR) / "examples" / b.examples;
    if (!std::filesystem::exists(dir)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() == ".json" && name.find(".expect.") == std::string::npos) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      cds::v1::EvaluateRequest request;
      if (!google::protobuf::util::JsonStringToMessage(ReadText(file), &request).ok()) continue;
      const std::string bytes = PluginInput(request, b.service_id);
      auto shared = *service;
      benchmark::RegisterBenchmark(
          (std::string(b.service_id) + "/" + file.stem().string()).c_str(),
          [shared, bytes](benchmark::State& state) {
            size_t out = 0;
            for (auto _ : state) {
              cdsd::PluginCallResult result = shared->Evaluate(bytes);
              if (result.status != CDS_STATUS_OK) {
                state.SkipWithError(result.error.c_str());
                return;
              }
              out = result.response.size();
              benchmark::DoNotOptimize(out);
            }
            state.counters["request_bytes"] = static_cast<double>(bytes.size());
            state.counters["response_bytes"] = static_cast<double>(out);
          });
    }
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
