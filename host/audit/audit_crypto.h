// The cryptography of the audit trail: SHA-256 digests for the hash chain, HMAC-SHA-256 patient
// pseudonyms, AES-256-GCM sealing of opt-in full requests, and owner-only key files (created on
// first start, refused when group or others can read them).
#ifndef CDSD_HOST_AUDIT_AUDIT_CRYPTO_H_
#define CDSD_HOST_AUDIT_AUDIT_CRYPTO_H_

#include <absl/status/statusor.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace cdsd {

constexpr size_t kAuditKeyBytes = 32;

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Reads a 32-byte key; creates it (mode 0600, random) when the file does not exist. Refuses a
// file that group or others may read or write, or one of the wrong size.
absl::StatusOr<std::string> LoadOrCreateKeyFile(const std::filesystem::path& path);

// nonce(12) || ciphertext || tag(16), with `associated` (the evaluation id) authenticated.
absl::StatusOr<std::string> Seal(std::string_view key, std::string_view plaintext, std::string_view associated);
absl::StatusOr<std::string> Unseal(std::string_view key, std::string_view sealed, std::string_view associated);

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_AUDIT_CRYPTO_H_
