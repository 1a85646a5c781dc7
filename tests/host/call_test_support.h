// Helpers for the call state machine and pool tests: a gate a fake plugin call blocks on, and
// ServiceCalls whose "plugin" is a lambda, so every race is set up by the test, not by timing.
#ifndef CDSD_TESTS_HOST_CALL_TEST_SUPPORT_H_
#define CDSD_TESTS_HOST_CALL_TEST_SUPPORT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "server/service_call.h"

namespace cdsd::testing {

// Closed until Open(); Wait() blocks while closed. Waits are bounded so a broken test fails
// instead of hanging the suite.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  bool Wait(std::chrono::milliseconds limit = std::chrono::milliseconds(20000)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [this] { return open_; });
  }
  bool is_open() {
    std::lock_guard lock(mutex_);
    return open_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// What a fake call saw.
struct CallProbe {
  std::atomic<int> invoked{0};
  std::atomic<int> settled{0};
  std::atomic<int64_t> stuck{0};
  Gate entered;   // opened when the fake plugin starts
  Gate settled_gate;
};

// A call whose plugin opens probe.entered, then waits for `release` (if given).
inline std::shared_ptr<ServiceCall> FakeCall(CallProbe& probe, Gate* release = nullptr,
                                             std::chrono::steady_clock::time_point deadline =
                                                 std::chrono::steady_clock::now() + std::chrono::hours(1)) {
  ServiceCall::Hooks hooks;
  hooks.invoke = [&probe, release] {
    probe.invoked.fetch_add(1);
    probe.entered.Open();
    if (release) release->Wait();
    PluginCallResult result;
    result.status = CDS_STATUS_OK;
    return result;
  };
  hooks.on_settled = [&probe](ServiceCall&) {
    probe.settled.fetch_add(1);
    probe.settled_gate.Open();
  };
  hooks.stuck = &probe.stuck;
  return std::shared_ptr<ServiceCall>(new ServiceCall(deadline, std::move(hooks)));
}

}  // namespace cdsd::testing

#endif  // CDSD_TESTS_HOST_CALL_TEST_SUPPORT_H_
