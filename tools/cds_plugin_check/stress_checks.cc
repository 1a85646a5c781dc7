// The checks that push a plugin the way production does: many threads at once, hostile bytes,
// and the clock.
#include <algorithm>
#include <latch>
#include <mutex>
#include <thread>

#include <google/protobuf/stubs/logging.h>

#include "conformance_checks.h"
#include "hostile_inputs.h"

namespace cds_plugin_check {
namespace {

using Clock = std::chrono::steady_clock;

std::string Duration(Clock::duration d) {
  const double micros = std::chrono::duration<double, std::micro>(d).count();
  char text[32];
  if (micros < 1) std::snprintf(text, sizeof text, "<1 us");
  else if (micros < 1000) std::snprintf(text, sizeof text, "%.0f us", micros);
  else if (micros < 1e6) std::snprintf(text, sizeof text, "%.3g ms", micros / 1000);
  else std::snprintf(text, sizeof text, "%.3g s", micros / 1e6);
  return text;
}

}  // namespace

CheckResult CheckConcurrency(const PluginUnderTest& plugin, const StressOptions& options,
                             const Activity& activity) {
  constexpr char kName[] = "concurrency";
  auto instance = plugin.NewInstance();
  if (!instance.ok()) {
    return CheckResult::Fail(kName, "no instance to call: create failed",
                             {std::string(instance.status().message())});
  }
  const std::vector<SampleRequest>& samples = plugin.samples();
  activity.Note("evaluate each sample once, on one thread");
  std::vector<Answer> expected;
  for (const SampleRequest& sample : samples) expected.push_back(Call(**instance, sample.bytes));

  activity.Note(std::to_string(options.threads) + " threads calling evaluate at once");
  std::mutex mutex;
  std::vector<std::string> problems;
  size_t total = 0;
  // All threads start together, so their calls overlap from the first one.
  std::latch start(options.threads);
  std::vector<std::thread> threads;
  const auto began = Clock::now();
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < options.calls_per_thread; ++i) {
        const size_t s = static_cast<size_t>(t + i) % samples.size();
        const Answer answer = Call(**instance, samples[s].bytes);
        if (answer == expected[s]) continue;
        std::lock_guard lock(mutex);
        NoteProblem(problems, total, samples[s].name + " on thread " + std::to_string(t) + ": " +
                                         Describe(answer) + ", where one thread alone got " +
                                         Describe(expected[s]));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const auto elapsed = Clock::now() - began;
  NoteOmitted(problems, total);
  const int calls = options.threads * options.calls_per_thread;
  const std::string tried = std::to_string(options.threads) + " threads x " +
                            std::to_string(options.calls_per_thread) + " calls on one instance";
  if (total > 0) {
    return CheckResult::Fail(kName, tried + ": " + std::to_string(total) + " of " +
                                        std::to_string(calls) + " answers differ from one thread's",
                             std::move(problems));
  }
  return CheckResult::Pass(kName, tried + ": all " + std::to_string(calls) +
                                      " answers identical to one thread's, in " + Duration(elapsed));
}

CheckResult CheckRobustness(const PluginUnderTest& plugin, const StressOptions& options,
                            const Activity& activity) {
  constexpr char kName[] = "robustness";
  auto instance = plugin.NewInstance();
  if (!instance.ok()) {
    return CheckResult::Fail(kName, "no instance to call: create failed",
                             {std::string(instance.status().message())});
  }
  // Protobuf logs every string field with invalid UTF-8 it meets while parsing, and most hostile
  // inputs have one: thousands of lines that say nothing about the plugin.
  google::protobuf::SetLogHandler(nullptr);
  HostileInputs inputs(plugin.samples(), options.seed);
  std::vector<std::string> problems;
  size_t total = 0;
  int refused = 0;
  int answered = 0;
  for (int i = 0; i < options.robustness_inputs; ++i) {
    const HostileInput input = inputs.Next();
    const std::string what = "input " + std::to_string(i) + " (" + input.description + ")";
    activity.Note(what);
    const Answer answer = Call(**instance, input.bytes);
    cds::plugin::v1::EvaluateOutput output;
    switch (answer.status) {
      case CDS_STATUS_OK:
        // A cut or altered message can still be a valid, shorter one: answering is fine.
        if (output.ParseFromString(answer.response)) ++answered;
        else NoteProblem(problems, total, what + ": OK with a response that does not decode");
        break;
      case CDS_STATUS_INVALID_ARGUMENT:
      case CDS_STATUS_UNSUPPORTED:
        ++refused;
        break;
      default:
        NoteProblem(problems, total, what + ": " + Describe(answer));
    }
  }
  NoteOmitted(problems, total);
  const std::string tried = std::to_string(options.robustness_inputs) +
                            " empty, truncated, overwritten and random inputs (seed " +
                            std::to_string(options.seed) + ")";
  if (total > 0) {
    return CheckResult::Fail(kName, tried + ": " + std::to_string(total) +
                                        " mishandled (each must get INVALID_ARGUMENT, "
                                        "UNSUPPORTED or a decodable answer)",
                             std::move(problems));
  }
  return CheckResult::Pass(kName, tried + ": " + std::to_string(refused) + " refused, " +
                                      std::to_string(answered) + " answered, no crash");
}

CheckResult CheckTimePerCall(const PluginUnderTest& plugin, const StressOptions& options,
                             const Activity& activity) {
  constexpr char kName[] = "time per call";
  // Each sample is timed this many times, or for this long, whichever ends first.
  constexpr int kCallsPerSample = 200;
  constexpr auto kTimePerSample = std::chrono::seconds(1);
  auto instance = plugin.NewInstance();
  if (!instance.ok()) {
    return CheckResult::Fail(kName, "no instance to call: create failed",
                             {std::string(instance.status().message())});
  }
  std::vector<Clock::duration> times;
  for (const SampleRequest& sample : plugin.samples()) {
    activity.Note("time evaluate " + sample.name);
    // The first call of each sample warms caches and lazily built tables; it is not timed.
    Call(**instance, sample.bytes);
    const auto sample_began = Clock::now();
    for (int i = 0; i < kCallsPerSample && Clock::now() - sample_began < kTimePerSample; ++i) {
      const auto began = Clock::now();
      Call(**instance, sample.bytes);
      times.push_back(Clock::now() - began);
    }
  }
  std::sort(times.begin(), times.end());
  auto percentile = [&](double p) {
    return times[std::min(times.size() - 1, static_cast<size_t>(p * static_cast<double>(times.size())))];
  };
  const Clock::duration p99 = percentile(0.99);
  const std::string summary = std::to_string(times.size()) + " calls: p50 " +
                              Duration(percentile(0.5)) + ", p99 " + Duration(p99) + ", max " +
                              Duration(times.back()) + " (budget " +
                              Duration(options.call_budget) + " at p99)";
  if (p99 > options.call_budget) {
    return CheckResult::Fail(kName, summary,
                             {"cdsd abandons a call after the service's timeout (default " +
                              Duration(cdsd::PluginConfig{}.timeout) + ")"});
  }
  return CheckResult::Pass(kName, summary);
}

}  // namespace cds_plugin_check
