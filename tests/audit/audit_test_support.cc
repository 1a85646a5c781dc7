#include "audit/audit_test_support.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

namespace cdsd::testing {

using google::protobuf::util::TimeUtil;

cds::v1::EvaluateRequest IdentifiableRequest() {
  cds::v1::EvaluateRequest request;
  request.set_hook("order-select");
  request.set_hook_instance("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  request.set_user_id("Practitioner/77");
  request.set_encounter_id("ENC-99812");
  *request.mutable_evaluation_time() = TimeUtil::SecondsToTimestamp(1795000000);
  request.mutable_patient()->set_patient_id(kPatientId);
  request.mutable_patient()->set_birth_date(kBirthDate);
  auto* condition = request.mutable_patient()->add_conditions();
  condition->mutable_code()->set_text(kPatientName);  // free text that must not survive
  return request;
}

cds::v1::EvaluateResponse ResponseFor(const std::string& evaluation_id) {
  cds::v1::EvaluateResponse response;
  response.set_evaluation_id(evaluation_id);
  *response.mutable_evaluation_time() = TimeUtil::SecondsToTimestamp(1795000000);
  response.set_evaluation_date("2026-11-18");
  for (const char* service : {"ketamine-eligibility", "ketamine-side-effect-triage"}) {
    auto* r = response.add_service_results();
    r->set_service_id(service);
    r->set_plugin_version("1.4.0");
    r->set_status(cds::v1::SERVICE_STATUS_OK);
    r->set_card_count(service[9] == 'e' ? 2 : 1);
  }
  for (int i = 0; i < 3; ++i) {
    auto* card = response.add_cards();
    card->set_uuid(evaluation_id + "-card-" + std::to_string(i));
    card->set_summary("Blood pressure 182/104 for " + std::string(kPatientName));
    card->set_detail(std::string(600, 'd'));
    card->set_indicator(i == 2 ? cds::v1::INDICATOR_CRITICAL : cds::v1::INDICATOR_WARNING);
    card->set_service_id(i == 2 ? "ketamine-side-effect-triage" : "ketamine-eligibility");
    card->set_plugin_version("1.4.0");
    card->set_knowledge_version("2025.2");
    for (int c = 0; c < 6; ++c) {
      auto* criterion = card->add_criteria();
      criterion->set_id("crit-" + std::to_string(c));
      criterion->set_outcome(cds::v1::CRITERION_OUTCOME_MET);
      criterion->set_description(std::string(200, 'x'));
      criterion->add_citation_ids("fda-spravato-label");
      auto* input = criterion->add_inputs();
      input->set_name("birth_date");
      input->set_value(kBirthDate);
    }
    card->add_citations()->set_id("fda-spravato-label");
    card->mutable_triage()->set_level(cds::v1::TRIAGE_LEVEL_URGENT);
  }
  return response;
}

void Sql(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(handle);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << message;
}

long long Count(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* stmt = nullptr;
  long long value = -1;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return value;
}

std::string FileBytes(const std::filesystem::path& db) {
  std::string all;
  for (const std::string suffix : {"", "-wal"}) {
    std::ifstream in(db.string() + suffix, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

}  // namespace cdsd::testing
