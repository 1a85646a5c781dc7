// `cdsctl audit ...`: read the audit database directly (query, show, export as JSON lines or
// FHIR AuditEvent, verify the hash chain) and prune it. These never talk to the daemon.
#ifndef CDSD_TOOLS_CDSCTL_AUDIT_COMMANDS_H_
#define CDSD_TOOLS_CDSCTL_AUDIT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

class AuditCommands {
 public:
  void Register(CLI::App& app);
  // The exit code when an audit subcommand was given, nothing otherwise.
  std::optional<int> Run();

 private:
  CLI::App* audit_ = nullptr;
  CLI::App* query_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* export_ = nullptr;
  CLI::App* verify_ = nullptr;
  CLI::App* prune_ = nullptr;
  std::string db_;
  std::string dsn_;
  std::string from_, to_, service_, evaluation_id_, indicator_;
  std::string format_ = "jsonl";
  std::string before_;
  long long limit_ = 1000;
};

#endif  // CDSD_TOOLS_CDSCTL_AUDIT_COMMANDS_H_
