// A plugin shared library, loaded with Boost.DLL and checked before first use: the entry symbol,
// the ABI version, the function table and the plugin's self-description. Each is loaded from a
// private in-memory copy of the installed file, so overwriting the file never changes running
// code; a file changed since it was loaded is loaded again as a new version. Libraries are never
// unloaded (dlclose is not reliable, see platform-notes).
#ifndef CDSD_HOST_PLUGIN_PLUGIN_LIBRARY_H_
#define CDSD_HOST_PLUGIN_PLUGIN_LIBRARY_H_

#include <absl/status/statusor.h>
#include <cds/plugin/v1/plugin.pb.h>
#include <cds/plugin_api.h>

#include <filesystem>
#include <memory>
#include <string>

#include "plugin/abi_compatibility.h"

namespace cdsd {

class PluginLibrary {
 public:
  // Loads (or returns the already loaded, unchanged) library at `path` and validates it. Errors
  // name the file and the reason, and are safe to log. With `pinned_sha256` (lower-case hex),
  // the private copy must have that SHA-256 before it is mapped (FAILED_PRECONDITION naming both).
  static absl::StatusOr<std::shared_ptr<const PluginLibrary>> Load(const std::filesystem::path& path,
                                                                  const std::string& pinned_sha256 = "");

  const std::filesystem::path& path() const { return path_; }
  // The library's function table. Only for libraries mapped into cdsd (not FromRunner).
  const cds_plugin_api& api() const { return *api_; }
  bool in_process() const { return api_ != nullptr; }
  const cds::plugin::v1::PluginInfo& info() const { return info_; }
  AbiVersion abi_version() const { return abi_; }
  // Setting names the plugin declares in its settings JSON Schema.
  bool DeclaresSetting(const std::string& name) const;

  // A library loaded in a plugin runner process (isolation: process): only its self-description
  // (the handshake's PluginInfo bytes), checked by the same rules as a library loaded here.
  static absl::StatusOr<std::shared_ptr<const PluginLibrary>> FromRunner(const std::filesystem::path& path,
                                                                        AbiVersion abi,
                                                                        const std::string& info_bytes);

  PluginLibrary(std::filesystem::path path, const cds_plugin_api* api, AbiVersion abi,
                cds::plugin::v1::PluginInfo info, std::vector<std::string> setting_names)
      : path_(std::move(path)), api_(api), abi_(abi), info_(std::move(info)),
        setting_names_(std::move(setting_names)) {}

 private:
  std::filesystem::path path_;
  const cds_plugin_api* api_;  // null for FromRunner
  AbiVersion abi_;
  cds::plugin::v1::PluginInfo info_;
  std::vector<std::string> setting_names_;
};

// Turns a plugin-owned error buffer into a string and releases it.
std::string TakeError(const cds_plugin_api& api, cds_bytes* error);

const char* StatusName(cds_status status);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_PLUGIN_LIBRARY_H_
