#include "plugin/runner_calls.h"

namespace cdsd {

std::shared_ptr<RunnerCalls::Call> RunnerCalls::Add(uint64_t fingerprint, std::string evaluation_id) {
  auto call = std::make_shared<Call>();
  call->fingerprint = fingerprint;
  call->evaluation_id = std::move(evaluation_id);
  std::lock_guard lock(mutex_);
  call->id = ++last_id_;
  waiting_.emplace(call->id, call);
  return call;
}

bool RunnerCalls::Answer(uint64_t id, uint32_t status, std::string response, std::string error) {
  std::shared_ptr<Call> call;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return false;
    call = std::move(it->second);
    waiting_.erase(it);
    call->outcome = Outcome::kAnswered;
    call->status = status;
    call->response = std::move(response);
    call->error = std::move(error);
  }
  call->changed.notify_all();
  return true;
}

std::vector<std::shared_ptr<RunnerCalls::Call>> RunnerCalls::RunnerLost(const std::string& why,
                                                                        const std::function<void(const Call&)>& suspect) {
  std::vector<std::shared_ptr<Call>> lost;
  {
    std::lock_guard lock(mutex_);
    lost.reserve(waiting_.size());
    for (auto& [id, call] : waiting_) {
      call->outcome = Outcome::kLost;
      call->error = why;
      if (suspect) suspect(*call);
      lost.push_back(std::move(call));
    }
    waiting_.clear();
  }
  for (auto& call : lost) call->changed.notify_all();
  return lost;
}

RunnerCalls::Outcome RunnerCalls::Wait(Call& call, Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  call.changed.wait_until(lock, deadline, [&] { return call.outcome != Outcome::kWaiting; });
  if (call.outcome == Outcome::kWaiting) {
    call.outcome = Outcome::kTimedOut;
    waiting_.erase(call.id);
  }
  return call.outcome;
}

void RunnerCalls::Abandon(Call& call, const std::string& why) {
  std::lock_guard lock(mutex_);
  if (call.outcome != Outcome::kWaiting) return;
  call.outcome = Outcome::kLost;
  call.error = why;
  waiting_.erase(call.id);
}

bool RunnerCalls::Issued(uint64_t id) const {
  std::lock_guard lock(mutex_);
  return id != 0 && id <= last_id_;
}

size_t RunnerCalls::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

const char* RunnerCallOutcomeName(RunnerCalls::Outcome outcome) {
  switch (outcome) {
    case RunnerCalls::Outcome::kWaiting: return "waiting";
    case RunnerCalls::Outcome::kAnswered: return "answered";
    case RunnerCalls::Outcome::kLost: return "lost";
    case RunnerCalls::Outcome::kTimedOut: return "timed_out";
  }
  return "unknown";
}

}  // namespace cdsd
