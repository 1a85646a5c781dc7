// The FHIR-server fallback of CDS Hooks: prefetch keys the EHR did not send are read from its
// fhirServer with the bearer token it gave (fhirAuthorization), within the request's deadline.
// libcurl does the HTTP; a fixed set of threads does the waiting, so a slow FHIR server holds
// those threads and never the HTTP server's.
#ifndef CDSD_HOST_REST_FHIR_FETCHER_H_
#define CDSD_HOST_REST_FHIR_FETCHER_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace cdsd::rest {

struct FhirQuery {
  std::string key;  // the prefetch key it fills
  std::string url;  // fhirServer + "/" + the template with its tokens filled in
};

struct FhirAnswer {
  std::string key;
  bool ok = false;
  nlohmann::json resource;  // the JSON read (a Bundle or a resource) when ok
  std::string problem;      // why not, without any value from the answer
};

class FhirFetcher {
 public:
  // `threads` fetch at once; at most `max_queued` requests wait for one.
  FhirFetcher(int threads, size_t max_queued);
  ~FhirFetcher();
  FhirFetcher(const FhirFetcher&) = delete;
  FhirFetcher& operator=(const FhirFetcher&) = delete;

  using Done = std::function<void(std::vector<FhirAnswer>)>;
  // Fetches every query (one after another, each bounded by what is left before `deadline`) on
  // a fetcher thread and calls `done` there. False when the queue is full (done is not called).
  bool Fetch(std::vector<FhirQuery> queries, std::string bearer_token, std::chrono::steady_clock::time_point deadline,
             Done done);

  // Fills a CDS Hooks prefetch template: {{context.patientId}}, {{context.userId}},
  // {{context.encounterId}}, URL-encoded. Unknown tokens are left out (the query then fails).
  static std::string FillTemplate(const std::string& query, const nlohmann::json& context);

 private:
  struct Job {
    std::vector<FhirQuery> queries;
    std::string token;
    std::chrono::steady_clock::time_point deadline;
    Done done;
  };
  void Run();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cdsd::rest

#endif  // CDSD_HOST_REST_FHIR_FETCHER_H_
