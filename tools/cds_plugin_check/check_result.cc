// Printing and (de)serializing check results; serialization carries a result out of the child
// process a check runs in (see isolated_check.h).
#include "check_result.h"

#include <iomanip>

namespace cds_plugin_check {
namespace {

const char* VerdictWord(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "SKIP";
  }
  return "FAIL";
}

// Width of the name column, wide enough for the longest check name.
constexpr int kNameWidth = 18;

}  // namespace

CheckResult CheckResult::Pass(std::string name, std::string summary) {
  return {std::move(name), Verdict::kPass, std::move(summary), {}};
}

CheckResult CheckResult::Fail(std::string name, std::string summary, std::vector<std::string> problems) {
  return {std::move(name), Verdict::kFail, std::move(summary), std::move(problems)};
}

CheckResult CheckResult::Skip(std::string name, std::string reason) {
  return {std::move(name), Verdict::kSkip, std::move(reason), {}};
}

nlohmann::json CheckResult::ToJson() const {
  return {{"name", name}, {"verdict", static_cast<int>(verdict)}, {"summary", summary},
          {"problems", problems}};
}

CheckResult CheckResult::FromJson(const nlohmann::json& json) {
  return {json.at("name").get<std::string>(), static_cast<Verdict>(json.at("verdict").get<int>()),
          json.at("summary").get<std::string>(),
          json.at("problems").get<std::vector<std::string>>()};
}

void Report::Add(const CheckResult& result) {
  out_ << VerdictWord(result.verdict) << "  " << std::left << std::setw(kNameWidth) << result.name
       << " " << result.summary << "\n";
  for (const std::string& problem : result.problems) out_ << "      - " << problem << "\n";
  out_.flush();
  if (result.verdict == Verdict::kPass) ++passed_;
  if (result.verdict == Verdict::kFail) ++failed_;
}

int Report::Finish() {
  out_ << passed_ << " passed, " << failed_ << " failed\n";
  out_.flush();
  return failed_;
}

void NoteProblem(std::vector<std::string>& problems, size_t& total, std::string problem) {
  ++total;
  if (problems.size() < kMaxProblemsShown) problems.push_back(std::move(problem));
}

void NoteOmitted(std::vector<std::string>& problems, size_t total) {
  if (total > problems.size()) {
    problems.push_back("... and " + std::to_string(total - problems.size()) + " more");
  }
}

}  // namespace cds_plugin_check
