// Threads that run plugin calls, so a slow or hung plugin occupies one of ours and never a gRPC
// thread. When a call is abandoned at its timeout, the pool adds a thread to replace the one
// still stuck in the plugin, and retires a thread when that call returns: capacity for healthy
// plugins stays constant, and the extra threads are bounded by the per-service stuck-call limit.
#ifndef CDSD_HOST_SERVER_WORKER_POOL_H_
#define CDSD_HOST_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cdsd {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // runs what is queued, then joins (threads stuck in a plugin are detached)
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  int size() const;

  // A task is stuck in a plugin: add a thread to stand in for it.
  void AddStandIn();
  // A stuck task returned: the next thread to finish a task exits.
  void RetireStandIn();

  // Waits up to `timeout` for queued and running tasks to finish; false if some are still running.
  bool Drain(std::chrono::milliseconds timeout);

 private:
  void Run();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> queue_;
  int running_ = 0;
  int to_retire_ = 0;
  int live_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_WORKER_POOL_H_
