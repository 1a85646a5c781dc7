#include "audit/audit_trail.h"

#include <google/protobuf/util/time_util.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <cstdio>

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (
  evaluation_id TEXT PRIMARY KEY,
  received_at TEXT NOT NULL,
  evaluation_time TEXT NOT NULL,
  evaluation_date TEXT NOT NULL,
  hook TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  patient_ref TEXT,
  config_generation INTEGER NOT NULL,
  request BLOB,
  response BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS service_results (
  evaluation_id TEXT NOT NULL REFERENCES evaluations(evaluation_id),
  service_id TEXT NOT NULL,
  plugin_version TEXT,
  status TEXT NOT NULL,
  message TEXT,
  elapsed_us INTEGER,
  card_count INTEGER);
CREATE TABLE IF NOT EXISTS cards (
  card_uuid TEXT PRIMARY KEY,
  evaluation_id TEXT NOT NULL REFERENCES evaluations(evaluation_id),
  service_id TEXT NOT NULL,
  plugin_version TEXT,
  knowledge_version TEXT,
  indicator TEXT NOT NULL,
  summary TEXT NOT NULL,
  decision TEXT);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  card_uuid TEXT NOT NULL REFERENCES cards(card_uuid),
  outcome TEXT NOT NULL,
  override_system TEXT,
  override_code TEXT,
  override_display TEXT,
  user_comment TEXT,
  accepted_suggestions TEXT,
  outcome_time TEXT,
  received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS service_results_by_evaluation ON service_results(evaluation_id);
CREATE INDEX IF NOT EXISTS cards_by_evaluation ON cards(evaluation_id);
CREATE INDEX IF NOT EXISTS feedback_by_card ON feedback(card_uuid);
)sql";

// A prepared statement that finalizes itself; binds by position, 1-based.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  Statement& Text(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Blob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& Int(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // Runs to completion; returns the final sqlite result code.
  int Run() {
    int rc;
    while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc;
  }
  // Steps once; true when a row is available.
  bool Row() { return sqlite3_step(stmt_) == SQLITE_ROW; }
  std::string Column(int i) {
    const auto* text = sqlite3_column_text(stmt_, i);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string Micros(int64_t unix_micros) {
  return TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(unix_micros));
}

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

std::string DecisionText(const cds::v1::Card& card) {
  switch (card.decision_case()) {
    case cds::v1::Card::kEligibility:
      return cds::v1::EligibilityStatus_Name(card.eligibility().status());
    case cds::v1::Card::kDosingSchedule:
      return card.dosing_schedule().dose_withheld() ? "DOSE_WITHHELD" : "SCHEDULE";
    case cds::v1::Card::kTriage:
      return cds::v1::TriageLevel_Name(card.triage().level());
    case cds::v1::Card::DECISION_NOT_SET:
      break;
  }
  return "";
}

}  // namespace

struct AuditTrail::Statements {
  explicit Statements(sqlite3* db)
      : evaluation(db, "INSERT INTO evaluations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        service_result(db, "INSERT INTO service_results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        card(db, "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)") {}
  Statement evaluation;
  Statement service_result;
  Statement card;
};

absl::StatusOr<std::unique_ptr<AuditTrail>> AuditTrail::Open(const std::filesystem::path& path,
                                                             bool store_requests) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError("audit trail " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db);
    return absl::UnavailableError("audit trail " + path.string() + ": " + message);
  }
  // The salt for patient references is created once per database and kept in it.
  std::string salt;
  {
    Statement select(db, "SELECT value FROM meta WHERE key = 'patient_salt'");
    if (select.Row()) salt = select.Column(0);
  }
  if (salt.empty()) {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) {
      sqlite3_close(db);
      return absl::InternalError("audit trail: no random bytes for the patient salt");
    }
    salt = Hex(random, sizeof random);
    Statement insert(db, "INSERT INTO meta(key, value) VALUES ('patient_salt', ?1)");
    insert.Text(1, salt).Run();
  }
  return std::unique_ptr<AuditTrail>(new AuditTrail(db, store_requests, std::move(salt)));
}

AuditTrail::AuditTrail(sqlite3* db, bool store_requests, std::string salt)
    : db_(db),
      statements_(std::make_unique<Statements>(db)),
      store_requests_(store_requests),
      salt_(std::move(salt)),
      writer_([this] { Run(); }) {}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  writer_.join();
  statements_.reset();
  sqlite3_close(db_);
}

bool AuditTrail::Record(EvaluationRecord record) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxBacklog) return false;
    queue_.emplace_back(std::move(record));
  }
  ready_.notify_one();
  return true;
}

void AuditTrail::RecordFeedback(cds::v1::SubmitFeedbackRequest request, int64_t received,
                                FeedbackDone done) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(FeedbackCommand{std::move(request), received, std::move(done)});
  }
  ready_.notify_one();
}

void AuditTrail::Flush() {
  std::mutex m;
  std::condition_variable cv;
  bool flushed = false;
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(FlushCommand{[&] {
      std::lock_guard l(m);
      flushed = true;
      cv.notify_all();
    }});
  }
  ready_.notify_one();
  std::unique_lock l(m);
  cv.wait(l, [&] { return flushed; });
}

uint64_t AuditTrail::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

uint64_t AuditTrail::failed_writes() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void AuditTrail::Run() {
  std::deque<Command> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      batch.swap(queue_);
    }
    WriteBatch(batch);
    batch.clear();
  }
}

void AuditTrail::WriteBatch(std::deque<Command>& batch) {
  // Evaluations are committed in one transaction; a feedback or flush command first commits
  // what came before it, so it sees every card issued earlier.
  bool open = false;
  uint64_t written = 0, failed = 0;
  auto commit = [&] {
    if (!open) return;
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      failed += written;
      written = 0;
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    open = false;
    std::lock_guard lock(mutex_);
    written_ += written;
    failed_ += failed;
    written = failed = 0;
  };
  for (Command& command : batch) {
    if (auto* record = std::get_if<EvaluationRecord>(&command)) {
      if (!open) open = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
      WriteEvaluation(*record);
      ++written;
    } else if (auto* feedback = std::get_if<FeedbackCommand>(&command)) {
      commit();
      WriteFeedback(*feedback);
    } else if (auto* flush = std::get_if<FlushCommand>(&command)) {
      commit();
      flush->done();
    }
  }
  commit();
}

std::string AuditTrail::PatientRef(const std::string& patient_id) const {
  if (patient_id.empty()) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const std::string input = salt_ + ":" + patient_id;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

void AuditTrail::WriteEvaluation(const EvaluationRecord& record) {
  cds::v1::EvaluateResponse response;
  response.ParseFromString(record.response);
  Statement& evaluation = statements_->evaluation;
  evaluation.Text(1, record.evaluation_id)
      .Text(2, Micros(record.received_unix_micros))
      .Text(3, TimeUtil::ToString(response.evaluation_time()))
      .Text(4, response.evaluation_date())
      .Text(5, record.hook)
      .Text(6, record.hook_instance)
      .Text(7, PatientRef(record.patient_id))
      .Int(8, static_cast<int64_t>(record.config_generation))
      .Blob(10, record.response);
  if (store_requests_) evaluation.Blob(9, record.request);
  else evaluation.Null(9);
  evaluation.Run();

  Statement& result = statements_->service_result;
  for (const auto& r : response.service_results()) {
    result.Text(1, record.evaluation_id)
        .Text(2, r.service_id())
        .Text(3, r.plugin_version())
        .Text(4, cds::v1::ServiceStatus_Name(r.status()))
        .Text(5, r.message())
        .Int(6, TimeUtil::DurationToMicroseconds(r.elapsed()))
        .Int(7, r.card_count())
        .Run();
  }
  Statement& card = statements_->card;
  for (const auto& c : response.cards()) {
    card.Text(1, c.uuid())
        .Text(2, record.evaluation_id)
        .Text(3, c.service_id())
        .Text(4, c.plugin_version())
        .Text(5, c.knowledge_version())
        .Text(6, cds::v1::Indicator_Name(c.indicator()))
        .Text(7, c.summary())
        .Text(8, DecisionText(c))
        .Run();
  }
}

void AuditTrail::WriteFeedback(FeedbackCommand& command) {
  const auto& entries = command.request.feedback();
  {
    Statement known(db_, "SELECT 1 FROM cards WHERE card_uuid = ?1");
    for (int i = 0; i < entries.size(); ++i) {
      known.Text(1, entries[i].card_uuid());
      const bool found = known.Row();
      known.Reset();
      if (!found) {
        command.done(absl::NotFoundError("feedback[" + std::to_string(i) +
                                         "].card_uuid: no card with this uuid was issued"),
                     0);
        return;
      }
    }
  }
  sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  Statement insert(db_,
      "INSERT INTO feedback (card_uuid, outcome, override_system, override_code, override_display,"
      " user_comment, accepted_suggestions, outcome_time, received_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  for (const auto& f : entries) {
    std::string accepted;
    for (const auto& s : f.accepted_suggestion_uuids()) accepted += (accepted.empty() ? "" : ",") + s;
    insert.Text(1, f.card_uuid())
        .Text(2, cds::v1::FeedbackOutcome_Name(f.outcome()))
        .Text(3, f.override_reason().system())
        .Text(4, f.override_reason().code())
        .Text(5, f.override_reason().display())
        .Text(6, f.user_comment())
        .Text(7, accepted)
        .Text(8, f.has_outcome_time() ? TimeUtil::ToString(f.outcome_time()) : "")
        .Text(9, Micros(command.received_unix_micros))
        .Run();
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    command.done(absl::UnavailableError("audit trail: feedback could not be written"), 0);
    return;
  }
  command.done(absl::OkStatus(), entries.size());
}

}  // namespace cdsd
