// Request bytes no host should send, for the robustness check: empty input, well-formed samples
// cut short, samples with a few bytes overwritten, and random bytes. Generated from a seed with
// std::mt19937_64 (whose output the C++ standard fixes), so a failure reproduces exactly with the
// same --seed and sample requests.
#ifndef CDS_PLUGIN_CHECK_HOSTILE_INPUTS_H_
#define CDS_PLUGIN_CHECK_HOSTILE_INPUTS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sample_requests.h"

namespace cds_plugin_check {

struct HostileInput {
  enum class Kind { kEmpty, kTruncated, kMutated, kRandom };
  Kind kind;
  // For the report: "truncated rich-patient to 57 of 1412 bytes".
  std::string description;
  std::string bytes;
};

class HostileInputs {
 public:
  HostileInputs(const std::vector<SampleRequest>& samples, uint64_t seed)
      : samples_(samples), random_(seed) {}

  // The first input is empty; the rest cycle through truncated, mutated and random.
  HostileInput Next();

 private:
  // Uniform enough for choosing cut points; unlike std::uniform_int_distribution, the same on
  // every standard library.
  size_t Below(size_t bound) { return bound == 0 ? 0 : static_cast<size_t>(random_() % bound); }

  const std::vector<SampleRequest>& samples_;
  std::mt19937_64 random_;
  size_t index_ = 0;
};

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_HOSTILE_INPUTS_H_
