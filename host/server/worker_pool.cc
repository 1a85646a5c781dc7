#include "server/worker_pool.h"

namespace cdsd {

WorkerPool::WorkerPool(int threads) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  live_ = threads;
}

int WorkerPool::size() const {
  std::lock_guard lock(mutex_);
  return live_;
}

void WorkerPool::AddStandIn() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  threads_.emplace_back([this] { Run(); });
  ++live_;
}

void WorkerPool::RetireStandIn() {
  std::lock_guard lock(mutex_);
  ++to_retire_;
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  const bool drained = Drain(std::chrono::milliseconds(2000));
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) {
    // A thread still inside a hung plugin cannot be stopped; let the process exit around it.
    if (drained) t.join();
    else t.detach();
  }
}

void WorkerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
}

bool WorkerPool::Drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return queue_.empty() && running_ == 0; });
}

void WorkerPool::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and nothing left
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
    --running_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
    if (to_retire_ > 0) {
      --to_retire_;
      --live_;
      return;
    }
  }
}

}  // namespace cdsd
