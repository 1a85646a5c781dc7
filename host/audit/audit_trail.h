// The audit trail: every evaluation (request, the services called and their status, every card
// with its basis) and every piece of clinician feedback, in SQLite. The request path only
// enqueues serialized bytes; one writer thread decodes and commits them in batches.
// Patient ids are stored only as a salted SHA-256; logs never see any of this.
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

struct sqlite3;

namespace cdsd {

struct EvaluationRecord {
  std::string evaluation_id;
  std::string hook;
  std::string hook_instance;
  int64_t received_unix_micros = 0;
  uint64_t config_generation = 0;
  std::string patient_id;
  // Serialized cds.v1.EvaluateRequest (stored only when store_requests is on) and
  // cds.v1.EvaluateResponse.
  std::string request;
  std::string response;
};

class AuditTrail {
 public:
  static absl::StatusOr<std::unique_ptr<AuditTrail>> Open(const std::filesystem::path& path,
                                                          bool store_requests);
  ~AuditTrail();  // writes everything queued, then closes
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Queues a record. Returns false (and keeps nothing) when the backlog is full: the caller must
  // then refuse the request rather than give advice that leaves no trace.
  bool Record(EvaluationRecord record);

  using FeedbackDone = std::function<void(absl::Status status, int recorded)>;
  // Records feedback once everything queued before it is written. NOT_FOUND (naming the index)
  // if any card uuid was never issued; then nothing of the request is stored. `done` runs on the
  // writer thread.
  void RecordFeedback(cds::v1::SubmitFeedbackRequest request, int64_t received_unix_micros,
                      FeedbackDone done);

  // Blocks until everything queued so far is committed (tests and shutdown).
  void Flush();

  bool stores_requests() const { return store_requests_; }
  uint64_t written() const;
  uint64_t failed_writes() const;

  static constexpr size_t kMaxBacklog = 200000;

 private:
  struct FeedbackCommand {
    cds::v1::SubmitFeedbackRequest request;
    int64_t received_unix_micros;
    FeedbackDone done;
  };
  struct FlushCommand {
    std::function<void()> done;
  };
  using Command = std::variant<EvaluationRecord, FeedbackCommand, FlushCommand>;

  AuditTrail(sqlite3* db, bool store_requests, std::string salt);
  struct Statements;
  void Run();
  void WriteBatch(std::deque<Command>& batch);
  void WriteEvaluation(const EvaluationRecord& record);
  void WriteFeedback(FeedbackCommand& command);
  std::string PatientRef(const std::string& patient_id) const;

  sqlite3* db_;
  // Prepared once; used only by the writer thread.
  std::unique_ptr<Statements> statements_;
  const bool store_requests_;
  const std::string salt_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Command> queue_;
  bool stopping_ = false;
  uint64_t written_ = 0;
  uint64_t failed_ = 0;
  std::thread writer_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_AUDIT_TRAIL_H_
