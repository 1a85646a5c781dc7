// The checks of a plugin's answers to well-formed requests: they come back OK, decode, carry
// well-formed cards, and do not change from one call to the next.
#include <optional>

#include "card_rules.h"
#include "conformance_checks.h"

namespace cds_plugin_check {
namespace {

// The first words of a summary, to point at a card in a message.
std::string Excerpt(const std::string& summary) {
  constexpr size_t kLength = 40;
  return summary.size() <= kLength ? summary : summary.substr(0, kLength) + "...";
}

// A fresh instance, or the reason there is none as a failed check named `name`.
struct InstanceOrFailure {
  std::shared_ptr<cdsd::PluginService> instance;
  std::optional<CheckResult> failure;
};
InstanceOrFailure NewInstanceFor(const char* name, const PluginUnderTest& plugin) {
  auto instance = plugin.NewInstance();
  if (!instance.ok()) {
    return {nullptr, CheckResult::Fail(name, "no instance to call: create failed",
                                       {std::string(instance.status().message())})};
  }
  return {*instance, std::nullopt};
}

}  // namespace

CheckResult CheckEvaluate(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "evaluate";
  auto [instance, failure] = NewInstanceFor(kName, plugin);
  if (failure) return *failure;
  std::vector<std::string> problems;
  size_t total = 0;
  int cards = 0;
  for (const SampleRequest& sample : plugin.samples()) {
    activity.Note("evaluate " + sample.name);
    const Answer answer = Call(*instance, sample.bytes);
    cds::plugin::v1::EvaluateOutput output;
    if (answer.status != CDS_STATUS_OK) {
      NoteProblem(problems, total, sample.name + ": " + Describe(answer));
    } else if (!output.ParseFromString(answer.response)) {
      NoteProblem(problems, total, sample.name + ": the " + std::to_string(answer.response.size()) +
                                       "-byte response is not a cds.plugin.v1.EvaluateOutput");
    } else {
      cards += output.cards_size();
    }
  }
  NoteOmitted(problems, total);
  const std::string tried = std::to_string(plugin.samples().size()) + " sample requests";
  if (total > 0) {
    return CheckResult::Fail(kName, std::to_string(total) + " of " + tried + " not answered",
                             std::move(problems));
  }
  return CheckResult::Pass(kName, tried + " answered OK with " + std::to_string(cards) + " cards");
}

CheckResult CheckCards(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "cards";
  auto [instance, failure] = NewInstanceFor(kName, plugin);
  if (failure) return *failure;
  std::vector<std::string> problems;
  std::vector<std::string> warnings;
  size_t total = 0;
  size_t total_warnings = 0;
  int cards = 0;
  for (const SampleRequest& sample : plugin.samples()) {
    activity.Note("evaluate " + sample.name);
    cds::plugin::v1::EvaluateOutput output;
    // Unanswered samples are the evaluate check's failures; here there are no cards to judge.
    if (!output.ParseFromString(Call(*instance, sample.bytes).response)) continue;
    for (int i = 0; i < output.cards_size(); ++i) {
      ++cards;
      const std::string where = sample.name + " card " + std::to_string(i + 1) + " (\"" +
                                Excerpt(output.cards(i).summary()) + "\"): ";
      const CardFindings findings = CardProblems(output.cards(i), plugin.library().info());
      for (const std::string& problem : findings.failures) {
        NoteProblem(problems, total, where + problem);
      }
      for (const std::string& warning : findings.warnings) {
        NoteProblem(warnings, total_warnings, "warning: " + where + warning);
      }
    }
  }
  NoteOmitted(problems, total);
  NoteOmitted(warnings, total_warnings);
  if (cards == 0) {
    return CheckResult::Fail(kName, "no sample request produced a card, so none could be checked",
                             {"pass --requests with requests that should produce cards"});
  }
  if (total > 0) {
    problems.insert(problems.end(), warnings.begin(), warnings.end());
    return CheckResult::Fail(kName, std::to_string(total) + " problems in " +
                                        std::to_string(cards) + " cards",
                             std::move(problems));
  }
  CheckResult result = CheckResult::Pass(
      kName, std::to_string(cards) + " cards well-formed and safe (summary, indicator, source, "
                                     "citations, links, markdown, suggestions, actions, override "
                                     "reasons, uuids, vendor decision)" +
                 (total_warnings > 0 ? ", " + std::to_string(total_warnings) + " warnings" : ""));
  // Warnings are listed under the passing check: they name what one EHR refuses.
  result.problems = std::move(warnings);
  return result;
}

CheckResult CheckDeterminism(const PluginUnderTest& plugin, const Activity& activity) {
  constexpr char kName[] = "determinism";
  auto [first, failure] = NewInstanceFor(kName, plugin);
  if (failure) return *failure;
  auto [second, second_failure] = NewInstanceFor(kName, plugin);
  if (second_failure) return *second_failure;
  std::vector<std::string> problems;
  size_t total = 0;
  for (const SampleRequest& sample : plugin.samples()) {
    activity.Note("evaluate " + sample.name + " three times");
    const Answer reference = Call(*first, sample.bytes);
    const Answer again = Call(*first, sample.bytes);
    const Answer elsewhere = Call(*second, sample.bytes);
    if (!(again == reference)) {
      NoteProblem(problems, total, sample.name + ": a second call on the same instance answered " +
                                       "differently (" + std::to_string(reference.response.size()) +
                                       " then " + std::to_string(again.response.size()) + " bytes)");
    }
    if (!(elsewhere == reference)) {
      NoteProblem(problems, total, sample.name + ": a second instance with the same settings " +
                                       "answered differently");
    }
  }
  NoteOmitted(problems, total);
  const std::string tried = std::to_string(plugin.samples().size()) +
                            " requests, 3 calls each on 2 instances";
  if (total > 0) {
    return CheckResult::Fail(kName, tried + ": answers differ (time must come from "
                                            "evaluation_time, ids from the input)",
                             std::move(problems));
  }
  return CheckResult::Pass(kName, tried + ": identical answers");
}

}  // namespace cds_plugin_check
