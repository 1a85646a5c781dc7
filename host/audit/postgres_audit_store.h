// The PostgreSQL backend of the audit trail, for several cdsd replicas sharing one trail: the same
// tables as the SQLite backend plus a one-row chain head. Every append locks that row
// (SELECT ... FOR UPDATE) for its transaction, so appends from all replicas form one hash chain
// in one sequence, and feedback sent to any replica finds the card another replica issued.
//
// Connection failures come back as UNAVAILABLE and the next call reconnects; a commit whose
// outcome is unknown (the connection broke during COMMIT) is UNAVAILABLE too, so the evaluation
// is failed rather than acknowledged without a record.
#ifndef CDSD_HOST_AUDIT_POSTGRES_AUDIT_STORE_H_
#define CDSD_HOST_AUDIT_POSTGRES_AUDIT_STORE_H_

#include <memory>
#include <mutex>
#include <string>

#include "audit/audit_store.h"

namespace cdsd {

struct PostgresSession;  // the libpqxx connection (kept out of this header)

struct PostgresOptions {
  bool read_only = false;  // cdsctl's query, show and verify: no schema changes, read-only session
};

class PostgresAuditStore final : public AuditStore {
 public:
  // Connects, and (unless read_only) creates the tables if they are missing. `dsn` is a libpq
  // connection string; it never appears in an error message (it may hold a password).
  static absl::StatusOr<std::unique_ptr<PostgresAuditStore>> Open(const std::string& dsn,
                                                                  const PostgresOptions& options);
  ~PostgresAuditStore() override;
  PostgresAuditStore(const PostgresAuditStore&) = delete;
  PostgresAuditStore& operator=(const PostgresAuditStore&) = delete;

  absl::Status AppendBatch(const std::vector<EvaluationEntry>& batch) override;
  absl::StatusOr<int> AppendFeedback(const std::vector<FeedbackEntry>& entries) override;
  absl::StatusOr<std::vector<StoredEvaluation>> Query(const AuditQuery& query) override;
  absl::StatusOr<VerifyReport> Verify() override;
  absl::StatusOr<int64_t> Prune(int64_t before_unix_micros) override;
  absl::StatusOr<std::pair<std::string, std::string>> Sealed(const std::string& evaluation_id) override;

 private:
  PostgresAuditStore(std::string dsn, const PostgresOptions& options);
  // The open connection, reconnecting after a failure. Callers hold mutex_.
  absl::StatusOr<PostgresSession*> Connection();
  // Runs `body` with the connection; database exceptions become statuses naming `what`.
  template <typename Result, typename Body>
  absl::StatusOr<Result> Run(const char* what, Body body);

  const std::string dsn_;
  const PostgresOptions options_;
  std::mutex mutex_;
  std::unique_ptr<PostgresSession> connection_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_POSTGRES_AUDIT_STORE_H_
