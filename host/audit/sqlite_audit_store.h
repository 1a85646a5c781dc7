// The SQLite backend of the audit trail: one row per evaluation holding its compact record and
// its link in the hash chain, a card index for feedback, and idempotent feedback rows. Every
// SQLite result is checked; a failure comes back as a status, never as silence.
#ifndef CDSD_HOST_AUDIT_SQLITE_AUDIT_STORE_H_
#define CDSD_HOST_AUDIT_SQLITE_AUDIT_STORE_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "audit/audit_store.h"

struct sqlite3;

namespace cdsd {

struct SqliteOptions {
  // FULL makes every commit reach the disk before it returns (sync durability); NORMAL in WAL
  // mode keeps the database consistent but may lose the last commits on power loss.
  bool fsync_every_commit = true;
  int busy_timeout_ms = 2000;
  bool read_only = false;  // cdsctl's query and verify
};

class SqliteAuditStore final : public AuditStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteAuditStore>> Open(const std::filesystem::path& path,
                                                                const SqliteOptions& options);
  ~SqliteAuditStore() override;
  SqliteAuditStore(const SqliteAuditStore&) = delete;
  SqliteAuditStore& operator=(const SqliteAuditStore&) = delete;

  absl::Status AppendBatch(const std::vector<EvaluationEntry>& batch) override;
  absl::StatusOr<int> AppendFeedback(const std::vector<FeedbackEntry>& entries) override;
  absl::StatusOr<std::vector<StoredEvaluation>> Query(const AuditQuery& query) override;
  absl::StatusOr<VerifyReport> Verify() override;
  absl::StatusOr<int64_t> Prune(int64_t before_unix_micros) override;

  absl::StatusOr<std::pair<std::string, std::string>> Sealed(const std::string& evaluation_id) override;

 private:
  SqliteAuditStore(sqlite3* db, std::filesystem::path path, dev_t device, ino_t inode);
  absl::Status Exec(const char* sql);
  absl::Status Error(const std::string& what);
  // The database file must still be the one opened: a deleted or replaced file would otherwise
  // take commits into an unlinked inode and lose them without any error.
  absl::Status CheckFileIdentity();
  absl::Status LoadChainHead();

  sqlite3* db_;
  const std::filesystem::path path_;
  const dev_t device_;
  const ino_t inode_;
  int64_t last_sequence_ = 0;
  std::string last_hash_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_SQLITE_AUDIT_STORE_H_
