#include "server/worker_pool.h"

#include <algorithm>

namespace cdsd {

WorkerPool::WorkerPool(int threads) {
  const int n = std::max(1, threads);
  current_.resize(n);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this, i] { Run(static_cast<size_t>(i)); });
}

WorkerPool::~WorkerPool() {
  Stop(std::chrono::milliseconds(0));
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::MaybeReady(const void* key, Lane& lane) {
  if (lane.ready || lane.queue.empty() || lane.running >= lane.permits) return;
  lane.ready = true;
  ready_.push_back(key);
  ready_changed_.notify_one();
}

void WorkerPool::Submit(const void* lane_key, int permits, std::shared_ptr<ServiceCall> call) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      Lane& lane = lanes_[lane_key];
      lane.permits = std::max(1, permits);
      // Calls that expired while waiting behind a busy lane are dropped here, so a lane whose
      // permits are all held cannot pile up settled calls.
      while (!lane.queue.empty() && lane.queue.front()->state() != ServiceCall::State::kQueued) {
        lane.queue.pop_front();
        --queued_;
      }
      lane.queue.push_back(std::move(call));
      ++queued_;
      MaybeReady(lane_key, lane);
      return;
    }
  }
  call->Expire();
}

WorkerPool::LaneLoad WorkerPool::Load(const void* lane_key) const {
  std::lock_guard lock(mutex_);
  auto it = lanes_.find(lane_key);
  if (it == lanes_.end()) return {};
  return {static_cast<int>(it->second.queue.size()), it->second.running};
}

int WorkerPool::threads_inside_plugins() const {
  std::lock_guard lock(mutex_);
  return running_;
}

bool WorkerPool::Drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return queued_ == 0 && running_ == 0; });
}

int WorkerPool::Stop(std::chrono::milliseconds timeout) {
  std::vector<std::shared_ptr<ServiceCall>> to_settle;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [key, lane] : lanes_) {
      for (auto& call : lane.queue) to_settle.push_back(std::move(call));
      queued_ -= lane.queue.size();
      lane.queue.clear();
      lane.ready = false;
    }
    ready_.clear();
    for (const auto& call : current_) {
      if (call) to_settle.push_back(call);
    }
  }
  ready_changed_.notify_all();
  // Outside the pool's lock: settling tells each call's owner, which may take its own locks.
  for (const auto& call : to_settle) call->Expire();
  to_settle.clear();
  std::unique_lock lock(mutex_);
  idle_.wait_for(lock, timeout, [this] { return running_ == 0; });
  return running_;
}

void WorkerPool::Run(size_t worker) {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_changed_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (ready_.empty()) return;  // stopping: queued calls were expired by Stop
    const void* key = ready_.front();
    ready_.pop_front();
    Lane& lane = lanes_[key];
    lane.ready = false;
    std::shared_ptr<ServiceCall> call = std::move(lane.queue.front());
    lane.queue.pop_front();
    --queued_;
    ++lane.running;
    ++running_;
    current_[worker] = call;
    MaybeReady(key, lane);  // more work and permits left: let another thread take the next
    lock.unlock();

    call->Run();  // returns at once for a call that expired in the queue

    lock.lock();
    current_[worker] = nullptr;
    // The last reference may be ours: release the call (and the plugin bytes it holds) unlocked.
    lock.unlock();
    call.reset();
    lock.lock();
    Lane& same = lanes_[key];
    --same.running;
    --running_;
    if (same.running == 0 && same.queue.empty()) {
      lanes_.erase(key);  // an idle lane is forgotten, so a key reused later starts fresh
    } else if (!stopping_) {
      MaybeReady(key, same);
    }
    if (running_ == 0 && (queued_ == 0 || stopping_)) idle_.notify_all();
  }
}

}  // namespace cdsd
