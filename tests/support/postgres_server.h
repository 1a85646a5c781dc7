// Test support: a private PostgreSQL server on a free loopback port (tests/support/postgres.sh),
// with a fresh database per test and raw SQL access to tamper with or inspect it.
#ifndef CDSD_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define CDSD_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <filesystem>
#include <string>

#include "support/test_server.h"

namespace cdsd::testing {

class PostgresServer {
 public:
  PostgresServer();  // starts it; check ok()
  ~PostgresServer();  // stops it and removes its data
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return !dsn_.empty(); }
  const std::string& error() const { return error_; }
  // The DSN of a new, empty database.
  std::string NewDatabase();
  // Stops the server as a crash would, and starts it again (same port, same data).
  void Kill();
  bool Restart();
  // Runs SQL on a database given by its DSN; returns the first column of the first row ("" if none).
  static std::string Sql(const std::string& dsn, const std::string& sql);

 private:
  TempDir dir_;
  int port_ = 0;
  std::string dsn_;
  std::string error_;
  int databases_ = 0;
};

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_SUPPORT_POSTGRES_SERVER_H_
