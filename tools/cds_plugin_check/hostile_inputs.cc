// Generation of the robustness check's inputs; the cycle of kinds keeps each kind equally
// represented whatever the number of iterations.
#include "hostile_inputs.h"

namespace cds_plugin_check {
namespace {

// Random inputs are at most this long: long enough to hold several fields.
constexpr size_t kMaxRandomBytes = 512;
// A mutation overwrites this many bytes at most.
constexpr size_t kMaxMutatedBytes = 4;

}  // namespace

HostileInput HostileInputs::Next() {
  const size_t index = index_++;
  if (index == 0 || samples_.empty()) return {HostileInput::Kind::kEmpty, "empty input", ""};
  switch (index % 3) {
    case 1: {
      const SampleRequest& sample = samples_[Below(samples_.size())];
      const size_t length = Below(sample.bytes.size());
      return {HostileInput::Kind::kTruncated,
              "truncated " + sample.name + " to " + std::to_string(length) + " of " +
                  std::to_string(sample.bytes.size()) + " bytes",
              sample.bytes.substr(0, length)};
    }
    case 2: {
      const SampleRequest& sample = samples_[Below(samples_.size())];
      std::string bytes = sample.bytes;
      const size_t count = 1 + Below(kMaxMutatedBytes);
      std::string where;
      for (size_t i = 0; i < count && !bytes.empty(); ++i) {
        const size_t at = Below(bytes.size());
        bytes[at] = static_cast<char>(random_() & 0xFF);
        where += (where.empty() ? "" : ",") + std::to_string(at);
      }
      return {HostileInput::Kind::kMutated,
              "overwrote byte(s) " + where + " of " + sample.name, std::move(bytes)};
    }
    default: {
      std::string bytes(Below(kMaxRandomBytes + 1), '\0');
      for (char& c : bytes) c = static_cast<char>(random_() & 0xFF);
      return {HostileInput::Kind::kRandom, std::to_string(bytes.size()) + " random bytes",
              std::move(bytes)};
    }
  }
}

}  // namespace cds_plugin_check
