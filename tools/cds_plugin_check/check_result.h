// The outcome of one conformance check, and the test-runner style report of all of them: one
// line per check with PASS/FAIL/SKIP and its numbers, the reasons for a failure indented below,
// and a final "N passed, M failed" line.
#ifndef CDS_PLUGIN_CHECK_CHECK_RESULT_H_
#define CDS_PLUGIN_CHECK_CHECK_RESULT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace cds_plugin_check {

enum class Verdict { kPass, kFail, kSkip };

struct CheckResult {
  std::string name;
  Verdict verdict = Verdict::kFail;
  // One line: what was tried and the numbers that matter.
  std::string summary;
  // For a failure: each problem found, most telling first.
  std::vector<std::string> problems;

  static CheckResult Pass(std::string name, std::string summary);
  static CheckResult Fail(std::string name, std::string summary, std::vector<std::string> problems = {});
  static CheckResult Skip(std::string name, std::string reason);

  nlohmann::json ToJson() const;
  static CheckResult FromJson(const nlohmann::json& json);
};

// Collects results and prints each as it arrives, so a long run shows progress.
class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}

  void Add(const CheckResult& result);
  // Prints the summary line; returns the number of failed checks.
  int Finish();

 private:
  std::ostream& out_;
  int passed_ = 0;
  int failed_ = 0;
};

// Problems listed under one failed check beyond this many are counted, not printed.
inline constexpr size_t kMaxProblemsShown = 10;

// Adds `problem` to `problems` unless the list is already long; counts every call in `total`.
void NoteProblem(std::vector<std::string>& problems, size_t& total, std::string problem);

// "... and N more" when more problems were found than were kept.
void NoteOmitted(std::vector<std::string>& problems, size_t total);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_CHECK_RESULT_H_
