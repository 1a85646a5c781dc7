#include "audit/sqlite_audit_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "audit/audit_record.h"

namespace cdsd {
namespace {

const std::string kGenesis(64, '0');

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (
  sequence INTEGER PRIMARY KEY,
  evaluation_id TEXT NOT NULL UNIQUE,
  received_us INTEGER NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  sealed_request BLOB,
  sealed_response BLOB);
CREATE INDEX IF NOT EXISTS evaluations_by_time ON evaluations(received_us);
CREATE TABLE IF NOT EXISTS cards (
  card_uuid TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cards_by_sequence ON cards(sequence);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY,
  card_uuid TEXT NOT NULL,
  outcome TEXT NOT NULL,
  outcome_time TEXT NOT NULL,
  received_us INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (card_uuid, outcome, outcome_time));
INSERT OR IGNORE INTO meta VALUES ('schema', '2');
INSERT OR IGNORE INTO meta VALUES ('chain_start_hash', '0000000000000000000000000000000000000000000000000000000000000000');
INSERT OR IGNORE INTO meta VALUES ('chain_start_sequence', '0');
)sql";

// A prepared statement that finalizes itself. step() results are returned, never dropped.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : rc_(sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr)) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  Statement& Text(int i, const std::string& v) {
    Note(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Blob(int i, const std::string& v) {
    if (v.empty()) Note(sqlite3_bind_null(stmt_, i));
    else Note(sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Int(int i, int64_t v) {
    Note(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  // Runs a statement that returns no rows; SQLITE_DONE on success.
  int Run() {
    if (!ok()) return rc_;
    if (bind_rc_ != SQLITE_OK) {
      const int rc = bind_rc_;
      Reset();
      return rc;
    }
    const int rc = sqlite3_step(stmt_);
    Reset();
    return rc;
  }
  // SQLITE_ROW while rows come, SQLITE_DONE at the end, anything else is an error.
  int Step() { return ok() ? (bind_rc_ == SQLITE_OK ? sqlite3_step(stmt_) : bind_rc_) : rc_; }
  std::string Column(int i) {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return data ? std::string(data, sqlite3_column_bytes(stmt_, i)) : "";
  }
  int64_t Int64(int i) { return sqlite3_column_int64(stmt_, i); }
  sqlite3_stmt* stmt() { return stmt_; }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
  }

 private:
  void Note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
  int bind_rc_ = SQLITE_OK;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteAuditStore>> SqliteAuditStore::Open(const std::filesystem::path& path,
                                                                          const SqliteOptions& options) {
  sqlite3* db = nullptr;
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return absl::UnavailableError("audit trail " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  auto fail = [&](const std::string& what) {
    std::string message = what + ": " + sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    return absl::UnavailableError("audit trail " + path.string() + ": " + message);
  };
  if (!options.read_only) {
    const std::string pragmas = std::string("PRAGMA journal_mode = WAL; PRAGMA synchronous = ") +
                                (options.fsync_every_commit ? "FULL;" : "NORMAL;");
    if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return fail("pragmas");
    {
      // A database of the first layout (raw responses, salted hashes in the file) is not
      // silently mixed with chained records.
      Statement probe(db, "SELECT name FROM sqlite_master WHERE name = 'evaluations'");
      Statement columns(db, "SELECT 1 FROM pragma_table_info('evaluations') WHERE name = 'sequence'");
      if (probe.Step() == SQLITE_ROW && columns.Step() != SQLITE_ROW) {
        sqlite3_close_v2(db);
        return absl::FailedPreconditionError("audit trail " + path.string() +
                                             ": has the first (unchained) layout; move it aside to start a new one");
      }
    }
    if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) return fail("schema");
  }
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return fail("stat");
  std::unique_ptr<SqliteAuditStore> store(new SqliteAuditStore(db, path, st.st_dev, st.st_ino));
  if (absl::Status s = store->LoadChainHead(); !s.ok()) return s;
  return store;
}

SqliteAuditStore::SqliteAuditStore(sqlite3* db, std::filesystem::path path, dev_t device, ino_t inode)
    : db_(db), path_(std::move(path)), device_(device), inode_(inode) {}

SqliteAuditStore::~SqliteAuditStore() { sqlite3_close_v2(db_); }

absl::Status SqliteAuditStore::Error(const std::string& what) {
  return absl::UnavailableError("audit trail " + path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

absl::Status SqliteAuditStore::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return absl::OkStatus();
}

absl::Status SqliteAuditStore::CheckFileIdentity() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) {
    return absl::UnavailableError("audit trail " + path_.string() + ": the database file was deleted");
  }
  if (st.st_dev != device_ || st.st_ino != inode_) {
    return absl::UnavailableError("audit trail " + path_.string() + ": the database file was replaced");
  }
  return absl::OkStatus();
}

absl::Status SqliteAuditStore::LoadChainHead() {
  Statement last(db_, "SELECT sequence, hash FROM evaluations ORDER BY sequence DESC LIMIT 1");
  const int rc = last.Step();
  if (rc == SQLITE_ROW) {
    last_sequence_ = last.Int64(0);
    last_hash_ = last.Column(1);
    return absl::OkStatus();
  }
  if (rc != SQLITE_DONE) return Error("reading the chain head");
  Statement start(db_, "SELECT (SELECT value FROM meta WHERE key = 'chain_start_hash'),"
                       " (SELECT value FROM meta WHERE key = 'chain_start_sequence')");
  if (start.Step() != SQLITE_ROW) return Error("reading the chain start");
  last_hash_ = start.Column(0).empty() ? kGenesis : start.Column(0);
  last_sequence_ = std::atoll(start.Column(1).c_str());
  return absl::OkStatus();
}

absl::Status SqliteAuditStore::AppendBatch(const std::vector<EvaluationEntry>& batch) {
  if (absl::Status s = CheckFileIdentity(); !s.ok()) return s;
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  int64_t sequence = last_sequence_;
  std::string hash = last_hash_;
  absl::Status status;
  {
    Statement evaluation(db_, "INSERT INTO evaluations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    Statement card(db_, "INSERT OR IGNORE INTO cards VALUES (?1, ?2)");
    if (!evaluation.ok() || !card.ok()) status = Error("preparing the insert");
    for (size_t i = 0; status.ok() && i < batch.size(); ++i) {
      const EvaluationEntry& e = batch[i];
      const std::string next = ChainHash(hash, e.body);
      ++sequence;
      if (evaluation.Int(1, sequence).Text(2, e.evaluation_id).Int(3, e.received_unix_micros).Text(4, e.body)
              .Text(5, hash).Text(6, next).Blob(7, e.sealed_request).Blob(8, e.sealed_response).Run() != SQLITE_DONE) {
        status = Error("inserting evaluation " + e.evaluation_id);
        break;
      }
      for (const std::string& uuid : e.card_uuids) {
        if (card.Text(1, uuid).Int(2, sequence).Run() != SQLITE_DONE) {
          status = Error("inserting a card of evaluation " + e.evaluation_id);
          break;
        }
      }
      hash = next;
    }
  }
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok()) {
    // After a failed COMMIT SQLite may already have rolled back; a second ROLLBACK is harmless.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  }
  last_sequence_ = sequence;
  last_hash_ = hash;
  return absl::OkStatus();
}

absl::StatusOr<int> SqliteAuditStore::AppendFeedback(const std::vector<FeedbackEntry>& entries) {
  if (absl::Status s = CheckFileIdentity(); !s.ok()) return s;
  {
    // The client the card was issued to is read from the hashed body of its evaluation.
    Statement known(db_,
                    "SELECT json_extract(e.body, '$.client.iss'), json_extract(e.body, '$.client.sub')"
                    " FROM cards c JOIN evaluations e ON e.sequence = c.sequence WHERE c.card_uuid = ?1");
    for (size_t i = 0; i < entries.size(); ++i) {
      const FeedbackEntry& f = entries[i];
      const int rc = known.Text(1, f.card_uuid).Step();
      const bool found = rc == SQLITE_ROW;
      const bool same_client = found && known.Column(0) == f.client_issuer && known.Column(1) == f.client_subject;
      known.Reset();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error("looking up a card");
      if (!found || (!f.client_issuer.empty() && !same_client)) return UnknownCardError(i, f);
    }
  }
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  int added = 0;
  absl::Status status;
  {
    Statement insert(db_, "INSERT OR IGNORE INTO feedback (card_uuid, outcome, outcome_time, received_us, body)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const FeedbackEntry& f : entries) {
      if (insert.Text(1, f.card_uuid).Text(2, f.outcome).Text(3, f.outcome_time).Int(4, f.received_unix_micros)
              .Text(5, f.body).Run() != SQLITE_DONE) {
        status = Error("inserting feedback");
        break;
      }
      added += sqlite3_changes(db_);
    }
  }
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  }
  return added;
}

absl::StatusOr<std::vector<StoredEvaluation>> SqliteAuditStore::Query(const AuditQuery& q) {
  Statement select(db_,
      "SELECT sequence, evaluation_id, received_us, body, hash FROM evaluations"
      " WHERE received_us >= ?1 AND received_us < ?2"
      " AND (?3 = '' OR evaluation_id = ?3)"
      " AND (?4 = '' OR EXISTS (SELECT 1 FROM json_each(body, '$.services') s"
      "                         WHERE json_extract(s.value, '$.service_id') = ?4))"
      " AND (?5 = '' OR EXISTS (SELECT 1 FROM json_each(body, '$.cards') c"
      "                         WHERE json_extract(c.value, '$.indicator') = ?5))"
      " ORDER BY sequence LIMIT ?6");
  Statement feedback(db_, "SELECT f.body FROM feedback f JOIN cards c ON c.card_uuid = f.card_uuid"
                          " WHERE c.sequence = ?1 ORDER BY f.id");
  if (!select.ok() || !feedback.ok()) return Error("preparing the query");
  select.Int(1, q.from_unix_micros).Int(2, q.to_unix_micros).Text(3, q.evaluation_id).Text(4, q.service_id)
      .Text(5, q.indicator).Int(6, q.limit);
  std::vector<StoredEvaluation> out;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    StoredEvaluation e{select.Int64(0), select.Column(1), select.Int64(2), select.Column(3), select.Column(4), {}};
    feedback.Int(1, e.sequence);
    int frc;
    while ((frc = feedback.Step()) == SQLITE_ROW) e.feedback.push_back(feedback.Column(0));
    feedback.Reset();
    if (frc != SQLITE_DONE) return Error("reading feedback");
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return Error("running the query");
  return out;
}

absl::StatusOr<VerifyReport> SqliteAuditStore::Verify() {
  Statement start(db_, "SELECT (SELECT value FROM meta WHERE key = 'chain_start_hash'),"
                       " (SELECT value FROM meta WHERE key = 'chain_start_sequence')");
  if (start.Step() != SQLITE_ROW) return Error("reading the chain start");
  std::string hash = start.Column(0);
  int64_t sequence = std::atoll(start.Column(1).c_str());
  Statement rows(db_,
      "SELECT sequence, evaluation_id, received_us, body, prev_hash, hash,"
      " json_extract(body, '$.evaluation_id'), json_extract(body, '$.received_us') FROM evaluations ORDER BY sequence");
  if (!rows.ok()) return Error("preparing the walk");
  ChainWalk walk(hash, sequence);
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) {
    const std::optional<std::string> body_id =
        sqlite3_column_type(rows.stmt(), 6) == SQLITE_NULL ? std::nullopt : std::optional(rows.Column(6));
    const std::optional<int64_t> body_received =
        sqlite3_column_type(rows.stmt(), 7) == SQLITE_NULL ? std::nullopt : std::optional(rows.Int64(7));
    if (!walk.Next(rows.Int64(0), rows.Column(1), rows.Int64(2), rows.Column(3), rows.Column(4), rows.Column(5), body_id,
                   body_received)) {
      return walk.report();
    }
  }
  if (rc != SQLITE_DONE) return Error("walking the chain");
  return walk.report();
}

absl::StatusOr<int64_t> SqliteAuditStore::Prune(int64_t before) {
  if (absl::Status s = CheckFileIdentity(); !s.ok()) return s;
  if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  // The chain is cut at a sequence: everything before the first record still inside the
  // retention window goes, so the kept part stays one unbroken chain.
  auto rollback = [&](absl::Status s) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  Statement cut(db_, "SELECT sequence, hash FROM evaluations WHERE sequence < coalesce("
                     "(SELECT min(sequence) FROM evaluations WHERE received_us >= ?1), 9223372036854775807)"
                     " ORDER BY sequence DESC LIMIT 1");
  cut.Int(1, before);
  const int rc = cut.Step();
  if (rc == SQLITE_DONE) {
    if (absl::Status s = Exec("COMMIT"); !s.ok()) return rollback(s);
    return 0;
  }
  if (rc != SQLITE_ROW) return rollback(Error("finding the prune point"));
  const int64_t through = cut.Int64(0);
  const std::string hash = cut.Column(1);
  cut.Reset();
  Statement feedback(db_, "DELETE FROM feedback WHERE card_uuid IN (SELECT card_uuid FROM cards WHERE sequence <= ?1)");
  Statement cards(db_, "DELETE FROM cards WHERE sequence <= ?1");
  Statement evaluations(db_, "DELETE FROM evaluations WHERE sequence <= ?1");
  Statement start_hash(db_, "UPDATE meta SET value = ?1 WHERE key = 'chain_start_hash'");
  Statement start_sequence(db_, "UPDATE meta SET value = ?1 WHERE key = 'chain_start_sequence'");
  if (feedback.Int(1, through).Run() != SQLITE_DONE || cards.Int(1, through).Run() != SQLITE_DONE) {
    return rollback(Error("pruning cards and feedback"));
  }
  if (evaluations.Int(1, through).Run() != SQLITE_DONE) return rollback(Error("pruning evaluations"));
  const int64_t removed = sqlite3_changes(db_);
  if (start_hash.Text(1, hash).Run() != SQLITE_DONE ||
      start_sequence.Text(1, std::to_string(through)).Run() != SQLITE_DONE) {
    return rollback(Error("moving the chain start"));
  }
  if (absl::Status s = Exec("COMMIT"); !s.ok()) return rollback(s);
  return removed;
}

absl::StatusOr<std::pair<std::string, std::string>> SqliteAuditStore::Sealed(const std::string& evaluation_id) {
  Statement select(db_, "SELECT sealed_request, sealed_response FROM evaluations WHERE evaluation_id = ?1");
  const int rc = select.Text(1, evaluation_id).Step();
  if (rc == SQLITE_DONE) return absl::NotFoundError("no evaluation " + evaluation_id);
  if (rc != SQLITE_ROW) return Error("reading sealed data");
  return std::make_pair(select.Column(0), select.Column(1));
}

}  // namespace cdsd
