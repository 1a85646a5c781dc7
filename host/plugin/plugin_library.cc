#include "plugin/plugin_library.h"

#define BOOST_DLL_USE_STD_FS
#include <dlfcn.h>
#include <sys/stat.h>

#include <boost/dll/shared_library.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

namespace cdsd {
namespace {

// What identifies the file a library was loaded from, to detect a file replaced in place.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  time_t mtime = 0;
  bool operator==(const FileIdentity&) const = default;
};

struct LoadedLibrary {
  FileIdentity identity;
  // Kept for the life of the process on purpose: code of a retired plugin may still be running.
  boost::dll::shared_library handle;
  std::shared_ptr<const PluginLibrary> library;
  // Why it was refused, when `library` is null: the same answer on every later load.
  absl::Status refusal;
};

// Process-wide: every library ever loaded. Loading happens at startup and on reload, never on
// the request path, so a mutex is fine here. Deliberately leaked so no destructor runs dlclose.
struct LibraryRegistry {
  std::mutex mutex;
  std::map<std::filesystem::path, LoadedLibrary> by_path;
};
LibraryRegistry& Registry() {
  static auto* registry = new LibraryRegistry();
  return *registry;
}

absl::Status Refuse(const std::filesystem::path& path, const std::string& reason) {
  return absl::FailedPreconditionError("plugin " + path.string() + ": " + reason);
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> Validate(const std::filesystem::path& path,
                                                              const cds_plugin_api* api) {
  if (api == nullptr) return Refuse(path, "cds_plugin_entry returned no function table");
  if (absl::Status abi = CheckAbiCompatibility({api->abi_major, api->abi_minor}); !abi.ok()) {
    return Refuse(path, std::string(abi.message()));
  }
  if (api->struct_size < CDS_PLUGIN_API_SIZE_1_0) {
    return Refuse(path, "function table is " + std::to_string(api->struct_size) +
                            " bytes, smaller than ABI 1.0 requires (" +
                            std::to_string(CDS_PLUGIN_API_SIZE_1_0) + ")");
  }
  const char* missing = nullptr;
  if (!api->get_info) missing = "get_info";
  else if (!api->create) missing = "create";
  else if (!api->destroy) missing = "destroy";
  else if (!api->evaluate) missing = "evaluate";
  else if (!api->free_bytes) missing = "free_bytes";
  if (missing) return Refuse(path, std::string("required function ") + missing + " is missing");

  const uint8_t* info_bytes = nullptr;
  size_t info_size = 0;
  cds_bytes error{nullptr, 0};
  const cds_status status = api->get_info(&info_bytes, &info_size, &error);
  if (status != CDS_STATUS_OK) {
    return Refuse(path, std::string("get_info failed (") + StatusName(status) + "): " +
                            TakeError(*api, &error));
  }
  cds::plugin::v1::PluginInfo info;
  if (info_bytes == nullptr || info_size > INT32_MAX ||
      !info.ParseFromArray(info_bytes, static_cast<int>(info_size))) {
    return Refuse(path, "get_info returned bytes that are not a cds.plugin.v1.PluginInfo");
  }
  static const std::regex id_pattern("^[a-z0-9][a-z0-9-]{0,62}$");
  std::string problems;
  auto require = [&](bool ok, const char* what) {
    if (!ok) problems += std::string(problems.empty() ? "" : "; ") + what;
  };
  require(std::regex_match(info.id(), id_pattern), "id must be lower-kebab-case");
  require(!info.name().empty(), "name is empty");
  require(!info.version().empty(), "version is empty");
  require(!info.vendor().empty(), "vendor is empty");
  require(info.hooks_size() > 0, "no hooks");
  require(!info.knowledge_version().empty(), "knowledge_version is empty");
  std::vector<std::string> setting_names;
  if (!info.settings_schema().empty()) {
    const nlohmann::json schema = nlohmann::json::parse(info.settings_schema(), nullptr, false);
    if (schema.is_discarded() || !schema.is_object()) {
      require(false, "settings_schema is not a JSON object");
    } else if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) setting_names.push_back(it.key());
    }
  }
  if (!problems.empty()) return Refuse(path, "incomplete metadata: " + problems);
  if (info.title().empty()) info.set_title(info.name());
  return std::make_shared<const PluginLibrary>(path, api, std::move(info), std::move(setting_names));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLibrary::Load(
    const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Refuse(path, "file not found or not readable");
  if (!S_ISREG(st.st_mode)) return Refuse(path, "not a regular file");
  const FileIdentity identity{st.st_dev, st.st_ino, st.st_size, st.st_mtime};

  LibraryRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  if (auto it = registry.by_path.find(path); it != registry.by_path.end()) {
    if (!(it->second.identity == identity)) {
      return Refuse(path, "the file changed since it was loaded; a loaded library cannot be "
                          "replaced in place: install the new version at a new path");
    }
    if (!it->second.library) return it->second.refusal;
    return it->second.library;
  }

  boost::dll::shared_library handle;
  try {
    const auto mode = static_cast<boost::dll::load_mode::type>(
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local | RTLD_NODELETE);
    handle.load(path, mode);
  } catch (const std::exception& e) {
    const char* detail = ::dlerror();
    return Refuse(path, std::string("cannot be loaded: ") + (detail ? detail : e.what()));
  }
  if (!handle.has(CDS_PLUGIN_ENTRY_SYMBOL)) {
    absl::Status refusal = Refuse(path, "does not export " CDS_PLUGIN_ENTRY_SYMBOL " (not a cdsd plugin?)");
    registry.by_path[path] = LoadedLibrary{identity, std::move(handle), nullptr, refusal};
    return refusal;
  }
  const auto entry = handle.get<const cds_plugin_api*()>(CDS_PLUGIN_ENTRY_SYMBOL);
  auto validated = Validate(path, entry());
  registry.by_path[path] = LoadedLibrary{identity, std::move(handle),
                                         validated.ok() ? *validated : nullptr,
                                         validated.ok() ? absl::OkStatus() : validated.status()};
  return validated;
}

bool PluginLibrary::DeclaresSetting(const std::string& name) const {
  for (const std::string& s : setting_names_) {
    if (s == name) return true;
  }
  return false;
}

std::string TakeError(const cds_plugin_api& api, cds_bytes* error) {
  if (error->data == nullptr) return "(no message)";
  std::string text(reinterpret_cast<const char*>(error->data), error->size);
  api.free_bytes(error->data);
  error->data = nullptr;
  error->size = 0;
  constexpr size_t kMaxMessage = 1024;
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "...";
  return text;
}

const char* StatusName(cds_status status) {
  switch (status) {
    case CDS_STATUS_OK: return "OK";
    case CDS_STATUS_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case CDS_STATUS_INVALID_SETTINGS: return "INVALID_SETTINGS";
    case CDS_STATUS_UNSUPPORTED: return "UNSUPPORTED";
    case CDS_STATUS_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case CDS_STATUS_INTERNAL: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace cdsd
