// A fixed set of threads that run plugin calls, so a slow or hung plugin occupies one of ours and
// never a gRPC thread, divided into lanes (a bulkhead): one lane per plugin service instance, and
// a lane runs at most its `permits` calls at once. A hung plugin therefore holds at most its own
// permits; the other lanes keep the remaining threads. The pool never adds a thread.
//
// Calls wait in their lane's queue until a permit and a thread are free; lanes with work take
// turns (round robin). A call that expired while queued is skipped without calling the plugin.
#ifndef CDSD_HOST_SERVER_WORKER_POOL_H_
#define CDSD_HOST_SERVER_WORKER_POOL_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/service_call.h"

namespace cdsd {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Stop(), then joins every thread: a thread inside a hung plugin is waited for, never detached
  // (a daemon that must exit around one checks threads_inside_plugins() after Stop()).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `call` in `lane` (any stable key, e.g. the service instance). `permits` (>= 1) is the
  // lane's limit from now on. After Stop() the call is expired at once instead.
  void Submit(const void* lane, int permits, std::shared_ptr<ServiceCall> call);

  struct LaneLoad {
    int queued = 0;   // calls waiting (some may have expired and not been skipped yet)
    int running = 0;  // calls holding a permit
  };
  LaneLoad Load(const void* lane) const;

  int size() const { return static_cast<int>(threads_.size()); }
  // Threads currently running a plugin call (including abandoned ones).
  int threads_inside_plugins() const;

  // Waits up to `timeout` until nothing is queued or running; false if something still is.
  bool Drain(std::chrono::milliseconds timeout);

  // Refuses new calls, expires every queued call and abandons every running one (their owners
  // are told at once), then waits up to `timeout` for threads to leave the plugins. Returns how
  // many are still inside one.
  int Stop(std::chrono::milliseconds timeout);

 private:
  struct Lane {
    int permits = 1;
    int running = 0;
    bool ready = false;  // listed in ready_
    std::deque<std::shared_ptr<ServiceCall>> queue;
  };
  void Run(size_t worker);
  // Lists the lane in ready_ if it has queued calls and a free permit. Requires mutex_.
  void MaybeReady(const void* key, Lane& lane);

  mutable std::mutex mutex_;
  std::condition_variable ready_changed_;
  std::condition_variable idle_;
  std::unordered_map<const void*, Lane> lanes_;
  std::deque<const void*> ready_;
  std::vector<std::shared_ptr<ServiceCall>> current_;  // per worker: the call it is running
  int running_ = 0;
  size_t queued_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_WORKER_POOL_H_
