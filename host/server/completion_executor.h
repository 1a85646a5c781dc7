// Threads that finish evaluations (merge the answers, audit, reply) handed over by the deadline
// timer, so the timer thread only ever flips call states and never does a request's work. Only
// host code runs here, never a plugin, so these threads cannot hang on a plugin.
#ifndef CDSD_HOST_SERVER_COMPLETION_EXECUTOR_H_
#define CDSD_HOST_SERVER_COMPLETION_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cdsd {

class CompletionExecutor {
 public:
  explicit CompletionExecutor(int threads);
  ~CompletionExecutor();  // runs what is queued, then joins
  CompletionExecutor(const CompletionExecutor&) = delete;
  CompletionExecutor& operator=(const CompletionExecutor&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_COMPLETION_EXECUTOR_H_
