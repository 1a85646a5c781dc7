#include "audit/postgres_audit_store.h"

#include <pqxx/pqxx>

#include "audit/audit_record.h"

namespace cdsd {

struct PostgresSession {
  explicit PostgresSession(const std::string& dsn) : connection(dsn) {}
  pqxx::connection connection;
};

namespace {

const std::string kGenesis(64, '0');

// Any fixed number: the advisory lock that keeps replicas starting at once from creating the
// tables twice.
constexpr long long kSchemaLock = 0x63647364'61756474LL;  // "cdsdaudt"

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chain_head (
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  sequence BIGINT NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (
  sequence BIGINT PRIMARY KEY,
  evaluation_id TEXT NOT NULL UNIQUE,
  received_us BIGINT NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  sealed_request BYTEA NOT NULL,
  sealed_response BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS evaluations_by_time ON evaluations(received_us);
CREATE TABLE IF NOT EXISTS cards (
  card_uuid TEXT PRIMARY KEY,
  sequence BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS cards_by_sequence ON cards(sequence);
CREATE TABLE IF NOT EXISTS feedback (
  id BIGSERIAL PRIMARY KEY,
  card_uuid TEXT NOT NULL,
  outcome TEXT NOT NULL,
  outcome_time TEXT NOT NULL,
  received_us BIGINT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (card_uuid, outcome, outcome_time));
INSERT INTO meta VALUES ('schema', '2') ON CONFLICT DO NOTHING;
INSERT INTO meta VALUES ('chain_start_hash', '0000000000000000000000000000000000000000000000000000000000000000')
  ON CONFLICT DO NOTHING;
INSERT INTO meta VALUES ('chain_start_sequence', '0') ON CONFLICT DO NOTHING;
INSERT INTO chain_head VALUES (TRUE, 0, '0000000000000000000000000000000000000000000000000000000000000000')
  ON CONFLICT DO NOTHING;
)sql";

// Rows read per round trip while verifying, so a large trail is never held in memory at once.
constexpr int kVerifyPage = 5000;

absl::Status Unavailable(const char* what, const std::exception& e) {
  // libpq's messages name the server and the failure, never the password of the DSN.
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return absl::UnavailableError(std::string("audit trail (postgresql): ") + what + ": " + message);
}

}  // namespace

PostgresAuditStore::PostgresAuditStore(std::string dsn, const PostgresOptions& options)
    : dsn_(std::move(dsn)), options_(options) {}

PostgresAuditStore::~PostgresAuditStore() = default;

absl::StatusOr<std::unique_ptr<PostgresAuditStore>> PostgresAuditStore::Open(const std::string& dsn,
                                                                          const PostgresOptions& options) {
  std::unique_ptr<PostgresAuditStore> store(new PostgresAuditStore(dsn, options));
  std::lock_guard lock(store->mutex_);
  auto connection = store->Connection();
  if (!connection.ok()) return connection.status();
  try {
    pqxx::work tx((*connection)->connection);
    const pqxx::result layout = tx.exec(
        "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        "        AND table_name = 'evaluations'),"
        "       (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        "        AND table_name = 'chain_head')");
    const bool has_evaluations = layout[0][0].as<long long>() > 0;
    const bool has_head = layout[0][1].as<long long>() > 0;
    if (has_evaluations && !has_head) {
      return absl::FailedPreconditionError(
          "audit trail (postgresql): the database has an evaluations table that is not cdsd's chained layout; "
          "use a database of its own for cdsd");
    }
    if (options.read_only) {
      if (!has_head) return absl::NotFoundError("audit trail (postgresql): no audit trail in this database yet");
      return store;
    }
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLock);
    tx.exec(kSchema);
    tx.commit();
  } catch (const std::exception& e) {
    return Unavailable("creating the tables", e);
  }
  return store;
}

absl::StatusOr<PostgresSession*> PostgresAuditStore::Connection() {
  if (connection_ && connection_->connection.is_open()) return connection_.get();
  connection_.reset();
  try {
    auto session = std::make_unique<PostgresSession>(dsn_);
    pqxx::connection* connection = &session->connection;
    if (options_.read_only) {
      pqxx::nontransaction tx(*connection);
      tx.exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    }
    connection->prepare("insert_evaluation",
                        "INSERT INTO evaluations VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    connection->prepare("insert_card", "INSERT INTO cards VALUES ($1, $2) ON CONFLICT DO NOTHING");
    // The client a card was issued to is read from the hashed body of its evaluation.
    connection->prepare("card_known",
                        "SELECT coalesce(e.body::jsonb -> 'client' ->> 'iss', ''),"
                        " coalesce(e.body::jsonb -> 'client' ->> 'sub', '')"
                        " FROM cards c JOIN evaluations e ON e.sequence = c.sequence WHERE c.card_uuid = $1");
    connection->prepare("insert_feedback",
                        "INSERT INTO feedback (card_uuid, outcome, outcome_time, received_us, body)"
                        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
    connection_ = std::move(session);
  } catch (const std::exception& e) {
    return Unavailable("connecting", e);
  }
  return connection_.get();
}

template <typename Result, typename Body>
absl::StatusOr<Result> PostgresAuditStore::Run(const char* what, Body body) {
  std::lock_guard lock(mutex_);
  auto connection = Connection();
  if (!connection.ok()) return connection.status();
  try {
    return body((*connection)->connection);
  } catch (const pqxx::in_doubt_error& e) {
    connection_.reset();
    return Unavailable((std::string(what) + " (the commit may or may not have happened)").c_str(), e);
  } catch (const pqxx::broken_connection& e) {
    connection_.reset();
    return Unavailable(what, e);
  } catch (const std::exception& e) {
    // An SQL error aborts the transaction, which pqxx rolls back when it goes out of scope.
    return Unavailable(what, e);
  }
}

absl::Status PostgresAuditStore::AppendBatch(const std::vector<EvaluationEntry>& batch) {
  auto done = Run<bool>("appending evaluations", [&](pqxx::connection& c) -> absl::StatusOr<bool> {
    pqxx::work tx(c);
    // The row lock orders appends from every replica into one chain.
    const pqxx::row head = tx.exec1("SELECT sequence, hash FROM chain_head FOR UPDATE");
    int64_t sequence = head[0].as<int64_t>();
    std::string hash = head[1].as<std::string>();
    for (const EvaluationEntry& e : batch) {
      const std::string next = ChainHash(hash, e.body);
      ++sequence;
      tx.exec_prepared("insert_evaluation", sequence, e.evaluation_id, e.received_unix_micros, e.body, hash, next,
                       pqxx::binarystring(e.sealed_request), pqxx::binarystring(e.sealed_response));
      for (const std::string& uuid : e.card_uuids) tx.exec_prepared("insert_card", uuid, sequence);
      hash = next;
    }
    tx.exec_params("UPDATE chain_head SET sequence = $1, hash = $2", sequence, hash);
    tx.commit();
    return true;
  });
  return done.status();
}

absl::StatusOr<int> PostgresAuditStore::AppendFeedback(const std::vector<FeedbackEntry>& entries) {
  return Run<int>("storing feedback", [&](pqxx::connection& c) -> absl::StatusOr<int> {
    pqxx::work tx(c);
    for (size_t i = 0; i < entries.size(); ++i) {
      const FeedbackEntry& f = entries[i];
      const pqxx::result card = tx.exec_prepared("card_known", f.card_uuid);
      if (card.empty()) return UnknownCardError(i, f);
      if (!f.client_issuer.empty() && (card[0][0].as<std::string>() != f.client_issuer ||
                                       card[0][1].as<std::string>() != f.client_subject)) {
        return UnknownCardError(i, f);
      }
    }
    int added = 0;
    for (const FeedbackEntry& f : entries) {
      added += tx.exec_prepared("insert_feedback", f.card_uuid, f.outcome, f.outcome_time, f.received_unix_micros,
                                f.body).affected_rows();
    }
    tx.commit();
    return added;
  });
}

absl::StatusOr<std::vector<StoredEvaluation>> PostgresAuditStore::Query(const AuditQuery& q) {
  using Rows = std::vector<StoredEvaluation>;
  return Run<Rows>("running the query", [&](pqxx::connection& c) -> absl::StatusOr<Rows> {
    pqxx::read_transaction tx(c);
    const pqxx::result rows = tx.exec_params(
        "SELECT sequence, evaluation_id, received_us, body, hash FROM evaluations"
        " WHERE received_us >= $1 AND received_us < $2"
        " AND ($3 = '' OR evaluation_id = $3)"
        " AND ($4 = '' OR EXISTS (SELECT 1 FROM jsonb_array_elements(body::jsonb -> 'services') s"
        "                         WHERE s ->> 'service_id' = $4))"
        " AND ($5 = '' OR EXISTS (SELECT 1 FROM jsonb_array_elements(body::jsonb -> 'cards') k"
        "                         WHERE k ->> 'indicator' = $5))"
        " ORDER BY sequence LIMIT $6",
        q.from_unix_micros, q.to_unix_micros, q.evaluation_id, q.service_id, q.indicator, q.limit);
    Rows out;
    out.reserve(rows.size());
    for (const pqxx::row& r : rows) {
      StoredEvaluation e{r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<std::string>(),
                         r[4].as<std::string>(), {}};
      const pqxx::result feedback = tx.exec_params(
          "SELECT f.body FROM feedback f JOIN cards c ON c.card_uuid = f.card_uuid WHERE c.sequence = $1 ORDER BY f.id",
          e.sequence);
      for (const pqxx::row& f : feedback) e.feedback.push_back(f[0].as<std::string>());
      out.push_back(std::move(e));
    }
    return out;
  });
}

absl::StatusOr<VerifyReport> PostgresAuditStore::Verify() {
  return Run<VerifyReport>("verifying the chain", [&](pqxx::connection& c) -> absl::StatusOr<VerifyReport> {
    // One snapshot for the whole walk: records other replicas append meanwhile are not seen.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    const pqxx::row start = tx.exec1(
        "SELECT (SELECT value FROM meta WHERE key = 'chain_start_hash'),"
        " (SELECT value FROM meta WHERE key = 'chain_start_sequence'), h.sequence, h.hash FROM chain_head h");
    ChainWalk walk(start[0].as<std::string>(), std::stoll(start[1].as<std::string>()));
    int64_t after = std::numeric_limits<int64_t>::min();
    for (;;) {
      const pqxx::result page = tx.exec_params(
          "SELECT sequence, evaluation_id, received_us, body, prev_hash, hash,"
          " body::jsonb ->> 'evaluation_id', (body::jsonb ->> 'received_us')::bigint"
          " FROM evaluations WHERE sequence > $1 ORDER BY sequence LIMIT $2",
          after, kVerifyPage);
      for (const pqxx::row& r : page) {
        after = r[0].as<int64_t>();
        const std::optional<std::string> body_id = r[6].is_null() ? std::nullopt : std::optional(r[6].as<std::string>());
        const std::optional<int64_t> body_received = r[7].is_null() ? std::nullopt : std::optional(r[7].as<int64_t>());
        if (!walk.Next(after, r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<std::string>(),
                       r[4].as<std::string>(), r[5].as<std::string>(), body_id, body_received)) {
          return walk.report();
        }
      }
      if (page.size() < static_cast<size_t>(kVerifyPage)) break;
    }
    // The head is where the next append continues: records cut off the end show up here.
    walk.ExpectHead(start[2].as<int64_t>(), start[3].as<std::string>());
    return walk.report();
  });
}

absl::StatusOr<int64_t> PostgresAuditStore::Prune(int64_t before) {
  if (options_.read_only) return absl::FailedPreconditionError("audit trail (postgresql): opened read-only");
  return Run<int64_t>("pruning", [&](pqxx::connection& c) -> absl::StatusOr<int64_t> {
    pqxx::work tx(c);
    tx.exec("SELECT 1 FROM chain_head FOR UPDATE");  // no append runs while the start moves
    const pqxx::result cut = tx.exec_params(
        "SELECT sequence, hash FROM evaluations WHERE sequence < coalesce("
        "(SELECT min(sequence) FROM evaluations WHERE received_us >= $1), 9223372036854775807)"
        " ORDER BY sequence DESC LIMIT 1",
        before);
    if (cut.empty()) {
      tx.commit();
      return int64_t{0};
    }
    const int64_t through = cut[0][0].as<int64_t>();
    const std::string hash = cut[0][1].as<std::string>();
    tx.exec_params("DELETE FROM feedback WHERE card_uuid IN (SELECT card_uuid FROM cards WHERE sequence <= $1)", through);
    tx.exec_params("DELETE FROM cards WHERE sequence <= $1", through);
    const int64_t removed = tx.exec_params("DELETE FROM evaluations WHERE sequence <= $1", through).affected_rows();
    tx.exec_params("UPDATE meta SET value = $1 WHERE key = 'chain_start_hash'", hash);
    tx.exec_params("UPDATE meta SET value = $1 WHERE key = 'chain_start_sequence'", std::to_string(through));
    tx.commit();
    return removed;
  });
}

absl::StatusOr<std::pair<std::string, std::string>> PostgresAuditStore::Sealed(const std::string& evaluation_id) {
  using Pair = std::pair<std::string, std::string>;
  return Run<Pair>("reading sealed data", [&](pqxx::connection& c) -> absl::StatusOr<Pair> {
    pqxx::read_transaction tx(c);
    const pqxx::result r =
        tx.exec_params("SELECT sealed_request, sealed_response FROM evaluations WHERE evaluation_id = $1", evaluation_id);
    if (r.empty()) return absl::NotFoundError("no evaluation " + evaluation_id);
    return Pair(pqxx::binarystring(r[0][0]).str(), pqxx::binarystring(r[0][1]).str());
  });
}

}  // namespace cdsd
