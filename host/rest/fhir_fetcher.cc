#include "rest/fhir_fetcher.h"

#include <curl/curl.h>

namespace cdsd::rest {
namespace {

// FHIR answers larger than this are refused: a Bundle of one patient's records is far smaller.
constexpr size_t kMaxAnswerBytes = 16 << 20;

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > kMaxAnswerBytes) return 0;  // aborts the transfer
  body->append(data, size * count);
  return size * count;
}

FhirAnswer FetchOne(const FhirQuery& query, const std::string& token, std::chrono::steady_clock::time_point deadline) {
  FhirAnswer answer;
  answer.key = query.key;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    answer.problem = "not fetched: no time left before the request's deadline";
    return answer;
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    answer.problem = "not fetched: the HTTP client could not start";
    return answer;
  }
  std::string body;
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/fhir+json");
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, query.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // the token goes to fhirServer only
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    answer.problem = std::string("not fetched from fhirServer: ") + curl_easy_strerror(code);
    return answer;
  }
  if (status == 404) {
    // A resource read that finds nothing is "fetched, none", as a JSON null in prefetch.
    answer.ok = true;
    return answer;
  }
  if (status != 200) {
    answer.problem = "not fetched from fhirServer: HTTP " + std::to_string(status);
    return answer;
  }
  answer.resource = nlohmann::json::parse(body, nullptr, false);
  if (answer.resource.is_discarded() || !answer.resource.is_object()) {
    answer.resource = nullptr;
    answer.problem = "fhirServer answered with something that is not a JSON object";
    return answer;
  }
  answer.ok = true;
  return answer;
}

std::string UrlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

FhirFetcher::FhirFetcher(int threads, size_t max_queued) : max_queued_(max_queued) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

FhirFetcher::~FhirFetcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool FhirFetcher::Fetch(std::vector<FhirQuery> queries, std::string bearer_token,
                        std::chrono::steady_clock::time_point deadline, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back({std::move(queries), std::move(bearer_token), deadline, std::move(done)});
  }
  ready_.notify_one();
  return true;
}

void FhirFetcher::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to answer
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::vector<FhirAnswer> answers;
    for (const FhirQuery& q : job.queries) answers.push_back(FetchOne(q, job.token, job.deadline));
    job.done(std::move(answers));
  }
}

std::string FhirFetcher::FillTemplate(const std::string& query, const nlohmann::json& context) {
  std::string out;
  size_t pos = 0;
  while (pos < query.size()) {
    const size_t open = query.find("{{", pos);
    if (open == std::string::npos) {
      out += query.substr(pos);
      break;
    }
    out += query.substr(pos, open - pos);
    const size_t close = query.find("}}", open);
    if (close == std::string::npos) break;
    const std::string token = query.substr(open + 2, close - open - 2);
    if (token.rfind("context.", 0) == 0) {
      auto it = context.find(token.substr(8));
      if (it != context.end() && it->is_string()) out += UrlEncode(it->get<std::string>());
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace cdsd::rest
