#include "audit/audit_trail.h"

#include <google/protobuf/util/time_util.h>

#include "audit/audit_crypto.h"
#include "audit/postgres_audit_store.h"
#include "audit/sqlite_audit_store.h"
#include "observability/logging.h"
#include "util/wall_clock.h"

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kPruneEveryMicros = 3600LL * 1000 * 1000;
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;
// What a queued command costs besides its strings: the command itself and allocator slack.
constexpr size_t kCommandOverhead = 256;

int64_t NowMicros() { return NowUnixMicros(); }

std::filesystem::path WithSuffix(const std::filesystem::path& path, const char* suffix) {
  return path.string() + suffix;
}

size_t Bytes(const EvaluationEntry& e) {
  size_t bytes = kCommandOverhead + e.evaluation_id.size() + e.body.size() + e.sealed_request.size() +
                 e.sealed_response.size();
  for (const auto& uuid : e.card_uuids) bytes += uuid.size() + sizeof(std::string);
  return bytes;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditTrail>> AuditTrail::Open(const AuditOptions& options) {
  const bool postgresql = options.backend == "postgresql";
  if (postgresql && (options.pseudonym_key_file.empty() || (options.store_requests && options.encryption_key_file.empty()))) {
    return absl::InvalidArgumentError("the postgresql audit backend needs explicit key files shared by every replica");
  }
  auto pseudonym_key = LoadOrCreateKeyFile(options.pseudonym_key_file.empty()
                                               ? WithSuffix(options.path, ".pseudonym.key")
                                               : options.pseudonym_key_file);
  if (!pseudonym_key.ok()) return pseudonym_key.status();
  std::string encryption_key;
  if (options.store_requests) {
    auto key = LoadOrCreateKeyFile(options.encryption_key_file.empty()
                                       ? WithSuffix(options.path, ".encryption.key")
                                       : options.encryption_key_file);
    if (!key.ok()) return key.status();
    encryption_key = *std::move(key);
  }
  std::unique_ptr<AuditStore> store;
  if (postgresql) {
    // PostgreSQL's own durability applies: with its default synchronous_commit = on, a commit
    // has reached the server's WAL on disk when it returns.
    auto opened = PostgresAuditStore::Open(options.postgresql_dsn, {});
    if (!opened.ok()) return opened.status();
    store = *std::move(opened);
  } else {
    SqliteOptions sqlite;
    sqlite.fsync_every_commit = options.durability == AuditDurability::kSync;
    sqlite.busy_timeout_ms = options.busy_timeout_ms;
    auto opened = SqliteAuditStore::Open(options.path, sqlite);
    if (!opened.ok()) return opened.status();
    store = *std::move(opened);
  }
  return std::make_unique<AuditTrail>(std::move(store), options, *std::move(pseudonym_key),
                                      std::move(encryption_key));
}

AuditTrail::AuditTrail(std::unique_ptr<AuditStore> store, const AuditOptions& options, std::string pseudonym_key,
                       std::string encryption_key)
    : store_(std::move(store)),
      durability_(options.durability),
      max_queue_bytes_(options.max_queue_bytes),
      store_requests_(options.store_requests),
      retention_days_(options.retention_days),
      pseudonym_key_(std::move(pseudonym_key)),
      encryption_key_(std::move(encryption_key)),
      writer_([this] { Run(); }) {}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  writer_.join();
}

void AuditTrail::Record(const cds::v1::EvaluateRequest& request, const cds::v1::EvaluateResponse& response,
                        const EvaluationFacts& facts, Done done) {
  EvaluationEntry entry = BuildEvaluationEntry(request, response, facts, pseudonym_key_);
  if (store_requests_) {
    auto sealed_request = Seal(encryption_key_, request.SerializeAsString(), entry.evaluation_id);
    auto sealed_response = Seal(encryption_key_, response.SerializeAsString(), entry.evaluation_id);
    if (!sealed_request.ok() || !sealed_response.ok()) {
      done(absl::InternalError("the full request could not be sealed for the audit trail"));
      return;
    }
    entry.sealed_request = *std::move(sealed_request);
    entry.sealed_response = *std::move(sealed_response);
  }
  const size_t bytes = Bytes(entry);
  {
    std::unique_lock lock(mutex_);
    if (queued_bytes_ + bytes > max_queue_bytes_) {
      lock.unlock();
      done(absl::ResourceExhaustedError("the audit trail is not keeping up"));
      return;
    }
    queued_bytes_ += bytes;
    if (durability_ == AuditDurability::kSync) {
      queue_.emplace_back(EvaluationCommand{std::move(entry), std::move(done)});
      done = nullptr;
    } else {
      queue_.emplace_back(EvaluationCommand{std::move(entry), nullptr});
    }
  }
  ready_.notify_one();
  if (done) done(absl::OkStatus());
}

void AuditTrail::RecordFeedback(const cds::v1::SubmitFeedbackRequest& request, int64_t received,
                                FeedbackDone done, const std::string& client_issuer,
                                const std::string& client_subject) {
  FeedbackCommand command;
  size_t bytes = kCommandOverhead;
  for (const auto& f : request.feedback()) {
    command.entries.push_back(BuildFeedbackEntry(f, received, client_issuer, client_subject));
    bytes += kCommandOverhead + command.entries.back().body.size();
  }
  command.done = std::move(done);
  {
    std::unique_lock lock(mutex_);
    if (queued_bytes_ + bytes > max_queue_bytes_) {
      lock.unlock();
      command.done(absl::ResourceExhaustedError("the audit trail is not keeping up"), 0);
      return;
    }
    queued_bytes_ += bytes;
    queue_.emplace_back(std::move(command));
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

void AuditTrail::SetHealthListener(std::function<void(bool)> listener) {
  std::lock_guard lock(mutex_);
  health_listener_ = std::move(listener);
}

uint64_t AuditTrail::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

uint64_t AuditTrail::failed_writes() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

size_t AuditTrail::queued_bytes() const {
  std::lock_guard lock(mutex_);
  return queued_bytes_;
}

bool AuditTrail::healthy() const {
  std::lock_guard lock(mutex_);
  return healthy_;
}

void AuditTrail::Run() {
  std::deque<Command> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      const bool woke = ready_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_ || !queue_.empty(); });
      if (!woke) {
        lock.unlock();
        PruneIfDue();
        continue;
      }
      if (queue_.empty()) return;  // stopping, and everything is written
      batch.swap(queue_);
    }
    WriteBatch(batch);
    batch.clear();
  }
}

void AuditTrail::WriteBatch(std::deque<Command>& batch) {
  // Evaluations waiting together go in one transaction; feedback or a flush first commits what
  // came before it, so it sees every card issued earlier.
  std::vector<EvaluationCommand> pending;
  size_t bytes = 0;
  for (Command& command : batch) {
    if (auto* evaluation = std::get_if<EvaluationCommand>(&command)) {
      bytes += Bytes(evaluation->entry);
      pending.push_back(std::move(*evaluation));
    } else if (auto* feedback = std::get_if<FeedbackCommand>(&command)) {
      CommitEvaluations(pending);
      for (const auto& e : feedback->entries) bytes += kCommandOverhead + e.body.size();
      bytes += kCommandOverhead;
      auto added = store_->AppendFeedback(feedback->entries);
      if (added.ok() || absl::IsNotFound(added.status())) {
        NoteOutcome(absl::OkStatus(), 0);
      } else {
        NoteOutcome(added.status(), 0);
      }
      if (added.ok()) feedback->done(absl::OkStatus(), *added);
      else feedback->done(added.status(), 0);
    } else if (auto* flush = std::get_if<FlushCommand>(&command)) {
      CommitEvaluations(pending);
      flush->done();
    }
  }
  CommitEvaluations(pending);
  {
    std::lock_guard lock(mutex_);
    queued_bytes_ -= std::min(bytes, queued_bytes_);
  }
  PruneIfDue();
}

void AuditTrail::CommitEvaluations(std::vector<EvaluationCommand>& pending) {
  if (pending.empty()) return;
  std::vector<EvaluationEntry> entries;
  entries.reserve(pending.size());
  for (auto& p : pending) entries.push_back(std::move(p.entry));
  const absl::Status status = store_->AppendBatch(entries);
  NoteOutcome(status, entries.size());
  const absl::Status answer =
      status.ok() ? status : absl::UnavailableError("the audit record could not be written");
  for (auto& p : pending) {
    if (p.done) p.done(answer);
  }
  pending.clear();
}

void AuditTrail::NoteOutcome(const absl::Status& status, uint64_t records) {
  if (!status.ok()) {
    // Every failed batch is logged: each one is evaluations without a record.
    LogEvent(LogLevel::kError, "audit_write_failed", {{"records", records}, {"error", std::string(status.message())}});
  }
  std::function<void(bool)> listener;
  {
    std::lock_guard lock(mutex_);
    if (status.ok()) written_ += records;
    else failed_ += records == 0 ? 1 : records;
    if (status.ok() == healthy_) return;
    healthy_ = status.ok();
    listener = health_listener_;
  }
  if (status.ok()) LogEvent(LogLevel::kInfo, "audit_writes_recovered");
  if (listener) listener(status.ok());
}

void AuditTrail::PruneIfDue() {
  if (retention_days_ <= 0) return;
  const int64_t now = NowMicros();
  if (now - last_prune_micros_ < kPruneEveryMicros) return;
  last_prune_micros_ = now;
  auto removed = store_->Prune(now - retention_days_ * kMicrosPerDay);
  if (!removed.ok()) {
    LogEvent(LogLevel::kError, "audit_prune_failed", {{"error", std::string(removed.status().message())}});
  } else if (*removed > 0) {
    LogEvent(LogLevel::kInfo, "audit_pruned", {{"records", *removed}, {"retention_days", retention_days_}});
  }
}

}  // namespace cdsd
