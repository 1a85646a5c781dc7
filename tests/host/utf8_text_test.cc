// Plugin text made safe at the ABI boundary: valid UTF-8, cut at a character boundary.
#include "plugin/utf8_text.h"

#include <gtest/gtest.h>

namespace cdsd {
namespace {

bool IsValidUtf8(const std::string& s) { return ValidUtf8(s, s.size() + 16) == s; }

TEST(Utf8TextTest, ValidTextIsUnchanged) {
  EXPECT_EQ(ValidUtf8("plain", 100), "plain");
  EXPECT_EQ(ValidUtf8("d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x92\x8A", 100), "d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x92\x8A");
}

TEST(Utf8TextTest, InvalidBytesBecomeReplacementCharacters) {
  const std::string replaced = ValidUtf8(std::string("a\xFF" "b\xC3", 4), 100);
  EXPECT_EQ(replaced, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8("\xC0\xAF", 100), "\xEF\xBF\xBD\xEF\xBF\xBD") << "overlong encodings are invalid";
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80", 100), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") << "surrogates are invalid";
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80", 100).substr(0, 3), "\xEF\xBF\xBD") << "above U+10FFFF is invalid";
}

TEST(Utf8TextTest, CutsAtACharacterBoundaryWithinTheLimit) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += "\xC3\xA9";  // 1,200 bytes of two-byte characters
  const std::string cut = ValidUtf8(text, 1024);
  EXPECT_LE(cut.size(), 1024u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_TRUE(IsValidUtf8(cut)) << "a cut in the middle of a character would make the response unreadable";
}

TEST(Utf8TextTest, LengthCountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length("\xC3\xA9t\xC3\xA9"), 3u);
}

TEST(Utf8TextTest, ShortenKeepsFewerThanTheLimitInCharacters) {
  std::string summary;
  for (int i = 0; i < 200; ++i) summary += "\xC3\xA9";
  const std::string shortened = ShortenUtf8(summary, 140);
  EXPECT_LT(Utf8Length(shortened), 140u);
  EXPECT_TRUE(IsValidUtf8(shortened));
  std::string hundred_chars;
  for (int i = 0; i < 100; ++i) hundred_chars += "\xC3\xA9";  // 200 bytes but 100 characters
  EXPECT_EQ(ShortenUtf8(hundred_chars, 140), hundred_chars) << "140 is a limit in characters, not bytes";
}

}  // namespace
}  // namespace cdsd
