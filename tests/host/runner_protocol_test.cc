// The runner protocol's framing: frames survive any split across reads, and every kind of
// malformed input is an error that sticks (the host then treats the runner as crashed).
#include "plugin/runner_protocol.h"

#include <gtest/gtest.h>

namespace cdsd::runner {
namespace {

TEST(RunnerProtocol, FrameSurvivesArrivingOneByteAtATime) {
  const std::string bytes = EncodeFrame(FrameKind::kEvaluate, 42, "payload") + EncodeFrame(FrameKind::kResult, 7, "");
  FrameDecoder decoder;
  std::vector<Frame> frames;
  for (char c : bytes) {
    decoder.Append(&c, 1);
    while (true) {
      auto next = decoder.Next();
      ASSERT_TRUE(next.ok()) << next.status();
      if (!*next) break;
      frames.push_back(std::move(**next));
    }
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].kind, FrameKind::kEvaluate);
  EXPECT_EQ(frames[0].request_id, 42u);
  EXPECT_EQ(frames[0].payload, "payload");
  EXPECT_EQ(frames[1].kind, FrameKind::kResult);
  EXPECT_EQ(frames[1].request_id, 7u);
  EXPECT_EQ(decoder.buffered(), 0u);
}

absl::Status FirstError(const std::string& bytes, size_t max_payload = kDefaultMaxPayload) {
  FrameDecoder decoder(max_payload);
  decoder.Append(bytes.data(), bytes.size());
  while (true) {
    auto next = decoder.Next();
    if (!next.ok()) return next.status();
    if (!*next) return absl::OkStatus();
  }
}

TEST(RunnerProtocol, GarbageIsRefused) {
  EXPECT_FALSE(FirstError(std::string(64, '\xab')).ok()) << "bytes without the magic number";
}

TEST(RunnerProtocol, UnknownKindIsRefused) {
  std::string frame = EncodeFrame(FrameKind::kResult, 1, "");
  frame[4] = 99;
  EXPECT_NE(FirstError(frame).message().find("unknown kind"), std::string::npos);
}

TEST(RunnerProtocol, NonzeroReservedBitsAreRefused) {
  std::string frame = EncodeFrame(FrameKind::kResult, 1, "");
  frame[6] = 1;
  EXPECT_FALSE(FirstError(frame).ok());
}

TEST(RunnerProtocol, OversizedFrameIsRefusedFromItsHeaderAlone) {
  // Only the header is there: the bound is enforced before any payload is buffered.
  const std::string frame = EncodeFrame(FrameKind::kResult, 1, std::string(2048, 'x')).substr(0, kHeaderSize);
  EXPECT_NE(FirstError(frame, 1024).message().find("exceeds the bound"), std::string::npos);
}

TEST(RunnerProtocol, RequestIdMustFitTheKind) {
  EXPECT_FALSE(FirstError(EncodeFrame(FrameKind::kHello, 5, "")).ok()) << "handshake frames carry id 0";
  EXPECT_FALSE(FirstError(EncodeFrame(FrameKind::kEvaluate, 0, "")).ok()) << "calls carry a nonzero id";
}

TEST(RunnerProtocol, DecoderStaysFailedAfterAnError) {
  FrameDecoder decoder;
  const std::string garbage(kHeaderSize, '\0');
  decoder.Append(garbage.data(), garbage.size());
  EXPECT_FALSE(decoder.Next().ok());
  const std::string good = EncodeFrame(FrameKind::kReady, 0, "");
  decoder.Append(good.data(), good.size());
  EXPECT_FALSE(decoder.Next().ok()) << "a peer that sent garbage is not trusted again";
}

TEST(RunnerProtocol, FieldsRoundTripAndRejectTruncationAndTrailingBytes) {
  const std::string payload = EncodeFields({"a", "", std::string(300, 'b')});
  auto fields = DecodeFields(payload, 3);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ((*fields)[0], "a");
  EXPECT_EQ((*fields)[1], "");
  EXPECT_EQ((*fields)[2].size(), 300u);
  EXPECT_FALSE(DecodeFields(payload.substr(0, payload.size() - 1), 3).ok()) << "truncated";
  EXPECT_FALSE(DecodeFields(payload + "x", 3).ok()) << "trailing bytes";
  EXPECT_FALSE(DecodeFields(payload, 4).ok()) << "missing field";
}

TEST(RunnerProtocol, StatusFieldIsExactlyFourBytes) {
  EXPECT_EQ(DecodeStatus(EncodeStatus(5)), 5u);
  EXPECT_FALSE(DecodeStatus("abc"));
}

}  // namespace
}  // namespace cdsd::runner
