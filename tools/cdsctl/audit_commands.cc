#include "audit_commands.h"

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "audit/postgres_audit_store.h"
#include "audit/sqlite_audit_store.h"
#include "audit_fhir.h"

namespace {

using google::protobuf::util::TimeUtil;
using nlohmann::json;

// RFC 3339 time, or a plain date meaning its midnight UTC.
std::optional<int64_t> ParseTime(const std::string& text) {
  google::protobuf::Timestamp t;
  const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  if (!TimeUtil::FromString(full, &t)) return std::nullopt;
  return TimeUtil::TimestampToMicroseconds(t);
}

std::string Time(int64_t micros) { return TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(micros)); }

// --db opens a SQLite file, --dsn the PostgreSQL database every replica shares.
absl::StatusOr<std::unique_ptr<cdsd::AuditStore>> OpenStore(const std::string& db, const std::string& dsn, bool write) {
  if (db.empty() == dsn.empty()) return absl::InvalidArgumentError("give exactly one of --db FILE and --dsn DSN");
  if (!dsn.empty()) {
    cdsd::PostgresOptions options;
    options.read_only = !write;
    auto store = cdsd::PostgresAuditStore::Open(dsn, options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<cdsd::AuditStore>(*std::move(store));
  }
  cdsd::SqliteOptions options;
  options.read_only = !write;
  auto store = cdsd::SqliteAuditStore::Open(db, options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<cdsd::AuditStore>(*std::move(store));
}

int Error(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return 3;
}

void Show(const cdsd::StoredEvaluation& e) {
  const json body = json::parse(e.body);
  std::cout << "evaluation " << e.evaluation_id << "  (record " << e.sequence << ", hash " << e.hash.substr(0, 16)
            << "...)\n"
            << "  received   " << Time(e.received_unix_micros) << "  latency " << body.value("latency_us", 0)
            << " us\n"
            << "  hook       " << body.value("hook", "") << "  caller " << body.value("caller", "-") << "\n"
            << "  patient    " << body.value("patient_pseudonym", "-") << " (pseudonym)\n"
            << "  config     generation " << body.value("config_generation", 0) << "\n";
  for (const auto& s : body["services"]) {
    std::cout << "  service    " << s.value("service_id", "") << " " << s.value("plugin_version", "") << "  "
              << s.value("status", "") << "  " << s.value("elapsed_us", 0) << " us, "
              << s.value("card_count", 0) << " card(s)\n";
  }
  for (const auto& c : body["cards"]) {
    std::cout << "  card       " << c.value("uuid", "") << "  " << c.value("indicator", "") << "  "
              << c.value("decision", "") << "\n"
              << "             " << c.value("service_id", "") << " " << c.value("plugin_version", "")
              << ", knowledge " << c.value("knowledge_version", "") << "\n";
    for (const auto& k : c["criteria"]) {
      std::cout << "             " << k.value("outcome", "") << "  " << k.value("id", "") << "\n";
    }
  }
  for (const auto& f : e.feedback) {
    const json fb = json::parse(f);
    std::cout << "  feedback   " << fb.value("card_uuid", "") << "  " << fb.value("outcome", "") << " "
              << fb["override_reason"].value("code", "") << " at " << fb.value("outcome_time", "") << "\n";
  }
}

}  // namespace

void AuditCommands::Register(CLI::App& app) {
  audit_ = app.add_subcommand("audit", "Read, export, verify or prune the audit database (no daemon needed)");
  audit_->require_subcommand(1);
  auto db = [this](CLI::App* sub) {
    sub->add_option("--db", db_, "Audit database file (audit.backend sqlite)")->check(CLI::ExistingFile);
    sub->add_option("--dsn", dsn_, "PostgreSQL connection string (audit.backend postgresql; password from ~/.pgpass)");
  };
  query_ = audit_->add_subcommand("query", "List evaluations matching all the filters given");
  export_ = audit_->add_subcommand("export", "Print matching evaluations, one per line");
  for (CLI::App* sub : {query_, export_}) {
    db(sub);
    sub->add_option("--from", from_, "Received at or after (RFC 3339 or YYYY-MM-DD)");
    sub->add_option("--to", to_, "Received before (RFC 3339 or YYYY-MM-DD)");
    sub->add_option("--service", service_, "Only evaluations that called this service");
    sub->add_option("--evaluation-id", evaluation_id_, "Only this evaluation");
    sub->add_option("--indicator", indicator_, "Only evaluations with a card of this indicator (INDICATOR_CRITICAL...)");
    sub->add_option("--limit", limit_, "At most this many")->capture_default_str()->check(CLI::PositiveNumber);
  }
  export_->add_option("--format", format_, "jsonl (the stored records) or fhir (FHIR R4 AuditEvent per line)")
      ->capture_default_str()->check(CLI::IsMember({"jsonl", "fhir"}));
  show_ = audit_->add_subcommand("show", "Print one evaluation, its cards and their feedback, readably");
  db(show_);
  show_->add_option("evaluation_id", evaluation_id_, "Evaluation id")->required();
  verify_ = audit_->add_subcommand("verify", "Check the hash chain; names the first edited, deleted or reordered record");
  db(verify_);
  prune_ = audit_->add_subcommand("prune", "Delete evaluations received before a date (the kept chain still verifies)");
  db(prune_);
  prune_->add_option("--before", before_, "RFC 3339 time or YYYY-MM-DD")->required();
}

std::optional<int> AuditCommands::Run() {
  if (!audit_ || !audit_->parsed()) return std::nullopt;
  auto store = OpenStore(db_, dsn_, prune_->parsed());
  if (!store.ok()) return Error(store.status());

  if (verify_->parsed()) {
    auto report = (*store)->Verify();
    if (!report.ok()) return Error(report.status());
    if (report->intact) {
      std::cout << "intact: " << report->checked << " record(s) chained\n";
      return 0;
    }
    std::cout << "TAMPERED: record " << report->first_bad_sequence << " (evaluation " << report->first_bad_evaluation_id
              << "): " << report->problem << "\n";
    return 1;
  }
  if (prune_->parsed()) {
    auto before = ParseTime(before_);
    if (!before) return std::cerr << "error: --before is not a date or RFC 3339 time\n", 2;
    auto removed = (*store)->Prune(*before);
    if (!removed.ok()) return Error(removed.status());
    std::cout << "pruned " << *removed << " evaluation(s) received before " << Time(*before) << "\n";
    return 0;
  }
  cdsd::AuditQuery q;
  q.evaluation_id = evaluation_id_;
  q.service_id = service_;
  q.indicator = indicator_;
  q.limit = limit_;
  if (!from_.empty()) {
    auto t = ParseTime(from_);
    if (!t) return std::cerr << "error: --from is not a date or RFC 3339 time\n", 2;
    q.from_unix_micros = *t;
  }
  if (!to_.empty()) {
    auto t = ParseTime(to_);
    if (!t) return std::cerr << "error: --to is not a date or RFC 3339 time\n", 2;
    q.to_unix_micros = *t;
  }
  auto rows = (*store)->Query(q);
  if (!rows.ok()) return Error(rows.status());
  if (show_->parsed()) {
    if (rows->empty()) return std::cerr << "error: no evaluation " << evaluation_id_ << "\n", 1;
    Show(rows->front());
    return 0;
  }
  for (const auto& e : *rows) {
    if (export_->parsed()) {
      if (format_ == "fhir") {
        std::cout << ToFhirAuditEvent(e).dump() << "\n";
      } else {
        json line = json::parse(e.body);
        line["sequence"] = e.sequence;
        line["hash"] = e.hash;
        line["feedback"] = json::array();
        for (const auto& f : e.feedback) line["feedback"].push_back(json::parse(f));
        std::cout << line.dump() << "\n";
      }
      continue;
    }
    const json body = json::parse(e.body);
    std::string indicators;
    for (const auto& c : body["cards"]) {
      std::string i = c.value("indicator", "");
      indicators += (indicators.empty() ? "" : ",") + i.substr(i.rfind('_') + 1);
    }
    std::cout << Time(e.received_unix_micros) << "  " << e.evaluation_id << "  " << body.value("hook", "") << "  "
              << body["cards"].size() << " card(s) " << indicators << "  " << e.feedback.size() << " feedback\n";
  }
  return 0;
}
