// Text that crosses the ABI boundary from a plugin (error messages) is untrusted bytes: before it
// goes into a protobuf string field (which must be valid UTF-8, or the whole response cannot be
// serialized) or a log line, it is made valid UTF-8 and cut at a character boundary.
#ifndef CDSD_HOST_PLUGIN_UTF8_TEXT_H_
#define CDSD_HOST_PLUGIN_UTF8_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cdsd {

// `bytes` with every invalid UTF-8 sequence (bad lead byte, truncated or overlong sequence,
// surrogate, > U+10FFFF) replaced by U+FFFD, cut to at most `max_bytes` bytes at a character
// boundary; a cut text ends with "..." (within `max_bytes`).
std::string ValidUtf8(std::string_view bytes, size_t max_bytes);

// Characters (code points) in valid UTF-8 text.
size_t Utf8Length(std::string_view text);

// Valid UTF-8 `text` cut to fewer than `limit` characters, ending with "..." when cut.
std::string ShortenUtf8(std::string_view text, size_t limit);

}  // namespace cdsd

#endif  // CDSD_HOST_PLUGIN_UTF8_TEXT_H_
