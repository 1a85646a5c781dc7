#include "plugin/plugin_trust.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>

namespace cdsd {
namespace {

std::string Mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The file itself and every folder above it, for one spelling of the path.
absl::Status CheckChain(const std::filesystem::path& file) {
  std::filesystem::path at = file;
  bool is_file = true;
  for (;;) {
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0) {
      return absl::NotFoundError("plugin " + file.string() + ": " +
                                 (is_file ? std::string("file not found or not readable")
                                          : "folder " + at.string() + " not found or not readable"));
    }
    // A symbolic link's own mode means nothing; what it points at is checked via the real path.
    const bool sticky_folder = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if (!S_ISLNK(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_folder) {
      return absl::PermissionDeniedError(
          "plugin " + file.string() + ": " + (is_file ? std::string("the file") : "the folder " + at.string()) +
          " is writable by group or others (mode " + Mode(st.st_mode) +
          "); anyone who can change it can run code in cdsd: chmod go-w it");
    }
    if (!at.has_parent_path() || at.parent_path() == at) break;
    at = at.parent_path();
    is_file = false;
  }
  return absl::OkStatus();
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  good_ = context_ && EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr) == 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::Update(const void* data, size_t size) {
  good_ = good_ && EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data, size) == 1;
}

std::string Sha256::Hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (!good_ || EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &length) != 1) return "";
  good_ = false;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

absl::StatusOr<std::string> FileSha256(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError("plugin " + path.string() + ": cannot be read");
  Sha256 hash;
  std::array<unsigned char, 1 << 16> buffer{};
  ssize_t got = 0;
  while ((got = ::read(fd, buffer.data(), buffer.size())) > 0) hash.Update(buffer.data(), static_cast<size_t>(got));
  ::close(fd);
  std::string hex = got < 0 ? "" : hash.Hex();
  if (hex.empty()) return absl::InternalError("plugin " + path.string() + ": could not be hashed");
  return hex;
}

absl::Status CheckPluginTrust(const std::filesystem::path& path) {
  const std::filesystem::path absolute = std::filesystem::absolute(path);
  if (absl::Status s = CheckChain(absolute); !s.ok()) return s;
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(absolute, ec);
  if (ec) return absl::NotFoundError("plugin " + path.string() + ": " + ec.message());
  if (real != absolute) return CheckChain(real);
  return absl::OkStatus();
}

}  // namespace cdsd
