// Runs one check in a forked child process, so a plugin that crashes, calls exit() or hangs
// fails that check with a reason ("crashed with SIGSEGV during input 17: ...") instead of
// taking the checker down with it. The child inherits the already loaded plugin library.
#ifndef CDS_PLUGIN_CHECK_ISOLATED_CHECK_H_
#define CDS_PLUGIN_CHECK_ISOLATED_CHECK_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "check_result.h"

namespace cds_plugin_check {

// Lets a check say what it is about to do, so a crash or a hang can be attributed to the input
// that caused it. Cheap enough to call before every plugin call.
class Activity {
 public:
  explicit Activity(int fd) : fd_(fd) {}
  void Note(std::string_view what) const;

 private:
  int fd_;
};

using IsolatedCheck = std::function<CheckResult(const Activity&)>;

// Runs `check` in a child process and returns its result, or a failure named `name` when the
// child dies by a signal, exits without a result, or is still running after `timeout`.
CheckResult RunIsolated(const std::string& name, std::chrono::seconds timeout,
                        const IsolatedCheck& check);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_ISOLATED_CHECK_H_
