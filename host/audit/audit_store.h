// The storage interface of the audit trail: what the writer thread needs from a database
// (append a batch in one transaction, feedback, query, verify the hash chain, prune). SQLite
// (sqlite_audit_store.h) and PostgreSQL (postgres_audit_store.h) implement it.
#ifndef CDSD_HOST_AUDIT_AUDIT_STORE_H_
#define CDSD_HOST_AUDIT_AUDIT_STORE_H_

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cdsd {

// One evaluation as stored. `body` is the canonical JSON of the compact record and is exactly
// the bytes the hash chain covers; the other fields are copies of values in it, kept for lookup.
struct EvaluationEntry {
  std::string evaluation_id;
  int64_t received_unix_micros = 0;
  std::string body;
  std::vector<std::string> card_uuids;
  // AES-256-GCM sealed cds.v1.EvaluateRequest / EvaluateResponse; empty unless store_requests.
  std::string sealed_request;
  std::string sealed_response;
};

// One clinician feedback entry. The triple (card_uuid, outcome, outcome_time) identifies it: a
// replayed entry is recognised and not stored twice.
struct FeedbackEntry {
  std::string card_uuid;
  std::string outcome;
  std::string outcome_time;
  int64_t received_unix_micros = 0;
  // The authenticated client giving it; empty when authentication is off. When set, the card
  // must have been issued to the same client (iss and sub), or the entry is refused.
  std::string client_issuer;
  std::string client_subject;
  std::string body;  // canonical JSON: override reason code, accepted suggestions, comment digest
};

struct AuditQuery {
  int64_t from_unix_micros = 0;
  int64_t to_unix_micros = std::numeric_limits<int64_t>::max();
  std::string evaluation_id;
  std::string service_id;
  std::string indicator;  // e.g. INDICATOR_CRITICAL: evaluations with at least one such card
  int64_t limit = 1000;
};

struct StoredEvaluation {
  int64_t sequence = 0;
  std::string evaluation_id;
  int64_t received_unix_micros = 0;
  std::string body;
  std::string hash;
  std::vector<std::string> feedback;  // bodies of the feedback on its cards, oldest first
};

struct VerifyReport {
  int64_t checked = 0;
  bool intact = true;
  int64_t first_bad_sequence = 0;
  std::string first_bad_evaluation_id;
  std::string problem;
};

// The walk every backend's Verify makes, record by record in sequence order, so the rules of
// tamper evidence are written once: each record's hash covers its body and its predecessor's
// hash, its lookup columns agree with the hashed body, and no sequence number is missing.
class ChainWalk {
 public:
  ChainWalk(std::string start_hash, int64_t start_sequence)
      : hash_(std::move(start_hash)), sequence_(start_sequence) {}
  // One stored record; `body_evaluation_id` / `body_received_us` are read back from its body by
  // the database (nullopt when missing). False once a record fails: report() names it.
  bool Next(int64_t sequence, const std::string& evaluation_id, int64_t received_us, const std::string& body,
            const std::string& prev_hash, const std::string& hash,
            const std::optional<std::string>& body_evaluation_id, std::optional<int64_t> body_received_us);
  // For a backend that keeps the head apart from the records: records cut off the end.
  void ExpectHead(int64_t head_sequence, const std::string& head_hash);
  const VerifyReport& report() const { return report_; }

 private:
  void Bad(int64_t at, const std::string& id, std::string problem);
  std::string hash_;
  int64_t sequence_;
  VerifyReport report_;
};

// The one refusal for feedback on a card that is unknown or (with a client on the entry) was
// issued to another client.
inline absl::Status UnknownCardError(size_t index, const FeedbackEntry& entry) {
  return absl::NotFoundError("feedback[" + std::to_string(index) + "].card_uuid: no card with this uuid was issued" +
                             (entry.client_issuer.empty() ? "" : " to this client"));
}

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Appends every entry in one transaction, chaining each to the one before: all or none.
  virtual absl::Status AppendBatch(const std::vector<EvaluationEntry>& batch) = 0;
  // Stores feedback in one transaction. NOT_FOUND naming the index when a card uuid was never
  // issued, or (with a client on the entry) was issued to another client: the same message for
  // both, so a caller cannot probe for other clients' cards. Then nothing is stored. Returns how many entries were new (replays are not).
  virtual absl::StatusOr<int> AppendFeedback(const std::vector<FeedbackEntry>& entries) = 0;
  virtual absl::StatusOr<std::vector<StoredEvaluation>> Query(const AuditQuery& query) = 0;
  // Recomputes the chain from the oldest kept record and names the first that does not match.
  virtual absl::StatusOr<VerifyReport> Verify() = 0;
  // Removes evaluations received before the time (and their cards and feedback), remembering
  // the last removed hash so the remaining chain still verifies. Returns how many were removed.
  virtual absl::StatusOr<int64_t> Prune(int64_t before_unix_micros) = 0;
  // The sealed full request and response of one evaluation (empty when not stored); NOT_FOUND
  // when there is no such evaluation.
  virtual absl::StatusOr<std::pair<std::string, std::string>> Sealed(const std::string& evaluation_id) = 0;
};

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_AUDIT_STORE_H_
