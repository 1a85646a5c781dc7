#include "plugin/abi_compatibility.h"

#include <cds/plugin_api.h>

#include <string>

namespace cdsd {

AbiVersion HostAbiVersion() { return {CDS_PLUGIN_ABI_VERSION_MAJOR, CDS_PLUGIN_ABI_VERSION_MINOR}; }

absl::Status CheckAbiCompatibility(AbiVersion plugin, AbiVersion host) {
  auto text = [](AbiVersion v) { return std::to_string(v.major) + "." + std::to_string(v.minor); };
  if (plugin.major != host.major) {
    return absl::FailedPreconditionError(
        "plugin ABI " + text(plugin) + " is incompatible with host ABI " + text(host) +
        " (major versions differ; rebuild the plugin against ABI " + std::to_string(host.major) + ".x)");
  }
  if (plugin.minor > host.minor) {
    return absl::FailedPreconditionError("plugin ABI " + text(plugin) + " is newer than host ABI " +
                                         text(host) + " (upgrade cdsd to run this plugin)");
  }
  return absl::OkStatus();
}

}  // namespace cdsd
