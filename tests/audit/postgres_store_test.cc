// The PostgreSQL audit store against a real server started on loopback for this program: the
// same contract as the SQLite store (chain, tamper detection, pruning, idempotent feedback,
// queries, nothing identifiable at rest), plus what sharing one database between replicas adds:
// two stores appending at once form one unbroken chain, feedback through one finds the cards
// of the other, a cut-off tail is caught, and a server that goes away and comes back is an
// error and then a reconnection, never a silent loss.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <thread>

#include "audit/audit_record.h"
#include "audit/audit_test_support.h"
#include "audit/postgres_audit_store.h"
#include "support/postgres_server.h"

namespace cdsd::testing {
namespace {

const std::string kKey(32, 'k');
PostgresServer* server = nullptr;

class PostgresStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new PostgresServer(); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server->ok()) << server->error();
    dsn_ = server->NewDatabase();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<PostgresAuditStore> OpenStore(bool read_only = false) {
    PostgresOptions options;
    options.read_only = read_only;
    auto store = PostgresAuditStore::Open(dsn_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::vector<EvaluationEntry> Batch(const std::string& prefix, int count, int64_t start = 1'700'000'000'000'000,
                                     const std::string& issuer = "", const std::string& subject = "") {
    std::vector<EvaluationEntry> batch;
    for (int i = 0; i < count; ++i) {
      EvaluationFacts facts{start + i * 1'000'000LL, start + i * 1'000'000LL + 850, 3, issuer, subject};
      batch.push_back(BuildEvaluationEntry(IdentifiableRequest(), ResponseFor(prefix + std::to_string(next_++)), facts, kKey));
    }
    return batch;
  }
  void Append(int count, int64_t start = 1'700'000'000'000'000) {
    ASSERT_TRUE(store_->AppendBatch(Batch("e", count, start)).ok());
  }
  VerifyReport Verify() {
    auto report = OpenStore(/*read_only=*/true)->Verify();
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }
  long long Count(const std::string& sql) { return std::stoll(PostgresServer::Sql(dsn_, sql)); }
  static FeedbackEntry Feedback(const std::string& card, int64_t seconds) {
    cds::v1::Feedback f;
    f.set_card_uuid(card);
    f.set_outcome(cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
    *f.mutable_outcome_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(seconds);
    f.set_user_comment("patient " + std::string(kPatientName) + " declined");
    return BuildFeedbackEntry(f, 1);
  }

  std::string dsn_;
  std::unique_ptr<PostgresAuditStore> store_;
  int next_ = 0;
};

TEST_F(PostgresStoreTest, AnUntouchedChainVerifiesAcrossBatches) {
  Append(3);
  Append(2);
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 5);
}

TEST_F(PostgresStoreTest, TwoReplicasAppendingAtOnceFormOneUnbrokenChain) {
  auto other = OpenStore();
  ASSERT_NE(other, nullptr);
  auto append = [this](PostgresAuditStore* store, const std::string& prefix) {
    for (int i = 0; i < 40; ++i) {
      std::vector<EvaluationEntry> batch;
      for (int j = 0; j < 3; ++j) {
        EvaluationFacts facts{1'700'000'000'000'000 + i, 1'700'000'000'000'900 + i, 3};
        batch.push_back(BuildEvaluationEntry(IdentifiableRequest(),
                                             ResponseFor(prefix + std::to_string(i) + "-" + std::to_string(j)), facts, kKey));
      }
      ASSERT_TRUE(store->AppendBatch(batch).ok());
    }
  };
  std::thread a(append, store_.get(), "a");
  std::thread b(append, other.get(), "b");
  a.join();
  b.join();
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 240);
  EXPECT_EQ(Count("SELECT max(sequence) FROM evaluations"), 240);
}

TEST_F(PostgresStoreTest, FeedbackThroughAnotherReplicaFindsTheCardAndIsRecordedOnce) {
  Append(1);
  auto other = OpenStore();
  ASSERT_NE(other, nullptr);
  auto first = other->AppendFeedback({Feedback("e0-card-1", 100), Feedback("e0-card-1", 100)});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  auto replay = store_->AppendFeedback({Feedback("e0-card-1", 100)});
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(*replay, 0);
  AuditQuery q;
  q.evaluation_id = "e0";
  auto rows = store_->Query(q);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().feedback.size(), 1u);
}

TEST_F(PostgresStoreTest, FeedbackOnAnUnknownCardNamesItsIndexAndStoresNothing) {
  Append(1);
  auto result = store_->AppendFeedback({Feedback("e0-card-0", 1), Feedback("never-issued", 1)});
  EXPECT_TRUE(absl::IsNotFound(result.status())) << result.status();
  EXPECT_NE(result.status().message().find("feedback[1]"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM feedback"), 0);
}

TEST_F(PostgresStoreTest, OnlyTheClientThatReceivedACardMayGiveFeedbackOnIt) {
  ASSERT_TRUE(store_->AppendBatch(Batch("e", 1, 1'700'000'000'000'000, "https://ehr-a.example.org", "client-a")).ok());
  cds::v1::Feedback f;
  f.set_card_uuid("e0-card-0");
  f.set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  auto other = store_->AppendFeedback({BuildFeedbackEntry(f, 1, "https://ehr-a.example.org", "client-b")});
  EXPECT_TRUE(absl::IsNotFound(other.status()));
  EXPECT_EQ(other.status().message(), "feedback[0].card_uuid: no card with this uuid was issued to this client");
  EXPECT_TRUE(absl::IsNotFound(store_->AppendFeedback({BuildFeedbackEntry(f, 1, "https://ehr-b.example.org", "client-a")}).status()));
  EXPECT_EQ(Count("SELECT count(*) FROM feedback"), 0);
  auto owner = store_->AppendFeedback({BuildFeedbackEntry(f, 1, "https://ehr-a.example.org", "client-a")});
  ASSERT_TRUE(owner.ok()) << owner.status();
  EXPECT_EQ(*owner, 1);
}

TEST_F(PostgresStoreTest, AnEditedRecordIsNamed) {
  Append(5);
  PostgresServer::Sql(dsn_, "UPDATE evaluations SET body = replace(body, 'INDICATOR_CRITICAL', 'INDICATOR_INFO')"
                            " WHERE evaluation_id = 'e2'");
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e2");
  EXPECT_EQ(report.first_bad_sequence, 3);
}

TEST_F(PostgresStoreTest, AnEditedLookupColumnIsNamed) {
  Append(3);
  PostgresServer::Sql(dsn_, "UPDATE evaluations SET received_us = received_us + 1 WHERE evaluation_id = 'e1'");
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e1");
}

TEST_F(PostgresStoreTest, ADeletedRecordIsNamedByTheOneAfterIt) {
  Append(5);
  PostgresServer::Sql(dsn_, "DELETE FROM evaluations WHERE evaluation_id = 'e2'");
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e3");
  EXPECT_NE(report.problem.find("3..3 were deleted"), std::string::npos) << report.problem;
}

TEST_F(PostgresStoreTest, RecordsCutOffTheEndAreCaughtByTheChainHead) {
  Append(5);
  PostgresServer::Sql(dsn_, "DELETE FROM evaluations WHERE sequence >= 4");
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_NE(report.problem.find("4..5 at the end of the chain were deleted"), std::string::npos) << report.problem;
}

TEST_F(PostgresStoreTest, ReorderedRecordsAreNamed) {
  Append(4);
  PostgresServer::Sql(dsn_,
                      "UPDATE evaluations SET sequence = -2 WHERE sequence = 2;"
                      "UPDATE evaluations SET sequence = 2 WHERE sequence = 3;"
                      "UPDATE evaluations SET sequence = 3 WHERE sequence = -2;");
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 2);
  EXPECT_EQ(report.first_bad_evaluation_id, "e2");
}

TEST_F(PostgresStoreTest, PruningKeepsTheRestVerifiableAndAppendsContinueTheChain) {
  const int64_t start = 1'700'000'000'000'000;
  Append(6, start);
  auto removed = store_->Prune(start + 3'000'000);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 3);
  Append(2, start + 10'000'000);
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 5);
  EXPECT_EQ(Count("SELECT count(*) FROM cards"), 15);
}

TEST_F(PostgresStoreTest, QueriesFilterByTimeServiceAndIndicator) {
  const int64_t start = 1'700'000'000'000'000;
  Append(4, start);
  AuditQuery q;
  q.from_unix_micros = start + 1'000'000;
  q.to_unix_micros = start + 3'000'000;
  auto rows = store_->Query(q);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].evaluation_id, "e1");
  q = {};
  q.service_id = "ketamine-side-effect-triage";
  q.indicator = "INDICATOR_CRITICAL";
  EXPECT_EQ(store_->Query(q)->size(), 4u);
  q.service_id = "ketamine-dosing-schedule";
  EXPECT_EQ(store_->Query(q)->size(), 0u);
}

TEST_F(PostgresStoreTest, SealedBytesComeBackExactly) {
  auto batch = Batch("e", 1);
  batch[0].sealed_request = std::string("\0\x01\xff sealed", 10);
  batch[0].sealed_response = std::string(3000, '\0');
  ASSERT_TRUE(store_->AppendBatch(batch).ok());
  auto sealed = store_->Sealed("e0");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->first, batch[0].sealed_request);
  EXPECT_EQ(sealed->second, batch[0].sealed_response);
  EXPECT_TRUE(absl::IsNotFound(store_->Sealed("nope").status()));
}

TEST_F(PostgresStoreTest, NothingIdentifiableIsStored) {
  Append(20);
  ASSERT_TRUE(store_->AppendFeedback({Feedback("e0-card-1", 5)}).ok());
  const std::string everything = PostgresServer::Sql(
      dsn_, "SELECT string_agg(body, '|') || (SELECT string_agg(body, '|') FROM feedback) FROM evaluations");
  ASSERT_FALSE(everything.empty());
  EXPECT_EQ(everything.find(kPatientId), std::string::npos);
  EXPECT_EQ(everything.find(kBirthDate), std::string::npos);
  EXPECT_EQ(everything.find(kPatientName), std::string::npos);
  EXPECT_EQ(everything.find("182/104"), std::string::npos);
}

TEST_F(PostgresStoreTest, AForeignTableLayoutIsRefusedAndAnEmptyDatabaseIsNotFoundReadOnly) {
  const std::string foreign = server->NewDatabase();
  PostgresServer::Sql(foreign, "CREATE TABLE evaluations (id TEXT)");
  auto refused = PostgresAuditStore::Open(foreign, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  PostgresOptions read_only;
  read_only.read_only = true;
  auto empty = PostgresAuditStore::Open(server->NewDatabase(), read_only);
  EXPECT_TRUE(absl::IsNotFound(empty.status())) << empty.status();
}

TEST_F(PostgresStoreTest, AReadOnlyStoreCannotWrite) {
  Append(2);
  auto reader = OpenStore(/*read_only=*/true);
  EXPECT_FALSE(reader->AppendBatch(Batch("r", 1)).ok());
  EXPECT_FALSE(reader->Prune(std::numeric_limits<int64_t>::max()).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM evaluations"), 2);
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsUnavailableWithoutThePasswordAndTheStoreReconnects) {
  auto secret = PostgresAuditStore::Open("host=127.0.0.1 port=1 user=x password=hunter2 connect_timeout=2", {});
  EXPECT_TRUE(absl::IsUnavailable(secret.status())) << secret.status();
  EXPECT_EQ(secret.status().message().find("hunter2"), std::string::npos) << secret.status();

  Append(2);
  server->Kill();
  const absl::Status during = store_->AppendBatch(Batch("e", 1));
  EXPECT_TRUE(absl::IsUnavailable(during)) << during;
  ASSERT_TRUE(server->Restart());
  const absl::Status after = store_->AppendBatch(Batch("e", 1));
  EXPECT_TRUE(after.ok()) << after;
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 3) << "the failed append left nothing behind; the next one continued the chain";
}

}  // namespace
}  // namespace cdsd::testing
