// cdsctl: command-line client of cdsd. EHR-facing calls (services, evaluate, feedback, health)
// go to --address; operator calls (plugins, reload) go to the admin socket.
#include <CLI/CLI.hpp>
#include <cds/admin/v1/admin.grpc.pb.h>
#include <cds/v1/decision_support.grpc.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>
#include <grpc/health/v1/health.grpc.pb.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <cctype>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "audit_commands.h"
#include "plugin/plugin_trust.h"
#include "card_printer.h"

namespace {

using google::protobuf::util::TimeUtil;

struct Options {
  std::string address = "127.0.0.1:50051";
  std::string admin_socket = "/run/cdsd/admin.sock";
  int timeout_ms = 10000;
  bool json = false;
};

std::unique_ptr<grpc::ClientContext> Context(const Options& o) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(o.timeout_ms));
  return context;
}

// Prints a failed call with every field violation it carries; returns the exit code.
int Fail(const grpc::Status& status) {
  std::cerr << "error: " << status.error_code() << " " << status.error_message() << "\n";
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad;
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) std::cerr << "  " << v.field() << ": " << v.description() << "\n";
      } else if (any.UnpackTo(&info)) {
        std::cerr << "  reason: " << info.reason() << " (" << info.domain() << ")\n";
      }
    }
  }
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ? 3 : 1;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

int Services(const Options& o, const std::string& hook) {
  auto stub = cds::v1::DecisionSupport::NewStub(Channel(o.address));
  cds::v1::ListServicesRequest request;
  request.set_hook(hook);
  cds::v1::ListServicesResponse response;
  grpc::Status status = stub->ListServices(Context(o).get(), request, &response);
  if (!status.ok()) return Fail(status);
  if (o.json) return PrintJson(response), 0;
  for (const auto& s : response.services()) {
    std::cout << s.id() << "  " << s.title() << "\n    plugin " << s.plugin().id() << " " << s.plugin().version()
              << " by " << s.plugin().vendor() << ", knowledge " << s.knowledge_version() << "\n    hooks:";
    for (const auto& h : s.hooks()) std::cout << " " << h;
    std::cout << "\n";
    if (!s.description().empty()) std::cout << "    " << s.description() << "\n";
    for (const auto& in : s.inputs()) {
      std::cout << "    input " << in.path() << (in.required() ? " (required)" : "") << ": " << in.description() << "\n";
    }
  }
  if (response.services_size() == 0) std::cout << "no services enabled\n";
  return 0;
}

int Evaluate(const Options& o, const std::string& input, const std::vector<std::string>& services) {
  std::ifstream in(input);
  if (!in) {
    std::cerr << "error: cannot read " << input << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  cds::v1::EvaluateRequest request;
  const auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &request);
  if (!parsed.ok()) {
    std::cerr << "error: " << input << " is not a cds.v1.EvaluateRequest in proto3 JSON: " << parsed.message() << "\n";
    return 2;
  }
  for (const auto& s : services) request.add_service_ids(s);
  auto stub = cds::v1::DecisionSupport::NewStub(Channel(o.address));
  cds::v1::EvaluateResponse response;
  grpc::Status status = stub->Evaluate(Context(o).get(), request, &response);
  if (!status.ok()) return Fail(status);
  if (o.json) PrintJson(response);
  else cdsctl::PrintEvaluateResponse(std::cout, response);
  return 0;
}

int Feedback(const Options& o, const std::string& card, const std::string& outcome, const std::string& reason,
             const std::string& comment) {
  cds::v1::SubmitFeedbackRequest request;
  auto* f = request.add_feedback();
  f->set_card_uuid(card);
  f->set_outcome(outcome == "accepted" ? cds::v1::FEEDBACK_OUTCOME_ACCEPTED : cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  if (!reason.empty()) {
    f->mutable_override_reason()->set_system("https://cdsd.dev/fhir/CodeSystem/override-reason");
    f->mutable_override_reason()->set_code(reason);
  }
  f->set_user_comment(comment);
  // system_clock, not TimeUtil::GetCurrentTime(): Debian's protobuf 3.21 gives whole seconds.
  *f->mutable_outcome_time() = TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  auto stub = cds::v1::DecisionSupport::NewStub(Channel(o.address));
  cds::v1::SubmitFeedbackResponse response;
  grpc::Status status = stub->SubmitFeedback(Context(o).get(), request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << "recorded " << response.recorded() << " feedback entr" << (response.recorded() == 1 ? "y" : "ies") << "\n";
  return 0;
}

int Health(const Options& o, const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(Channel(o.address));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(Context(o).get(), request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

int Plugins(const Options& o) {
  auto stub = cds::admin::v1::Admin::NewStub(Channel("unix:" + o.admin_socket));
  cds::admin::v1::ListPluginsResponse response;
  grpc::Status status = stub->ListPlugins(Context(o).get(), {}, &response);
  if (!status.ok()) return Fail(status);
  if (o.json) return PrintJson(response), 0;
  std::cout << "config " << response.config_path() << ", generation " << response.config_generation() << "\n";
  std::cout << std::left << std::setw(30) << "ID" << std::setw(10) << "STATE" << std::setw(10) << "VERSION"
            << std::setw(14) << "KNOWLEDGE" << std::setw(5) << "ABI" << std::right << std::setw(9) << "CALLS"
            << std::setw(8) << "ERRORS" << std::setw(9) << "TIMEOUTS" << std::setw(10) << "P50 us" << std::setw(10)
            << "P99 us" << "\n";
  for (const auto& p : response.plugins()) {
    std::string state = cds::admin::v1::PluginState_Name(p.state()).substr(std::string("PLUGIN_STATE_").size());
    std::cout << std::left << std::setw(30) << p.id() << std::setw(10) << state << std::setw(10)
              << (p.version().empty() ? "-" : p.version()) << std::setw(14)
              << (p.knowledge_version().empty() ? "-" : p.knowledge_version()) << std::setw(5)
              << (p.abi_version().empty() ? "-" : p.abi_version()) << std::right << std::setw(9) << p.calls()
              << std::setw(8) << p.errors() << std::setw(9) << p.timeouts() << std::setw(10)
              << p.latency().p50_us() << std::setw(10) << p.latency().p99_us() << "\n";
    std::cout << "    " << p.path() << "\n";
    if (!p.last_error().empty()) std::cout << "    error: " << p.last_error() << "\n";
    if (p.stuck_calls() > 0) std::cout << "    stuck calls: " << p.stuck_calls() << "\n";
    if (p.isolation() == cds::admin::v1::ISOLATION_PROCESS) {
      std::string runner = cds::admin::v1::RunnerState_Name(p.runner_state());
      runner = runner.size() > 13 ? runner.substr(13) : runner;  // drop RUNNER_STATE_
      for (char& c : runner) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::cout << "    isolation: process, runner " << runner << ", pid " << p.runner_pid() << ", crashes "
                << p.runner_crashes() << ", restarts " << p.runner_restarts() << ", breaker "
                << (p.breaker_state().empty() ? "-" : p.breaker_state()) << "\n";
      if (!p.runner_last_crash().empty()) std::cout << "    last crash: " << p.runner_last_crash() << "\n";
      if (p.poison_requests_refused() > 0) std::cout << "    poison requests refused: " << p.poison_requests_refused() << "\n";
    } else {
      std::cout << "    isolation: in_process\n";
    }
  }
  return 0;
}

int Reload(const Options& o) {
  auto stub = cds::admin::v1::Admin::NewStub(Channel("unix:" + o.admin_socket));
  cds::admin::v1::ReloadResponse response;
  auto context = Context(o);
  grpc::Status status = stub->Reload(context.get(), {}, &response);
  if (!status.ok()) return Fail(status);
  std::cout << "reloaded: generation " << response.config_generation() << "\n";
  for (const auto& c : response.changes()) std::cout << "  " << c << "\n";
  if (response.changes_size() == 0) std::cout << "  no changes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cdsctl: command-line client of cdsd"};
  Options o;
  if (const char* a = std::getenv("CDSD_ADDRESS")) o.address = a;
  if (const char* s = std::getenv("CDSD_ADMIN_SOCKET")) o.admin_socket = s;
  app.add_option("--address,-a", o.address, "cdsd address (env CDSD_ADDRESS)")->capture_default_str();
  app.add_option("--admin-socket", o.admin_socket, "cdsd admin socket (env CDSD_ADMIN_SOCKET)")->capture_default_str();
  app.add_option("--timeout-ms", o.timeout_ms, "Deadline of each call")->capture_default_str()->check(CLI::Range(1, 600000));
  app.add_flag("--json", o.json, "Print the response as JSON (proto3 mapping, proto field names)");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: cdsctl evaluate -i x --json

  std::string hook;
  auto* services = app.add_subcommand("services", "List the enabled decision-support services");
  services->add_option("--hook", hook, "Only services answering this hook");

  std::string input;
  std::vector<std::string> service_ids;
  auto* evaluate = app.add_subcommand("evaluate", "Evaluate a request (EvaluateRequest in proto3 JSON) and print the cards");
  evaluate->add_option("--input,-i", input, "Request file")->required()->check(CLI::ExistingFile);
  evaluate->add_option("--service", service_ids, "Only these services (adds to the request's service_ids)");

  std::string card, outcome, reason, comment;
  auto* feedback = app.add_subcommand("feedback", "Tell cdsd what the clinician did with a card");
  feedback->add_option("--card", card, "Card uuid")->required();
  feedback->add_option("--outcome", outcome, "accepted or overridden")->required()->check(CLI::IsMember({"accepted", "overridden"}));
  feedback->add_option("--reason", reason, "Override reason code");
  feedback->add_option("--comment", comment, "Free-text comment");

  std::string health_service = "cds.v1.DecisionSupport";
  auto* health = app.add_subcommand("health", "Standard gRPC health check");
  health->add_option("--service", health_service, "Service name to check ('' = the server)")->capture_default_str();

  auto* plugins = app.add_subcommand("plugins", "List configured plugins, their state and statistics (admin socket)");
  auto* reload = app.add_subcommand("reload", "Reload the config file; non-zero exit if refused (admin socket)");

  std::string hash_file;
  auto* plugin_hash = app.add_subcommand("plugin-hash", "Print the sha256 to pin a plugin file with in the config");
  plugin_hash->add_option("file", hash_file, "Plugin .so file")->required()->check(CLI::ExistingFile);

  AuditCommands audit;
  audit.Register(app);

  CLI11_PARSE(app, argc, argv);
  if (auto code = audit.Run()) return *code;
  if (plugin_hash->parsed()) {
    // The same checks cdsd makes before loading, so a file it would refuse is reported here.
    if (absl::Status trusted = cdsd::CheckPluginTrust(hash_file); !trusted.ok()) {
      std::cerr << "warning: cdsd would refuse this file: " << trusted.message() << "\n";
    }
    auto hash = cdsd::FileSha256(hash_file);
    if (!hash.ok()) return std::cerr << "error: " << hash.status().message() << "\n", 3;
    std::cout << "sha256: " << *hash << "\n";
    return 0;
  }
  if (services->parsed()) return Services(o, hook);
  if (evaluate->parsed()) return Evaluate(o, input, service_ids);
  if (feedback->parsed()) return Feedback(o, card, outcome, reason, comment);
  if (health->parsed()) return Health(o, health_service);
  if (plugins->parsed()) return Plugins(o);
  if (reload->parsed()) return Reload(o);
  return 2;
}
