// The audit trail: every evaluation and every piece of clinician feedback, as compact chained
// records in an AuditStore. The request path builds the record and queues it (bounded in bytes);
// one writer thread commits everything waiting in one transaction (group commit). In sync mode
// the caller's completion runs only after its record is committed; in async mode right away.
#ifndef CDSD_HOST_AUDIT_AUDIT_TRAIL_H_
#define CDSD_HOST_AUDIT_AUDIT_TRAIL_H_

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <cds/v1/decision_support.pb.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "audit/audit_record.h"
#include "audit/audit_store.h"

namespace cdsd {

enum class AuditDurability { kSync, kAsync };

struct AuditOptions {
  // "sqlite" (path) or "postgresql" (postgresql_dsn; key files must then be given explicitly).
  std::string backend = "sqlite";
  std::filesystem::path path;
  std::string postgresql_dsn;
  AuditDurability durability = AuditDurability::kSync;
  size_t max_queue_bytes = 64u << 20;
  bool store_requests = false;
  std::filesystem::path pseudonym_key_file;   // default: <path>.pseudonym.key
  std::filesystem::path encryption_key_file;  // default: <path>.encryption.key (store_requests only)
  int retention_days = 0;                     // 0 keeps everything
  int busy_timeout_ms = 2000;
};

class AuditTrail {
 public:
  static absl::StatusOr<std::unique_ptr<AuditTrail>> Open(const AuditOptions& options);
  // Takes an already opened store (tests, other backends).
  AuditTrail(std::unique_ptr<AuditStore> store, const AuditOptions& options, std::string pseudonym_key,
             std::string encryption_key);
  ~AuditTrail();  // writes everything queued, then closes
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  using Done = std::function<void(absl::Status status)>;
  // Builds the compact record on the calling thread (the request and response are not kept) and
  // queues it. `done` gets OK once the record is committed (sync) or queued (async);
  // RESOURCE_EXHAUSTED, inline, when the queue is full; UNAVAILABLE when the commit failed
  // (sync). In sync mode `done` runs on the writer thread.
  void Record(const cds::v1::EvaluateRequest& request, const cds::v1::EvaluateResponse& response,
              const EvaluationFacts& facts, Done done);

  using FeedbackDone = std::function<void(absl::Status status, int recorded)>;
  // Records feedback once everything queued before it is written. NOT_FOUND (naming the index)
  // if any card uuid was never issued; a replayed entry counts as recorded once only.
  // With `client_issuer` set (authentication on), only the client a card was issued to may give
  // feedback on it; another client's card is NOT_FOUND like an unknown one.
  void RecordFeedback(const cds::v1::SubmitFeedbackRequest& request, int64_t received_unix_micros,
                      FeedbackDone done, const std::string& client_issuer = "",
                      const std::string& client_subject = "");

  // Blocks until everything queued so far is committed (tests and shutdown).
  void Flush();

  // Called with false when a write fails and with true when writes succeed again.
  void SetHealthListener(std::function<void(bool)> listener);

  AuditDurability durability() const { return durability_; }
  uint64_t written() const;
  uint64_t failed_writes() const;
  size_t queued_bytes() const;
  bool healthy() const;

 private:
  struct EvaluationCommand {
    EvaluationEntry entry;
    Done done;
  };
  struct FeedbackCommand {
    std::vector<FeedbackEntry> entries;
    FeedbackDone done;
  };
  struct FlushCommand {
    std::function<void()> done;
  };
  using Command = std::variant<EvaluationCommand, FeedbackCommand, FlushCommand>;

  void Enqueue(Command command, size_t bytes);
  void Run();
  void WriteBatch(std::deque<Command>& batch);
  void CommitEvaluations(std::vector<EvaluationCommand>& pending);
  void NoteOutcome(const absl::Status& status, uint64_t records);
  void PruneIfDue();

  std::unique_ptr<AuditStore> store_;
  const AuditDurability durability_;
  const size_t max_queue_bytes_;
  const bool store_requests_;
  const int retention_days_;
  const std::string pseudonym_key_;
  const std::string encryption_key_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Command> queue_;
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  uint64_t written_ = 0;
  uint64_t failed_ = 0;
  bool healthy_ = true;
  std::function<void(bool)> health_listener_;
  int64_t last_prune_micros_ = 0;
  std::thread writer_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_AUDIT_TRAIL_H_
