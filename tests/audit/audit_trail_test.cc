// The audit trail in front of the store: sync completions come after the commit, async ones
// at once; the queue is bounded in bytes; every failure mode (locked, deleted, read-only, full)
// fails the call in sync mode, is counted and turns the trail unhealthy until writes succeed;
// key files are owner-only; pseudonyms are keyed; opt-in full requests are sealed.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <future>
#include <fstream>

#include "audit/audit_crypto.h"
#include "audit/audit_test_support.h"
#include "audit/audit_trail.h"
#include "audit/sqlite_audit_store.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

AuditOptions Options(const std::filesystem::path& dir, AuditDurability durability = AuditDurability::kSync) {
  AuditOptions o;
  o.path = dir / "audit.sqlite";
  o.durability = durability;
  o.busy_timeout_ms = 100;
  return o;
}

std::unique_ptr<AuditTrail> OpenTrail(const AuditOptions& o) {
  auto trail = AuditTrail::Open(o);
  EXPECT_TRUE(trail.ok()) << trail.status();
  return trail.ok() ? *std::move(trail) : nullptr;
}

// Records one evaluation and waits for its completion.
absl::Status RecordAndWait(AuditTrail& trail, const std::string& id) {
  std::promise<absl::Status> done;
  auto future = done.get_future();
  trail.Record(IdentifiableRequest(), ResponseFor(id), {1, 2, 1}, [&done](absl::Status s) { done.set_value(s); });
  return future.get();
}

TEST(AuditTrail, SyncCompletionComesOnlyAfterTheRecordIsCommitted) {
  TempDir dir;
  auto trail = OpenTrail(Options(dir.path()));
  ASSERT_TRUE(trail);
  std::promise<long long> seen;
  const auto db = dir.path() / "audit.sqlite";
  trail->Record(IdentifiableRequest(), ResponseFor("e-sync"), {1, 2, 1}, [&](absl::Status s) {
    EXPECT_TRUE(s.ok()) << s;
    seen.set_value(Count(db, "SELECT count(*) FROM evaluations WHERE evaluation_id = 'e-sync'"));
  });
  EXPECT_EQ(seen.get_future().get(), 1) << "another connection already sees the committed record";
  EXPECT_EQ(trail->written(), 1u);
}

TEST(AuditTrail, GroupCommitWritesManyWaitingRecordsInFewTransactions) {
  TempDir dir;
  auto trail = OpenTrail(Options(dir.path()));
  ASSERT_TRUE(trail);
  constexpr int kCalls = 400;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls / 8; ++i) {
        if (RecordAndWait(*trail, "g" + std::to_string(t) + "-" + std::to_string(i)).ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kCalls);
  trail.reset();
  EXPECT_EQ(Count(dir.path() / "audit.sqlite", "SELECT count(*) FROM evaluations"), kCalls);
}

TEST(AuditTrail, AsyncCompletesAtOnceAndFlushWritesEverything) {
  TempDir dir;
  auto trail = OpenTrail(Options(dir.path(), AuditDurability::kAsync));
  ASSERT_TRUE(trail);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(RecordAndWait(*trail, "a" + std::to_string(i)).ok());
  trail->Flush();
  EXPECT_EQ(Count(dir.path() / "audit.sqlite", "SELECT count(*) FROM evaluations"), 50);
}

// Holds the database's write lock from another connection until released.
class WriteLock {
 public:
  explicit WriteLock(const std::filesystem::path& db) {
    sqlite3_open(db.c_str(), &db_);
    ok_ = sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~WriteLock() { Release(); }
  void Release() {
    if (db_) {
      sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  bool ok() const { return ok_; }

 private:
  sqlite3* db_ = nullptr;
  bool ok_ = false;
};

TEST(AuditTrail, ALockedDatabaseFailsTheCallCountsAndRecoversWhenUnlocked) {
  TempDir dir;
  auto trail = OpenTrail(Options(dir.path()));
  ASSERT_TRUE(trail);
  std::vector<bool> health;
  trail->SetHealthListener([&](bool h) { health.push_back(h); });
  WriteLock lock(dir.path() / "audit.sqlite");
  ASSERT_TRUE(lock.ok());
  const absl::Status failed = RecordAndWait(*trail, "locked");
  EXPECT_TRUE(absl::IsUnavailable(failed)) << failed;
  EXPECT_EQ(trail->failed_writes(), 1u);
  EXPECT_FALSE(trail->healthy());
  lock.Release();
  EXPECT_TRUE(RecordAndWait(*trail, "after").ok());
  EXPECT_TRUE(trail->healthy());
  EXPECT_EQ(health, (std::vector<bool>{false, true}));
  EXPECT_EQ(Count(dir.path() / "audit.sqlite", "SELECT count(*) FROM evaluations WHERE evaluation_id = 'locked'"), 0);
}

TEST(AuditTrail, ADeletedDatabaseFileIsAFailureNotASilentLoss) {
  TempDir dir;
  auto trail = OpenTrail(Options(dir.path()));
  ASSERT_TRUE(trail);
  ASSERT_TRUE(RecordAndWait(*trail, "before").ok());
  std::filesystem::remove(dir.path() / "audit.sqlite");
  const absl::Status failed = RecordAndWait(*trail, "after-delete");
  EXPECT_TRUE(absl::IsUnavailable(failed)) << failed;
  EXPECT_FALSE(trail->healthy());
  EXPECT_GE(trail->failed_writes(), 1u);
}

TEST(AuditTrail, AFullQueueRefusesWithResourceExhaustedAndStaysBounded) {
  TempDir dir;
  AuditOptions o = Options(dir.path());
  o.max_queue_bytes = 64 << 10;
  o.busy_timeout_ms = 3000;
  auto trail = OpenTrail(o);
  ASSERT_TRUE(trail);
  WriteLock lock(dir.path() / "audit.sqlite");  // the writer stalls behind the lock
  std::atomic<int> exhausted{0}, pending{0};
  for (int i = 0; i < 200; ++i) {
    ++pending;
    trail->Record(IdentifiableRequest(), ResponseFor("q" + std::to_string(i)), {1, 2, 1}, [&](absl::Status s) {
      if (absl::IsResourceExhausted(s)) ++exhausted;
      --pending;
    });
    EXPECT_LE(trail->queued_bytes(), o.max_queue_bytes);
  }
  EXPECT_GT(exhausted.load(), 100) << "about 30 records of ~2 KB fit in 64 KiB";
  lock.Release();
  trail->Flush();
  EXPECT_EQ(pending.load(), 0);
  EXPECT_EQ(trail->queued_bytes(), 0u);
}

// A small tmpfs (root only); skipped where mounting is not allowed.
class Tmpfs {
 public:
  explicit Tmpfs(const std::filesystem::path& at, const char* size) : at_(at) {
    std::filesystem::create_directories(at);
    mounted_ = mount("tmpfs", at.c_str(), "tmpfs", 0, size) == 0;
  }
  ~Tmpfs() {
    if (mounted_) umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool RemountReadOnly() { return mount("tmpfs", at_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0; }

 private:
  std::filesystem::path at_;
  bool mounted_ = false;
};

TEST(AuditTrail, AFullDiskFailsTheCallAndIsCounted) {
  TempDir dir;
  Tmpfs fs(dir.path() / "fs", "size=192k");
  if (!fs.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root";
  auto trail = OpenTrail(Options(dir.path() / "fs"));
  ASSERT_TRUE(trail);
  int ok = 0;
  absl::Status last;
  for (int i = 0; i < 400 && last.ok(); ++i) {
    last = RecordAndWait(*trail, "full-" + std::to_string(i));
    if (last.ok()) ++ok;
  }
  std::printf("[ disk full] %d records fit in 192 KiB before the first failure\n", ok);
  EXPECT_TRUE(absl::IsUnavailable(last)) << last;
  EXPECT_FALSE(trail->healthy());
  EXPECT_GE(trail->failed_writes(), 1u);
}

// Linux refuses to remount read-only while the database is open for writing, so this checks
// the start: a trail on read-only storage is refused instead of running without records.
TEST(AuditTrail, ATrailOnAReadOnlyFileSystemIsRefusedAtStart) {
  TempDir dir;
  Tmpfs fs(dir.path() / "fs", "size=4m");
  if (!fs.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root";
  {
    auto trail = OpenTrail(Options(dir.path() / "fs"));
    ASSERT_TRUE(trail);
    ASSERT_TRUE(RecordAndWait(*trail, "before").ok());
  }
  ASSERT_TRUE(fs.RemountReadOnly());
  auto refused = AuditTrail::Open(Options(dir.path() / "fs"));
  EXPECT_TRUE(absl::IsUnavailable(refused.status())) << refused.status();
}

TEST(AuditTrail, KeyFilesAreCreatedOwnerOnlyAndAReadableOneIsRefused) {
  TempDir dir;
  AuditOptions o = Options(dir.path());
  o.store_requests = true;
  ASSERT_TRUE(OpenTrail(o));
  struct stat st {};
  ASSERT_EQ(stat((dir.path() / "audit.sqlite.pseudonym.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir.path() / "audit.sqlite.encryption.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  chmod((dir.path() / "audit.sqlite.pseudonym.key").c_str(), 0640);
  auto refused = AuditTrail::Open(o);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("0600"), std::string::npos);
}

TEST(AuditTrail, PseudonymsDependOnTheKeyAndNeverShowThePatientId) {
  TempDir a, b;
  for (const TempDir* dir : {&a, &b}) {
    auto trail = OpenTrail(Options(dir->path()));
    ASSERT_TRUE(RecordAndWait(*trail, "p").ok());
    ASSERT_TRUE(RecordAndWait(*trail, "p2").ok());
  }
  EXPECT_EQ(FileBytes(a.path() / "audit.sqlite").find(kPatientId), std::string::npos);
  EXPECT_EQ(Count(a.path() / "audit.sqlite",
                  "SELECT count(DISTINCT json_extract(body, '$.patient_pseudonym')) FROM evaluations"), 1)
      << "the same patient gets the same pseudonym under one key";
  const auto key_a = LoadOrCreateKeyFile(a.path() / "audit.sqlite.pseudonym.key");
  ASSERT_TRUE(key_a.ok());
  EXPECT_EQ(Count(a.path() / "audit.sqlite",
                  "SELECT count(*) FROM evaluations WHERE json_extract(body, '$.patient_pseudonym') = '" +
                      HmacSha256Hex(*key_a, kPatientId) + "'"), 2);
  EXPECT_EQ(Count(b.path() / "audit.sqlite",
                  "SELECT count(*) FROM evaluations WHERE json_extract(body, '$.patient_pseudonym') = '" +
                      HmacSha256Hex(*key_a, kPatientId) + "'"), 0)
      << "another installation's key gives another pseudonym";
}

TEST(AuditTrail, OptInFullRequestsAreSealedAndOpenOnlyWithTheKey) {
  TempDir dir;
  AuditOptions o = Options(dir.path());
  o.store_requests = true;
  {
    auto trail = OpenTrail(o);
    ASSERT_TRUE(RecordAndWait(*trail, "sealed").ok());
  }
  const std::string bytes = FileBytes(dir.path() / "audit.sqlite");
  EXPECT_EQ(bytes.find(kPatientId), std::string::npos);
  EXPECT_EQ(bytes.find(kBirthDate), std::string::npos);
  EXPECT_EQ(bytes.find(kPatientName), std::string::npos);
  auto store = SqliteAuditStore::Open(dir.path() / "audit.sqlite", {});
  ASSERT_TRUE(store.ok());
  auto sealed = (*store)->Sealed("sealed");
  ASSERT_TRUE(sealed.ok());
  auto key = LoadOrCreateKeyFile(dir.path() / "audit.sqlite.encryption.key");
  ASSERT_TRUE(key.ok());
  auto plain = Unseal(*key, sealed->first, "sealed");
  ASSERT_TRUE(plain.ok()) << plain.status();
  cds::v1::EvaluateRequest request;
  ASSERT_TRUE(request.ParseFromString(*plain));
  EXPECT_EQ(request.patient().patient_id(), kPatientId);
  EXPECT_FALSE(Unseal(*key, sealed->first, "another-evaluation").ok()) << "bound to its evaluation id";
  EXPECT_FALSE(Unseal(std::string(32, 'z'), sealed->first, "sealed").ok());
}

}  // namespace
}  // namespace cdsd::testing
