// Fuzzes the runner protocol's frame decoder, which reads bytes from a process running untrusted
// plugin code: any byte stream, split anywhere, must give frames or a sticky error, never a
// crash, an overread or a buffer beyond the bound. Each frame's payload also goes through the
// field decoder the host uses for handshake and result frames.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plugin/runner_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks where the stream is split, so partial headers and payloads are tried.
  const size_t split = data[0] % (size);
  const uint8_t* stream = data + 1;
  const size_t length = size - 1;
  cdsd::runner::FrameDecoder decoder(4096);
  const size_t first = split < length ? split : length;
  for (const auto& [begin, count] : {std::pair<size_t, size_t>{0, first}, {first, length - first}}) {
    decoder.Append(stream + begin, count);
    while (true) {
      auto next = decoder.Next();
      if (!next.ok() || !*next) break;
      const cdsd::runner::Frame& frame = **next;
      if (frame.payload.size() > 4096) __builtin_trap();  // the bound must hold
      for (size_t fields = 0; fields <= 3; ++fields) (void)cdsd::runner::DecodeFields(frame.payload, fields);
      (void)cdsd::runner::DecodeStatus(frame.payload);
    }
  }
  return 0;
}
