#include "server/deadline_timer.h"

namespace cdsd {

DeadlineTimer::DeadlineTimer() : thread_([this] { Run(); }) {}

DeadlineTimer::~DeadlineTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void DeadlineTimer::Schedule(Clock::time_point when, std::weak_ptr<DeadlineTarget> target) {
  bool earliest;
  {
    std::lock_guard lock(mutex_);
    earliest = entries_.empty() || when < entries_.top().when;
    entries_.push({when, std::move(target)});
  }
  // Deadlines mostly arrive in increasing order: the timer only needs waking for a new earliest.
  if (earliest) changed_.notify_one();
}

void DeadlineTimer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (entries_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const Clock::time_point next = entries_.top().when;
    if (Clock::now() < next) {
      changed_.wait_until(lock, next);
      continue;
    }
    std::weak_ptr<DeadlineTarget> due = entries_.top().target;
    entries_.pop();
    lock.unlock();
    if (auto target = due.lock()) target->OnDeadline();
    lock.lock();
  }
}

}  // namespace cdsd
