#include "plugin/plugin_service.h"

#include <unistd.h>

#include <climits>

#include "plugin/utf8_text.h"

namespace cdsd {
namespace {

// The runner shipped next to the cdsd binary.
std::filesystem::path DefaultRunnerPath() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "cdsd-plugin-runner";
  return self.parent_path() / "cdsd-plugin-runner";
}

}  // namespace

PluginBytes& PluginBytes::operator=(PluginBytes&& other) noexcept {
  if (this != &other) {
    Release();
    api_ = other.api_;
    if (other.api_ == nullptr && other.bytes_.data != nullptr) {
      owned_ = std::move(other.owned_);
      bytes_ = {reinterpret_cast<uint8_t*>(owned_.data()), owned_.size()};
    } else {
      bytes_ = other.bytes_;
    }
    other.bytes_ = {nullptr, 0};
    other.owned_.clear();
  }
  return *this;
}

void PluginBytes::Release() {
  if (bytes_.data != nullptr && api_ != nullptr) api_->free_bytes(bytes_.data);
  bytes_ = {nullptr, 0};
  owned_.clear();
  owned_.shrink_to_fit();
}

absl::StatusOr<std::shared_ptr<PluginService>> PluginService::Create(
    const PluginConfig& config, std::shared_ptr<const PluginLibrary> library,
    nlohmann::json settings) {
  const std::string text = settings.dump();
  cds_plugin_instance* instance = nullptr;
  cds_bytes error{nullptr, 0};
  const cds_plugin_api& api = library->api();
  const cds_status status = api.create(text.data(), text.size(), &instance, &error);
  if (status != CDS_STATUS_OK) {
    return absl::FailedPreconditionError("plugin '" + config.id + "' (" + config.path.string() +
                                         ") refused its settings (" + StatusName(status) +
                                         "): " + TakeError(api, &error));
  }
  if (instance == nullptr) {
    return absl::FailedPreconditionError("plugin '" + config.id + "' (" + config.path.string() +
                                         "): create returned OK but no instance");
  }
  return std::make_shared<PluginService>(config.id, config.timeout, std::move(library),
                                         std::move(settings), instance);
}

absl::StatusOr<std::shared_ptr<PluginService>> PluginService::CreateIsolated(const PluginConfig& config,
                                                                            const PluginRunnerConfig& runners,
                                                                            const nlohmann::json& shared_settings) {
  RunnerOptions options;
  options.service_id = config.id;
  options.runner_path = runners.runner_path.empty() ? DefaultRunnerPath() : runners.runner_path;
  options.plugin_path = config.path;
  options.sha256 = config.sha256;
  options.threads = config.max_concurrent_calls > 0 ? config.max_concurrent_calls : 4;
  options.max_payload = config.max_output_bytes + (64 << 10);
  options.memory_limit_mb = runners.memory_limit_mb;
  options.start_timeout = std::chrono::milliseconds(runners.start_timeout_ms);
  options.breaker.restart_backoff = std::chrono::milliseconds(runners.restart_backoff_ms);
  options.breaker.max_restart_backoff = std::chrono::milliseconds(runners.max_restart_backoff_ms);
  options.breaker.max_crashes = runners.max_crashes;
  options.breaker.crash_window = std::chrono::seconds(runners.crash_window_s);
  options.breaker.cooldown = std::chrono::seconds(runners.breaker_cooldown_s);
  options.poison_crashes = runners.poison_crashes;
  options.stats = StatsFor(config.id);
  auto runner = RunnerClient::Launch(std::move(options));
  if (!runner.ok()) {
    return absl::FailedPreconditionError("plugin '" + config.id + "' (" + config.path.string() +
                                         ", isolation: process): " + std::string(runner.status().message()));
  }
  auto library = PluginLibrary::FromRunner(config.path, (*runner)->abi_version(), (*runner)->info_bytes());
  if (!library.ok()) return library.status();
  nlohmann::json settings = EffectiveSettings(config, shared_settings, **library);
  if (absl::Status created = (*runner)->Configure(settings.dump()); !created.ok()) {
    return absl::FailedPreconditionError(std::string(created.message()));
  }
  return std::make_shared<PluginService>(config.id, config.timeout, *std::move(library), std::move(settings),
                                         nullptr, *std::move(runner));
}

PluginService::PluginService(std::string id, std::chrono::milliseconds timeout,
                             std::shared_ptr<const PluginLibrary> library, nlohmann::json settings,
                             cds_plugin_instance* instance, std::unique_ptr<RunnerClient> runner)
    : id_(std::move(id)),
      timeout_(timeout),
      library_(std::move(library)),
      settings_(std::move(settings)),
      instance_(instance),
      runner_(std::move(runner)),
      stats_(StatsFor(id_)) {
  const auto& info = library_->info();
  descriptor_.set_id(id_);
  descriptor_.set_title(info.title());
  descriptor_.set_description(info.description());
  *descriptor_.mutable_hooks() = info.hooks();
  descriptor_.mutable_plugin()->set_id(info.id());
  descriptor_.mutable_plugin()->set_name(info.name());
  descriptor_.mutable_plugin()->set_version(info.version());
  descriptor_.mutable_plugin()->set_vendor(info.vendor());
  descriptor_.set_knowledge_version(info.knowledge_version());
  *descriptor_.mutable_inputs() = info.inputs();
}

PluginService::~PluginService() {
  if (instance_ != nullptr) library_->api().destroy(instance_);
}

PluginCallResult PluginService::Evaluate(std::string_view request, const PluginCallContext& context) const {
  if (runner_) {
    RunnerAnswer answer = runner_->Evaluate(request, context.deadline, context.fingerprint, context.evaluation_id);
    PluginCallResult result;
    result.status = answer.status <= CDS_STATUS_INTERNAL ? static_cast<cds_status>(answer.status) : CDS_STATUS_INTERNAL;
    result.deadline_passed = answer.deadline_passed;
    result.runner_failure = answer.runner_failure;
    if (result.status == CDS_STATUS_OK) result.response = PluginBytes(std::move(answer.response));
    else result.error = ValidUtf8(answer.error, 1024);  // the runner holds untrusted code: bound it again
    return result;
  }
  const cds_plugin_api& api = library_->api();
  cds_bytes response{nullptr, 0};
  cds_bytes error{nullptr, 0};
  PluginCallResult result;
  result.status = api.evaluate(instance_, reinterpret_cast<const uint8_t*>(request.data()),
                               request.size(), &response, &error);
  result.response = PluginBytes(&api, response);
  if (result.status != CDS_STATUS_OK) result.error = TakeError(api, &error);
  else if (error.data != nullptr) api.free_bytes(error.data);
  return result;
}

bool PluginService::Answers(std::string_view hook) const {
  for (const std::string& h : library_->info().hooks()) {
    if (h == hook) return true;
  }
  return false;
}

nlohmann::json EffectiveSettings(const PluginConfig& config, const nlohmann::json& shared_settings,
                                 const PluginLibrary& library) {
  nlohmann::json settings = config.settings.is_object() ? config.settings : nlohmann::json::object();
  for (auto it = shared_settings.begin(); it != shared_settings.end(); ++it) {
    if (!settings.contains(it.key()) && library.DeclaresSetting(it.key())) {
      settings[it.key()] = it.value();
    }
  }
  return settings;
}

}  // namespace cdsd
