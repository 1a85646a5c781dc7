// The wire protocol between cdsd and cdsd-plugin-runner (one plugin in its own process), over a
// Unix stream socket. Every message is one frame: a fixed 20-byte little-endian header (magic,
// kind, reserved, payload length, request id) and a payload of at most a bounded size. Payloads
// are the same protobuf bytes the C ABI carries, wrapped in length-prefixed fields where a frame
// needs more than one value. docs/plugin-runner-protocol.md describes each frame.
#ifndef CDSD_HOST_PLUGIN_RUNNER_PROTOCOL_H_
#define CDSD_HOST_PLUGIN_RUNNER_PROTOCOL_H_

#include <absl/status/statusor.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cdsd::runner {

inline constexpr uint32_t kFrameMagic = 0x52534443;  // "CDSR" read as little-endian bytes
inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kHeaderSize = 20;
// Default bound of one payload: the largest request (limits.max_request_bytes) or answer
// (max_output_bytes) cdsd accepts, plus room for the error text and field prefixes.
inline constexpr size_t kDefaultMaxPayload = (64u << 20) + (64u << 10);

enum class FrameKind : uint16_t {
  kHello = 1,     // host -> runner, id 0: [protocol version, plugin path, sha256 pin]
  kInfo = 2,      // runner -> host, id 0: [protocol version, "major.minor" ABI, PluginInfo bytes]
  kCreate = 3,    // host -> runner, id 0: [settings JSON]
  kReady = 4,     // runner -> host, id 0: no fields
  kFailed = 5,    // runner -> host, id 0: [message]; the runner exits after sending it
  kEvaluate = 6,  // host -> runner, id > 0: the EvaluateInput bytes as the payload itself
  kResult = 7,    // runner -> host, id of its kEvaluate: [4-byte status, response bytes, error]
};

struct Frame {
  FrameKind kind = FrameKind::kHello;
  uint64_t request_id = 0;
  std::string payload;
};

// The header and payload of one frame, ready to write.
std::string EncodeFrame(FrameKind kind, uint64_t request_id, std::string_view payload);

// Length-prefixed fields (u32 length, then the bytes), for payloads with several values.
std::string EncodeFields(const std::vector<std::string_view>& fields);
// Exactly `count` fields filling the payload, or INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<std::vector<std::string_view>> DecodeFields(std::string_view payload, size_t count);

std::string EncodeStatus(uint32_t status);
std::optional<uint32_t> DecodeStatus(std::string_view field);

// Splits a byte stream into frames. Append whatever arrived, then call Next until it returns
// nullopt (need more bytes). Any violation (bad magic, unknown kind, nonzero reserved bits, a
// payload over the bound, a request id that does not fit the kind) is an error, after which
// the decoder stays failed: the peer is not to be trusted with another frame.
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_payload = kDefaultMaxPayload) : max_payload_(max_payload) {}

  void Append(const void* data, size_t size);
  absl::StatusOr<std::optional<Frame>> Next();
  // Bytes received and not yet returned in a frame.
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  size_t max_payload_;
  std::string buffer_;
  size_t consumed_ = 0;
  absl::Status failed_;
};

}  // namespace cdsd::runner

#endif  // CDSD_HOST_PLUGIN_RUNNER_PROTOCOL_H_
