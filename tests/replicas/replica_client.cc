// The client of the multi-replica test (replicas_test.sh): a bounded load of Evaluate calls
// through a load balancer, retrying UNAVAILABLE as a gRPC client of a replicated service should,
// then feedback on some of the cards it got, sent to one chosen replica. Prints one line of
// counts per phase; exits non-zero if any call failed after its retries.
//   replica_client --target ADDR --request FILE [--requests N] [--in-flight K] [--retries R]
//                  [--feedback-target ADDR --feedback N]
#include <CLI/CLI.hpp>
#include <cds/v1/decision_support.grpc.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<cds::v1::DecisionSupport::Stub> Stub(const std::string& target) {
  grpc::ChannelArguments args;
  // A fresh connection per client thread, so the balancer spreads them over the replicas.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return cds::v1::DecisionSupport::NewStub(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("cdsd multi-replica test client");
  std::string target, request_file, feedback_target;
  int requests = 2000, in_flight = 8, retries = 5, feedback = 0;
  app.add_option("--target", target, "Load balancer address")->required();
  app.add_option("--request", request_file, "EvaluateRequest in proto3 JSON")->required()->check(CLI::ExistingFile);
  app.add_option("--requests", requests, "Evaluate calls in all")->check(CLI::Range(1, 1000000));
  app.add_option("--in-flight", in_flight, "Calls in flight")->check(CLI::Range(1, 256));
  app.add_option("--retries", retries, "Retries of a call that got UNAVAILABLE")->check(CLI::Range(0, 20));
  app.add_option("--feedback-target", feedback_target, "Replica to send feedback to");
  app.add_option("--feedback", feedback, "Cards to send feedback on")->check(CLI::Range(0, 100000));
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(request_file);
  std::stringstream text;
  text << in.rdbuf();
  cds::v1::EvaluateRequest request;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &request).ok()) {
    std::cerr << "replica_client: " << request_file << " is not an EvaluateRequest\n";
    return 2;
  }

  std::atomic<int> next{0}, ok{0}, failed{0}, retried{0}, cards{0};
  std::mutex uuids_mutex;
  std::vector<std::string> uuids;
  std::string first_error;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < in_flight; ++t) {
    threads.emplace_back([&] {
      auto stub = Stub(target);
      while (next.fetch_add(1) < requests) {
        grpc::Status status;
        cds::v1::EvaluateResponse response;
        for (int attempt = 0; attempt <= retries; ++attempt) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          response.Clear();
          status = stub->Evaluate(&context, request, &response);
          if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
          retried.fetch_add(1);
          std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
        }
        if (!status.ok()) {
          failed.fetch_add(1);
          std::lock_guard lock(uuids_mutex);
          if (first_error.empty()) first_error = std::to_string(status.error_code()) + " " + status.error_message();
          continue;
        }
        ok.fetch_add(1);
        cards.fetch_add(response.cards_size());
        std::lock_guard lock(uuids_mutex);
        for (const auto& card : response.cards()) {
          if (static_cast<int>(uuids.size()) < feedback) uuids.push_back(card.uuid());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "evaluate: sent " << requests << " ok " << ok << " failed " << failed << " retried " << retried
            << " cards " << cards << " in " << seconds << " s (" << static_cast<int>(ok / seconds) << " req/s)\n";
  if (failed > 0) std::cout << "evaluate: first error: " << first_error << "\n";

  int feedback_ok = 0, feedback_failed = 0;
  if (feedback > 0 && !feedback_target.empty()) {
    auto stub = Stub(feedback_target);
    for (const std::string& uuid : uuids) {
      cds::v1::SubmitFeedbackRequest f;
      auto* entry = f.add_feedback();
      entry->set_card_uuid(uuid);
      entry->set_outcome(cds::v1::FEEDBACK_OUTCOME_ACCEPTED);
      *entry->mutable_outcome_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
      cds::v1::SubmitFeedbackResponse r;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      const grpc::Status status = stub->SubmitFeedback(&context, f, &r);
      if (status.ok()) {
        ++feedback_ok;
      } else {
        ++feedback_failed;
        if (feedback_failed == 1) std::cout << "feedback: first error: " << status.error_message() << "\n";
      }
    }
    std::cout << "feedback: sent " << uuids.size() << " ok " << feedback_ok << " failed " << feedback_failed << "\n";
  }
  return failed == 0 && feedback_failed == 0 ? 0 : 1;
}
