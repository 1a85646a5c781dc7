#include "support/postgres_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <pqxx/pqxx>
#include <stdexcept>

namespace cdsd::testing {
namespace {

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Runs a command; returns its standard output, or nullopt-like empty with ok=false on failure.
bool RunCommand(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return false;
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) *out += buffer.data();
  return pclose(pipe) == 0;
}

std::string Script() { return SourceFile("tests/support/postgres.sh").string(); }

}  // namespace

PostgresServer::PostgresServer() : port_(FreeLoopbackPort()) {
  std::string out;
  const std::string command = Script() + " start " + (dir_.path() / "pg").string() + " " + std::to_string(port_) + " 2>&1";
  if (!RunCommand(command, &out)) {
    error_ = "could not start PostgreSQL: " + out;
    return;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  dsn_ = out;
}

PostgresServer::~PostgresServer() {
  std::string out;
  RunCommand(Script() + " stop " + (dir_.path() / "pg").string() + " 2>&1", &out);
}

std::string PostgresServer::NewDatabase() {
  const std::string name = "t" + std::to_string(++databases_);
  pqxx::connection c(dsn_);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name);
  return dsn_.substr(0, dsn_.find("dbname=")) + "dbname=" + name + " connect_timeout=5";
}

void PostgresServer::Kill() {
  std::string out;
  RunCommand(Script() + " kill " + (dir_.path() / "pg").string() + " 2>&1", &out);
}

bool PostgresServer::Restart() {
  std::string out;
  return RunCommand(Script() + " start " + (dir_.path() / "pg").string() + " " + std::to_string(port_) + " 2>&1", &out);
}

std::string PostgresServer::Sql(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  const pqxx::result r = tx.exec(sql);
  tx.commit();
  if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

}  // namespace cdsd::testing
