// The SQLite audit store on its own: the hash chain catches edited, deleted and reordered
// records and survives pruning; feedback is idempotent and linked to issued cards; queries
// filter; and no patient identifier is in the file.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "audit/audit_record.h"
#include "audit/audit_test_support.h"
#include "audit/sqlite_audit_store.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

const std::string kKey(32, 'k');

class AuditStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteAuditStore::Open(db_, {});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  // Appends `count` evaluations e0..e<count-1>, received one second apart from `start`.
  // `issuer`/`subject`: the authenticated client the cards were issued to ("" = auth off).
  void Append(int count, int64_t start = 1'700'000'000'000'000, const std::string& issuer = "",
              const std::string& subject = "") {
    std::vector<EvaluationEntry> batch;
    for (int i = 0; i < count; ++i) {
      EvaluationFacts facts{start + i * 1'000'000LL, start + i * 1'000'000LL + 850, 3, issuer, subject};
      batch.push_back(BuildEvaluationEntry(IdentifiableRequest(), ResponseFor("e" + std::to_string(next_++)), facts, kKey));
    }
    ASSERT_TRUE(store_->AppendBatch(batch).ok());
  }
  VerifyReport VerifyFresh() {
    store_.reset();
    auto store = SqliteAuditStore::Open(db_, {});
    EXPECT_TRUE(store.ok());
    auto report = (*store)->Verify();
    EXPECT_TRUE(report.ok()) << report.status();
    return *report;
  }
  TempDir dir_;
  std::filesystem::path db_ = dir_.path() / "audit.sqlite";
  std::unique_ptr<SqliteAuditStore> store_;
  int next_ = 0;
};

TEST_F(AuditStoreTest, AnUntouchedChainVerifiesAcrossBatches) {
  Append(3);
  Append(2);
  const VerifyReport report = VerifyFresh();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 5);
}

TEST_F(AuditStoreTest, AnEditedRecordIsNamed) {
  Append(5);
  Sql(db_, "UPDATE evaluations SET body = replace(body, 'INDICATOR_CRITICAL', 'INDICATOR_INFO') WHERE evaluation_id = 'e2'");
  const VerifyReport report = VerifyFresh();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e2");
  EXPECT_EQ(report.first_bad_sequence, 3);
}

TEST_F(AuditStoreTest, AnEditedLookupColumnIsNamed) {
  Append(3);
  Sql(db_, "UPDATE evaluations SET received_us = received_us + 1 WHERE evaluation_id = 'e1'");
  const VerifyReport report = VerifyFresh();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e1");
}

TEST_F(AuditStoreTest, ADeletedRecordIsNamedByTheOneAfterIt) {
  Append(5);
  Sql(db_, "DELETE FROM evaluations WHERE evaluation_id = 'e2'");
  const VerifyReport report = VerifyFresh();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e3");
  EXPECT_NE(report.problem.find("3..3 were deleted"), std::string::npos) << report.problem;
}

TEST_F(AuditStoreTest, ADeletedRecordWithRenumberedSuccessorsIsStillCaught) {
  Append(4);
  Sql(db_, "DELETE FROM evaluations WHERE sequence = 2; UPDATE evaluations SET sequence = sequence - 1 WHERE sequence > 2");
  const VerifyReport report = VerifyFresh();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_evaluation_id, "e2");
}

TEST_F(AuditStoreTest, ReorderedRecordsAreNamed) {
  Append(4);
  // Swap records 2 and 3 whole (contents and links), keeping the sequence numbers.
  Sql(db_,
      "UPDATE evaluations SET sequence = -2 WHERE sequence = 2;"
      "UPDATE evaluations SET sequence = 2 WHERE sequence = 3;"
      "UPDATE evaluations SET sequence = 3 WHERE sequence = -2;");
  const VerifyReport report = VerifyFresh();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 2);
  EXPECT_EQ(report.first_bad_evaluation_id, "e2");
}

TEST_F(AuditStoreTest, PruningKeepsTheRestVerifiableAndAppendsContinueTheChain) {
  const int64_t start = 1'700'000'000'000'000;
  Append(6, start);
  auto removed = store_->Prune(start + 3'000'000);  // e0, e1, e2 are older
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 3);
  Append(2, start + 10'000'000);
  const VerifyReport report = VerifyFresh();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.checked, 5);
  EXPECT_EQ(Count(db_, "SELECT count(*) FROM cards"), 15);
}

TEST_F(AuditStoreTest, ReplayedFeedbackIsRecordedOnce) {
  Append(1);
  cds::v1::Feedback f;
  f.set_card_uuid("e0-card-1");
  f.set_outcome(cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  *f.mutable_outcome_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1795000100);
  f.set_user_comment("patient " + std::string(kPatientName) + " declined");
  auto first = store_->AppendFeedback({BuildFeedbackEntry(f, 1), BuildFeedbackEntry(f, 1)});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  auto replay = store_->AppendFeedback({BuildFeedbackEntry(f, 2)});
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(*replay, 0);
  EXPECT_EQ(Count(db_, "SELECT count(*) FROM feedback"), 1);
  AuditQuery q;
  q.evaluation_id = "e0";
  auto rows = store_->Query(q);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().feedback.size(), 1u) << "feedback is linked to its evaluation through the card";
  EXPECT_EQ(FileBytes(db_).find(kPatientName), std::string::npos) << "the comment is kept only as a digest";
}

TEST_F(AuditStoreTest, FeedbackOnAnUnknownCardNamesItsIndexAndStoresNothing) {
  Append(1);
  cds::v1::Feedback good, bad;
  good.set_card_uuid("e0-card-0");
  good.set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  bad.set_card_uuid("never-issued");
  bad.set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  auto result = store_->AppendFeedback({BuildFeedbackEntry(good, 1), BuildFeedbackEntry(bad, 1)});
  EXPECT_TRUE(absl::IsNotFound(result.status()));
  EXPECT_NE(result.status().message().find("feedback[1]"), std::string::npos);
  EXPECT_EQ(Count(db_, "SELECT count(*) FROM feedback"), 0);
}

TEST_F(AuditStoreTest, OnlyTheClientThatReceivedACardMayGiveFeedbackOnIt) {
  Append(1, 1'700'000'000'000'000, "https://ehr-a.example.org", "client-a");
  cds::v1::Feedback f;
  f.set_card_uuid("e0-card-0");
  f.set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  // Another client, and the same issuer with another subject, get what an unknown card gets.
  for (const auto& [iss, sub] : std::vector<std::pair<std::string, std::string>>{
           {"https://ehr-b.example.org", "client-a"}, {"https://ehr-a.example.org", "client-b"}}) {
    auto refused = store_->AppendFeedback({BuildFeedbackEntry(f, 1, iss, sub)});
    EXPECT_TRUE(absl::IsNotFound(refused.status())) << iss << " " << sub;
    EXPECT_EQ(refused.status().message(), "feedback[0].card_uuid: no card with this uuid was issued to this client");
  }
  cds::v1::Feedback unknown = f;
  unknown.set_card_uuid("never-issued");
  EXPECT_EQ(store_->AppendFeedback({BuildFeedbackEntry(unknown, 1, "https://ehr-b.example.org", "client-a")})
                .status()
                .message(),
            "feedback[0].card_uuid: no card with this uuid was issued to this client")
      << "another client's card and an unknown card are indistinguishable";
  EXPECT_EQ(Count(db_, "SELECT count(*) FROM feedback"), 0);
  auto owner = store_->AppendFeedback({BuildFeedbackEntry(f, 1, "https://ehr-a.example.org", "client-a")});
  ASSERT_TRUE(owner.ok()) << owner.status();
  EXPECT_EQ(*owner, 1);
  EXPECT_NE(FileBytes(db_).find("client-a"), std::string::npos) << "the client is in the record";
}

TEST_F(AuditStoreTest, ACardIssuedWithoutAuthenticationTakesNoFeedbackFromAnAuthenticatedClient) {
  Append(1);
  cds::v1::Feedback f;
  f.set_card_uuid("e0-card-0");
  f.set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
  EXPECT_TRUE(absl::IsNotFound(store_->AppendFeedback({BuildFeedbackEntry(f, 1, "https://ehr-a.example.org", "a")}).status()))
      << "nobody can prove they received it";
  auto unauthenticated = store_->AppendFeedback({BuildFeedbackEntry(f, 1)});
  ASSERT_TRUE(unauthenticated.ok()) << unauthenticated.status();
  EXPECT_EQ(*unauthenticated, 1);
}

TEST_F(AuditStoreTest, QueriesFilterByTimeServiceAndIndicator) {
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
  q = {};
  q.indicator = "INDICATOR_INFO";
  EXPECT_EQ(store_->Query(q)->size(), 0u);
}

TEST_F(AuditStoreTest, RecordsAreCompactAndHoldNoPatientIdentifier) {
  Append(50);
  store_.reset();
  const std::string bytes = FileBytes(db_);
  EXPECT_EQ(bytes.find(kPatientId), std::string::npos);
  EXPECT_EQ(bytes.find(kBirthDate), std::string::npos);
  EXPECT_EQ(bytes.find(kPatientName), std::string::npos);
  EXPECT_EQ(bytes.find("182/104"), std::string::npos) << "card text carries clinical values: digest only";
  const long long body = Count(db_, "SELECT avg(length(body)) FROM evaluations");
  const long long full = static_cast<long long>(ResponseFor("e0").ByteSizeLong() + IdentifiableRequest().ByteSizeLong());
  std::printf("[ bytes    ] compact record %lld bytes per evaluation (3 cards, 18 criteria); "
              "full request+response would be %lld\n", body, full);
  EXPECT_LT(body, 4000);
}

TEST_F(AuditStoreTest, ADatabaseOfTheFirstLayoutIsRefusedNotMixed) {
  store_.reset();
  const auto old_db = dir_.path() / "old.sqlite";
  Sql(old_db, "CREATE TABLE evaluations (evaluation_id TEXT PRIMARY KEY, response BLOB)");
  auto store = SqliteAuditStore::Open(old_db, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
}

}  // namespace
}  // namespace cdsd::testing
