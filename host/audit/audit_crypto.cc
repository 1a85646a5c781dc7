#include "audit/audit_crypto.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace cdsd {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

std::string Hex(const unsigned char* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return Hex(digest, size);
}

absl::StatusOr<std::string> LoadOrCreateKeyFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    unsigned char key[kAuditKeyBytes];
    const bool made = RAND_bytes(key, sizeof key) == 1 &&
                      write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) && fsync(fd) == 0;
    close(fd);
    if (!made) {
      unlink(path.c_str());
      return absl::InternalError("key file " + name + ": could not be created");
    }
    return std::string(reinterpret_cast<const char*>(key), sizeof key);
  }
  if (errno != EEXIST) return absl::PermissionDeniedError("key file " + name + ": cannot be created");
  fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::PermissionDeniedError("key file " + name + ": cannot be read");
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError("key file " + name + ": not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return absl::FailedPreconditionError("key file " + name +
                                         ": group or others have access; it must be mode 0600");
  }
  std::string key(kAuditKeyBytes + 1, '\0');
  const ssize_t got = read(fd, key.data(), key.size());
  close(fd);
  if (got != static_cast<ssize_t>(kAuditKeyBytes)) {
    return absl::FailedPreconditionError("key file " + name + ": must hold exactly 32 bytes");
  }
  key.resize(kAuditKeyBytes);
  return key;
}

absl::StatusOr<std::string> Seal(std::string_view key, std::string_view plaintext, std::string_view associated) {
  if (key.size() != kAuditKeyBytes) return absl::InvalidArgumentError("seal: key must be 32 bytes");
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceBytes) != 1) return absl::InternalError("seal: no random bytes");
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associated.data()),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nonce + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), nonce + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, nonce + kNonceBytes + plaintext.size()) != 1) {
    return absl::InternalError("seal: AES-256-GCM failed");
  }
  return out;
}

absl::StatusOr<std::string> Unseal(std::string_view key, std::string_view sealed, std::string_view associated) {
  if (key.size() != kAuditKeyBytes) return absl::InvalidArgumentError("unseal: key must be 32 bytes");
  if (sealed.size() < kNonceBytes + kTagBytes) return absl::DataLossError("unseal: too short");
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  const size_t size = sealed.size() - kNonceBytes - kTagBytes;
  std::string out(size, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  std::string tag(sealed.substr(kNonceBytes + size));
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), in) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associated.data()),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in + kNonceBytes,
                        static_cast<int>(size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1) {
    return absl::DataLossError("unseal: wrong key or the sealed bytes were altered");
  }
  return out;
}

}  // namespace cdsd
