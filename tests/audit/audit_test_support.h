// Shared pieces of the audit tests: a realistic request/response pair carrying a patient id,
// birth date and clinical values, and raw SQLite access to tamper with or inspect a database.
#ifndef CDSD_TESTS_AUDIT_AUDIT_TEST_SUPPORT_H_
#define CDSD_TESTS_AUDIT_AUDIT_TEST_SUPPORT_H_

#include <cds/v1/decision_support.pb.h>

#include <filesystem>
#include <string>

namespace cdsd::testing {

constexpr const char* kPatientId = "MRN-4417-CLEARTEXT";
constexpr const char* kBirthDate = "1961-03-09";
constexpr const char* kPatientName = "Jorunn Example";

cds::v1::EvaluateRequest IdentifiableRequest();
// Three cards with criteria and citations, two services.
cds::v1::EvaluateResponse ResponseFor(const std::string& evaluation_id);

// Runs SQL on the database, failing the test on error.
void Sql(const std::filesystem::path& db, const std::string& sql);
long long Count(const std::filesystem::path& db, const std::string& sql);
// The whole file (and its -wal), to search for text that must never be at rest.
std::string FileBytes(const std::filesystem::path& db);

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_AUDIT_AUDIT_TEST_SUPPORT_H_
