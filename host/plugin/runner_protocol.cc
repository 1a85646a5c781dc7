#include "plugin/runner_protocol.h"

#include <cstring>

namespace cdsd::runner {
namespace {

void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetLE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

bool KnownKind(uint16_t kind) { return kind >= 1 && kind <= 7; }
// Handshake frames carry id 0; a call and its answer carry the call's nonzero id.
bool IdFitsKind(FrameKind kind, uint64_t id) {
  const bool call = kind == FrameKind::kEvaluate || kind == FrameKind::kResult;
  return call ? id != 0 : id == 0;
}

}  // namespace

std::string EncodeFrame(FrameKind kind, uint64_t request_id, std::string_view payload) {
  std::string out;
  out.reserve(kHeaderSize + payload.size());
  PutU32(out, kFrameMagic);
  PutU16(out, static_cast<uint16_t>(kind));
  PutU16(out, 0);
  PutU32(out, static_cast<uint32_t>(payload.size()));
  PutU64(out, request_id);
  out.append(payload);
  return out;
}

std::string EncodeFields(const std::vector<std::string_view>& fields) {
  std::string out;
  size_t total = 0;
  for (auto f : fields) total += 4 + f.size();
  out.reserve(total);
  for (auto f : fields) {
    PutU32(out, static_cast<uint32_t>(f.size()));
    out.append(f);
  }
  return out;
}

absl::StatusOr<std::vector<std::string_view>> DecodeFields(std::string_view payload, size_t count) {
  std::vector<std::string_view> fields;
  fields.reserve(count);
  size_t at = 0;
  while (fields.size() < count) {
    if (payload.size() - at < 4) return absl::InvalidArgumentError("payload ends inside a field length");
    const uint64_t length = GetLE(payload.data() + at, 4);
    at += 4;
    if (length > payload.size() - at) return absl::InvalidArgumentError("field longer than the payload");
    fields.push_back(payload.substr(at, length));
    at += length;
  }
  if (at != payload.size()) return absl::InvalidArgumentError("bytes after the last field");
  return fields;
}

std::string EncodeStatus(uint32_t status) {
  std::string out;
  PutU32(out, status);
  return out;
}

std::optional<uint32_t> DecodeStatus(std::string_view field) {
  if (field.size() != 4) return std::nullopt;
  return static_cast<uint32_t>(GetLE(field.data(), 4));
}

void FrameDecoder::Append(const void* data, size_t size) {
  if (!failed_.ok()) return;
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  buffer_.append(static_cast<const char*>(data), size);
}

absl::StatusOr<std::optional<Frame>> FrameDecoder::Next() {
  if (!failed_.ok()) return failed_;
  if (buffered() < kHeaderSize) return std::nullopt;
  const char* h = buffer_.data() + consumed_;
  const uint32_t magic = static_cast<uint32_t>(GetLE(h, 4));
  const uint16_t kind = static_cast<uint16_t>(GetLE(h + 4, 2));
  const uint16_t reserved = static_cast<uint16_t>(GetLE(h + 6, 2));
  const uint64_t length = GetLE(h + 8, 4);
  const uint64_t id = GetLE(h + 12, 8);
  if (magic != kFrameMagic) {
    failed_ = absl::DataLossError("frame without the protocol's magic number (garbage on the socket)");
  } else if (!KnownKind(kind)) {
    failed_ = absl::DataLossError("frame of unknown kind " + std::to_string(kind));
  } else if (reserved != 0) {
    failed_ = absl::DataLossError("frame with nonzero reserved bits");
  } else if (length > max_payload_) {
    failed_ = absl::DataLossError("frame of " + std::to_string(length) + " bytes exceeds the bound of " +
                                  std::to_string(max_payload_));
  } else if (!IdFitsKind(static_cast<FrameKind>(kind), id)) {
    failed_ = absl::DataLossError("frame kind " + std::to_string(kind) + " with request id " + std::to_string(id));
  }
  if (!failed_.ok()) return failed_;
  if (buffered() - kHeaderSize < length) return std::nullopt;
  Frame frame;
  frame.kind = static_cast<FrameKind>(kind);
  frame.request_id = id;
  frame.payload.assign(h + kHeaderSize, length);
  consumed_ += kHeaderSize + length;
  // Keep the buffer from growing without bound on a long stream of small frames.
  if (consumed_ > (1u << 20) && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return frame;
}

}  // namespace cdsd::runner
