// Whether a plugin file may be loaded at all, checked before the dynamic loader sees it: no one
// but its owner (or root) can change it, that is the file and every folder on its path must not
// be writable by group or others (a sticky folder such as /tmp is allowed: others cannot replace
// entries in it that they do not own). A `sha256:` pin is checked by PluginLibrary::Load on the
// private copy it loads, so the bytes hashed are the bytes mapped.
#ifndef CDSD_HOST_PLUGIN_PLUGIN_TRUST_H_
#define CDSD_HOST_PLUGIN_PLUGIN_TRUST_H_

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <filesystem>
#include <string>

namespace cdsd {

// SHA-256 fed in pieces; Hex() ends it and returns lower-case hex ("" if OpenSSL failed).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  std::string Hex();

 private:
  void* context_;  // EVP_MD_CTX*
  bool good_;
};

// Lower-case hex SHA-256 of the file's contents (cdsctl plugin-hash).
absl::StatusOr<std::string> FileSha256(const std::filesystem::path& path);

// OK, or PERMISSION_DENIED naming the writable file or folder and its mode.
absl::Status CheckPluginTrust(const std::filesystem::path& path);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_PLUGIN_TRUST_H_
