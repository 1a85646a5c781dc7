#include "plugin/plugin_service.h"

namespace cdsd {

PluginBytes& PluginBytes::operator=(PluginBytes&& other) noexcept {
  if (this != &other) {
    Release();
    api_ = other.api_;
    bytes_ = other.bytes_;
    other.bytes_ = {nullptr, 0};
  }
  return *this;
}

void PluginBytes::Release() {
  if (bytes_.data != nullptr && api_ != nullptr) api_->free_bytes(bytes_.data);
  bytes_ = {nullptr, 0};
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

PluginService::PluginService(std::string id, std::chrono::milliseconds timeout,
                             std::shared_ptr<const PluginLibrary> library, nlohmann::json settings,
                             cds_plugin_instance* instance)
    : id_(std::move(id)),
      timeout_(timeout),
      library_(std::move(library)),
      settings_(std::move(settings)),
      instance_(instance),
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

PluginService::~PluginService() { library_->api().destroy(instance_); }

PluginCallResult PluginService::Evaluate(std::string_view request) const {
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
