#include "plugin/plugin_library.h"

// BOOST_DLL_USE_STD_FS (Boost.DLL on std::filesystem) comes from the build target, so every file
// that includes Boost.DLL agrees on it.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/dll/shared_library.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "plugin/plugin_trust.h"
#include "plugin/utf8_text.h"

namespace cdsd {
namespace {

// What identifies the file a library was loaded from, to see that it changed.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec mtime{};
  timespec ctime{};
  bool operator==(const FileIdentity& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec && ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

FileIdentity IdentityOf(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

struct LoadedLibrary {
  FileIdentity identity;
  std::string sha256;
  // Kept for the life of the process on purpose: code of a retired plugin may still be running.
  boost::dll::shared_library handle;
  std::shared_ptr<const PluginLibrary> library;
  // Why it was refused, when `library` is null: the same answer on every later load.
  absl::Status refusal;
};

// Process-wide: the library currently loaded from each path, and every one loaded before (never
// unloaded). Loading happens at startup and on reload, never on the request path, so a mutex is
// fine here. Deliberately leaked so no destructor runs dlclose.
struct LibraryRegistry {
  std::mutex mutex;
  std::map<std::filesystem::path, LoadedLibrary> by_path;
  std::vector<LoadedLibrary> retired;
};
LibraryRegistry& Registry() {
  static auto* registry = new LibraryRegistry();
  return *registry;
}

// The plugin's bytes copied into an anonymous memory file, so the code that runs is ours alone:
// `cp` over the installed file (which rewrites it in place) never touches mapped code. The
// memory file is never closed: its /proc/self/fd path is the library's name for the dynamic
// loader, which must never see that name reused for another library.
struct PrivateCopy {
  int fd = -1;
  std::string load_path;  // /proc/self/fd/N
  FileIdentity identity;  // of the installed file that was copied
  std::string sha256;     // of the bytes copied: what the loader maps
};
absl::StatusOr<PrivateCopy> CopyToMemory(const std::filesystem::path& path) {
  const int source = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) return absl::NotFoundError("file not found or not readable");
  struct stat before {};
  if (::fstat(source, &before) != 0 || !S_ISREG(before.st_mode)) {
    ::close(source);
    return absl::FailedPreconditionError("not a regular file");
  }
  const int copy = ::memfd_create(("cdsd-plugin:" + path.filename().string()).c_str(), MFD_CLOEXEC);
  if (copy < 0) {
    ::close(source);
    return absl::UnavailableError(std::string("cannot create a private copy: ") + std::strerror(errno));
  }
  char buffer[1 << 16];
  bool ok = true;
  Sha256 hash;
  while (true) {
    const ssize_t n = ::read(source, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    hash.Update(buffer, static_cast<size_t>(n));
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(copy, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  struct stat after {};
  const bool unchanged = ::fstat(source, &after) == 0 && IdentityOf(before) == IdentityOf(after);
  ::close(source);
  if (!ok || !unchanged) {
    ::close(copy);
    return absl::UnavailableError(ok ? "the file changed while it was being copied; try again"
                                     : "cannot copy the file");
  }
  std::string sha256 = hash.Hex();
  if (sha256.empty()) {
    ::close(copy);
    return absl::InternalError("cannot hash the file");
  }
  return PrivateCopy{copy, "/proc/self/fd/" + std::to_string(copy), IdentityOf(before), std::move(sha256)};
}

absl::Status Refuse(const std::filesystem::path& path, const std::string& reason) {
  return absl::FailedPreconditionError("plugin " + path.string() + ": " + reason);
}

// The plugin's self-description, checked the same way wherever the plugin runs.
absl::StatusOr<std::shared_ptr<const PluginLibrary>> ValidateInfo(const std::filesystem::path& path,
                                                                  const cds_plugin_api* api, AbiVersion abi,
                                                                  std::string_view info_bytes) {
  if (absl::Status compatible = CheckAbiCompatibility(abi); !compatible.ok()) {
    return Refuse(path, std::string(compatible.message()));
  }
  cds::plugin::v1::PluginInfo info;
  if (info_bytes.size() > INT32_MAX || !info.ParseFromArray(info_bytes.data(), static_cast<int>(info_bytes.size()))) {
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
  return std::make_shared<const PluginLibrary>(path, api, abi, std::move(info), std::move(setting_names));
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
  if (info_bytes == nullptr) return Refuse(path, "get_info returned bytes that are not a cds.plugin.v1.PluginInfo");
  return ValidateInfo(path, api, {api->abi_major, api->abi_minor},
                      std::string_view(reinterpret_cast<const char*>(info_bytes), info_size));
}

}  // namespace

absl::Status PinMatches(const std::filesystem::path& path, const std::string& actual, const std::string& pinned) {
  if (pinned.empty() || actual == pinned) return absl::OkStatus();
  return absl::FailedPreconditionError("plugin " + path.string() + ": its sha256 is " + actual +
                                       " but the config pins " + pinned + "; refused");
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLibrary::Load(
    const std::filesystem::path& path, const std::string& pinned_sha256) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Refuse(path, "file not found or not readable");
  if (!S_ISREG(st.st_mode)) return Refuse(path, "not a regular file");

  LibraryRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  auto it = registry.by_path.find(path);
  if (it != registry.by_path.end() && it->second.identity == IdentityOf(st)) {
    if (absl::Status pin = PinMatches(path, it->second.sha256, pinned_sha256); !pin.ok()) return pin;
    if (!it->second.library) return it->second.refusal;
    return it->second.library;
  }
  // New, or changed since it was loaded: a new version, loaded from its own private copy. The
  // previous one stays mapped (its calls may still be running).
  auto copy = CopyToMemory(path);
  if (!copy.ok()) return Refuse(path, std::string(copy.status().message()));
  // The pin is checked on the very bytes the loader will map, before it runs any of their code.
  if (absl::Status pin = PinMatches(path, copy->sha256, pinned_sha256); !pin.ok()) {
    ::close(copy->fd);  // the loader never saw this copy, so its name may be reused
    return pin;
  }

  LoadedLibrary loaded;
  loaded.identity = copy->identity;
  loaded.sha256 = copy->sha256;
  try {
    const auto mode = static_cast<boost::dll::load_mode::type>(
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local | RTLD_NODELETE);
    loaded.handle.load(copy->load_path, mode);
  } catch (const std::exception& e) {
    const char* detail = ::dlerror();
    return Refuse(path, std::string("cannot be loaded: ") + (detail ? detail : e.what()));
  }
  if (!loaded.handle.has(CDS_PLUGIN_ENTRY_SYMBOL)) {
    loaded.refusal = Refuse(path, "does not export " CDS_PLUGIN_ENTRY_SYMBOL " (not a cdsd plugin?)");
  } else {
    const auto entry = loaded.handle.get<const cds_plugin_api*()>(CDS_PLUGIN_ENTRY_SYMBOL);
    auto validated = Validate(path, entry());
    if (validated.ok()) loaded.library = *validated;
    else loaded.refusal = validated.status();
  }
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> result =
      loaded.library ? absl::StatusOr<std::shared_ptr<const PluginLibrary>>(loaded.library) : loaded.refusal;
  if (it != registry.by_path.end()) registry.retired.push_back(std::move(it->second));
  registry.by_path[path] = std::move(loaded);
  return result;
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLibrary::FromRunner(const std::filesystem::path& path,
                                                                               AbiVersion abi,
                                                                               const std::string& info_bytes) {
  return ValidateInfo(path, nullptr, abi, info_bytes);
}

bool PluginLibrary::DeclaresSetting(const std::string& name) const {
  for (const std::string& s : setting_names_) {
    if (s == name) return true;
  }
  return false;
}

std::string TakeError(const cds_plugin_api& api, cds_bytes* error) {
  if (error->data == nullptr) return "(no message)";
  // Untrusted bytes: valid UTF-8 and bounded before they reach a response or a log line.
  constexpr size_t kMaxMessage = 1024;
  std::string text = ValidUtf8(
      std::string_view(reinterpret_cast<const char*>(error->data), error->size), kMaxMessage);
  api.free_bytes(error->data);
  error->data = nullptr;
  error->size = 0;
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
