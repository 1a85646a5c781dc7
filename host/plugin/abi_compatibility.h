// The one rule that decides whether a plugin's ABI version can run in this host: majors equal,
// and the host's minor at least the plugin's (the table only grows at the end).
#ifndef CDSD_HOST_PLUGIN_ABI_COMPATIBILITY_H_
#define CDSD_HOST_PLUGIN_ABI_COMPATIBILITY_H_

#include <absl/status/status.h>

#include <cstdint>

namespace cdsd {

struct AbiVersion {
  uint32_t major = 0;
  uint32_t minor = 0;
};

// The ABI this host implements (CDS_PLUGIN_ABI_VERSION_MAJOR/MINOR of the header it was built with).
AbiVersion HostAbiVersion();

// OK when a plugin built against `plugin` can run in a host implementing `host`; otherwise
// FAILED_PRECONDITION with a message that says which side to upgrade.
absl::Status CheckAbiCompatibility(AbiVersion plugin, AbiVersion host = HostAbiVersion());

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_ABI_COMPATIBILITY_H_
