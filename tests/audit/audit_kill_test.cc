// kill -9 of the real cdsd under load in sync durability: every evaluation a client got an
// answer for is in the audit database afterwards, and the chain verifies with cdsctl. Also
// cdsctl audit verify on a tampered copy exits non-zero naming the record.
#include <cds/v1/decision_support.grpc.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "audit/audit_test_support.h"
#include "cdsd_process.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

std::string AuditConfig(const std::string& durability) {
  std::string yaml = ConfigYaml({{"echo", TestPlugin("libcds_test_echo.so")}});
  const std::string plain = "audit: {path: audit.sqlite}";
  yaml.replace(yaml.find(plain), plain.size(), "audit: {path: audit.sqlite, durability: " + durability + "}");
  return yaml;
}

std::set<std::string> StoredIds(const std::filesystem::path& db) {
  std::set<std::string> ids;
  const CommandResult r = RunCommand(CdsctlBinary() + " audit export --limit 100000000 --db " + db.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("\"evaluation_id\":\"");
    if (at != std::string::npos) ids.insert(line.substr(at + 17, line.find('"', at + 17) - at - 17));
  }
  return ids;
}

TEST(AuditKill, KillNineUnderLoadInSyncModeLosesNoAcknowledgedEvaluation) {
  constexpr int kRounds = 5;  // the issue asks for five rounds
  for (int round = 0; round < kRounds; ++round) {
    TempDir dir;
    const auto config = dir.path() / "cdsd.yaml";
    std::ofstream(config) << AuditConfig("sync");
    CdsdProcess process(config, dir.path());
    ASSERT_TRUE(process.serving()) << process.Log();
    auto channel = grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials());
    auto stub = cds::v1::DecisionSupport::NewStub(channel);
    std::mutex mutex;
    std::vector<std::string> acknowledged;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&] {
        const cds::v1::EvaluateRequest request = MinimalRequest();
        while (!stop.load()) {
          cds::v1::EvaluateResponse response;
          auto context = ContextWithDeadline(2000);
          if (stub->Evaluate(context.get(), request, &response).ok()) {
            std::lock_guard lock(mutex);
            acknowledged.push_back(response.evaluation_id());
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    process.Signal(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
    for (auto& t : clients) t.join();
    process.Stop(SIGKILL, std::chrono::seconds(5));

    const auto db = dir.path() / "audit.sqlite";
    const std::set<std::string> stored = StoredIds(db);
    std::vector<std::string> missing;
    for (const auto& id : acknowledged) {
      if (!stored.count(id)) missing.push_back(id);
    }
    std::printf("[ kill -9  ] round %d: %zu acknowledged, %zu stored, %zu acknowledged but missing\n", round + 1,
                acknowledged.size(), stored.size(), missing.size());
    EXPECT_GT(acknowledged.size(), 50u) << "the load reached the server";
    EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged evaluations lost, first " << missing.front();
    const CommandResult verify = RunCommand(CdsctlBinary() + " audit verify --db " + db.string());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
  }
}

TEST(AuditKill, CdsctlVerifyNamesATamperedRecordAndExitsNonZero) {
  TempDir dir;
  const auto config = dir.path() / "cdsd.yaml";
  std::ofstream(config) << AuditConfig("sync");
  std::vector<std::string> ids;
  {
    CdsdProcess process(config, dir.path());
    ASSERT_TRUE(process.serving()) << process.Log();
    auto stub = cds::v1::DecisionSupport::NewStub(grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials()));
    for (int i = 0; i < 5; ++i) {
      cds::v1::EvaluateResponse response;
      auto context = ContextWithDeadline();
      ASSERT_TRUE(stub->Evaluate(context.get(), MinimalRequest(), &response).ok());
      ids.push_back(response.evaluation_id());
    }
    ASSERT_EQ(process.Stop(SIGTERM, std::chrono::seconds(10)), 0) << process.Log();
  }
  const auto db = dir.path() / "audit.sqlite";
  const std::string verify = CdsctlBinary() + " audit verify --db " + db.string();
  EXPECT_EQ(RunCommand(verify).exit_code, 0);
  const CommandResult show = RunCommand(CdsctlBinary() + " audit show --db " + db.string() + " " + ids[1]);
  EXPECT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find(ids[1]), std::string::npos) << show.output;
  const CommandResult fhir = RunCommand(CdsctlBinary() + " audit export --format fhir --db " + db.string());
  EXPECT_NE(fhir.output.find("\"resourceType\":\"AuditEvent\""), std::string::npos) << fhir.output;
  Sql(db, "UPDATE evaluations SET body = replace(body, 'patient-view', 'order-select') WHERE evaluation_id = '" + ids[3] + "'");
  const CommandResult tampered = RunCommand(verify);
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_NE(tampered.output.find(ids[3]), std::string::npos) << tampered.output;
  const CommandResult pruned = RunCommand(CdsctlBinary() + " audit prune --before 2999-01-01 --db " + db.string());
  EXPECT_EQ(pruned.exit_code, 0) << pruned.output;
  EXPECT_EQ(Count(db, "SELECT count(*) FROM evaluations"), 0);
}

}  // namespace
}  // namespace cdsd::testing
