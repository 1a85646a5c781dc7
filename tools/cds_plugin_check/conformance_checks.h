// The conformance checks run after cdsd's loader has accepted a plugin, in the order the report
// lists them. Each takes the plugin under test and returns one result; those that call into the
// plugin take an Activity and are run isolated (see isolated_check.h).
#ifndef CDS_PLUGIN_CHECK_CONFORMANCE_CHECKS_H_
#define CDS_PLUGIN_CHECK_CONFORMANCE_CHECKS_H_

#include <chrono>
#include <cstdint>

#include "check_result.h"
#include "isolated_check.h"
#include "plugin_under_test.h"

namespace cds_plugin_check {

struct StressOptions {
  // Concurrency: threads calling evaluate on one instance at once, and calls each makes.
  int threads = 8;
  int calls_per_thread = 50;
  // Robustness: hostile inputs, and the seed they are generated from.
  int robustness_inputs = 2000;
  uint64_t seed = 1;
  // Time per call: the 99th percentile must stay under this; by default cdsd's default timeout
  // for a service, after which the host abandons the call.
  std::chrono::milliseconds call_budget = cdsd::PluginConfig{}.timeout;
};

// Plugin ABI version against the host's, and the table size the plugin reports.
CheckResult CheckAbiVersion(const PluginUnderTest& plugin);

// PluginInfo as the plugin returns it (before the loader fills any default): everything an
// operator and an EHR see in discovery is present, and get_info returns the same bytes each time.
CheckResult CheckMetadata(const PluginUnderTest& plugin, const Activity& activity);

// Instances can be created with the given settings, several at once, and destroyed.
CheckResult CheckCreateAndDestroy(const PluginUnderTest& plugin, const Activity& activity);

// Invalid settings are refused with CDS_STATUS_INVALID_SETTINGS and a message naming the setting.
CheckResult CheckInvalidSettings(const PluginUnderTest& plugin, const Activity& activity);

// Every sample request is answered OK with a decodable cds.plugin.v1.EvaluateOutput.
CheckResult CheckEvaluate(const PluginUnderTest& plugin, const Activity& activity);

// Every card the samples produce is well-formed (card_rules.h), and there is at least one.
CheckResult CheckCards(const PluginUnderTest& plugin, const Activity& activity);

// The same request gives the same answer: twice on one instance, and on a second instance.
CheckResult CheckDeterminism(const PluginUnderTest& plugin, const Activity& activity);

// Many threads calling evaluate on one instance at once get the answers a single thread gets.
CheckResult CheckConcurrency(const PluginUnderTest& plugin, const StressOptions& options,
                             const Activity& activity);

// Hostile input bytes (hostile_inputs.h) get an error or a decodable answer, never a crash or
// an INTERNAL error.
CheckResult CheckRobustness(const PluginUnderTest& plugin, const StressOptions& options,
                            const Activity& activity);

// Latency of evaluate on the samples: percentiles against the budget.
CheckResult CheckTimePerCall(const PluginUnderTest& plugin, const StressOptions& options,
                             const Activity& activity);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_CONFORMANCE_CHECKS_H_
