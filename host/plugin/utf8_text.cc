#include "plugin/utf8_text.h"

#include <cstdint>

namespace cdsd {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "...";

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid (RFC 3629).
size_t SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
  else if (b0 == 0xE0) { n = 3; lo = 0xA0; }
  else if (b0 >= 0xE1 && b0 <= 0xEC) n = 3;
  else if (b0 == 0xED) { n = 3; hi = 0x9F; }  // no surrogates
  else if (b0 >= 0xEE && b0 <= 0xEF) n = 3;
  else if (b0 == 0xF0) { n = 4; lo = 0x90; }
  else if (b0 >= 0xF1 && b0 <= 0xF3) n = 4;
  else if (b0 == 0xF4) { n = 4; hi = 0x8F; }  // not above U+10FFFF
  else return 0;
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string ValidUtf8(std::string_view bytes, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(bytes.size(), max_bytes));
  const size_t room = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  size_t last_fit = 0;  // out.size() at the last character boundary within `room`
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = SequenceLength(bytes, i);
    const std::string_view piece = n ? bytes.substr(i, n) : kReplacement;
    i += n ? n : 1;
    if (out.size() + piece.size() > max_bytes) {
      out.resize(last_fit);
      out += kEllipsis.substr(0, std::min(kEllipsis.size(), max_bytes));
      return out;
    }
    out += piece;
    if (out.size() <= room) last_fit = out.size();
  }
  return out;
}

size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return count;
}

std::string ShortenUtf8(std::string_view text, size_t limit) {
  if (Utf8Length(text) < limit) return std::string(text);
  const size_t keep = limit > kEllipsis.size() + 1 ? limit - kEllipsis.size() - 1 : 0;
  size_t chars = 0, cut = 0;
  for (; cut < text.size(); ++cut) {
    if ((static_cast<uint8_t>(text[cut]) & 0xC0) != 0x80) {
      if (chars == keep) break;
      ++chars;
    }
  }
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

}  // namespace cdsd
