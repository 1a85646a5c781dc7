// The markdown rules of markdown_rules.h, by scanning the text: the checker needs to know only
// whether a tag or an unsafe destination is there, not to render it.
#include "markdown_rules.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

#include "url_rules.h"

namespace cds_plugin_check {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// The tag starting at `at` (just after '<'), up to its '>' or the end of the line.
std::string_view TagAt(std::string_view text, size_t at) {
  const size_t end = text.find_first_of(">\n", at);
  return text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

// Tags, and autolinks "<scheme:...>", which are links rather than HTML: their URL must be safe.
void CheckTagsAndAutolinks(std::string_view markdown, CardFindings& findings) {
  static const std::regex kHandler(R"(\son[a-z]+\s*=)");
  static const std::regex kAutolink(R"([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)");
  for (size_t at = markdown.find('<'); at != std::string_view::npos; at = markdown.find('<', at + 1)) {
    if (at + 1 >= markdown.size()) break;
    const unsigned char next = static_cast<unsigned char>(markdown[at + 1]);
    if (!std::isalpha(next) && next != '/' && next != '!' && next != '?') continue;
    const std::string_view raw = TagAt(markdown, at + 1);
    const size_t close = at + 1 + raw.size();
    if (close < markdown.size() && markdown[close] == '>' &&
        std::regex_match(raw.begin(), raw.end(), kAutolink)) {
      CheckUrl(raw, "detail autolink \"" + std::string(raw.substr(0, 40)) + "\"",
               UrlPolicy::kHttpsOrLocalHttp, findings);
      continue;
    }
    const std::string tag = Lower(raw);
    const std::string shown = "<" + tag.substr(0, 30) + (tag.size() > 30 ? "..." : "");
    if (tag.rfind("script", 0) == 0) {
      findings.Fail("detail contains a <script> tag");
    } else if (tag.rfind("iframe", 0) == 0) {
      findings.Fail("detail contains an <iframe> tag");
    } else if (std::regex_search(tag, kHandler)) {
      findings.Fail("detail contains an HTML event handler: " + shown);
    } else {
      findings.Fail("detail contains raw HTML: " + shown);
    }
  }
}

// Inline links "[text](destination ...)" and images "![alt](destination)".
void CheckInlineLinks(std::string_view markdown, CardFindings& findings) {
  for (size_t at = markdown.find("]("); at != std::string_view::npos;
       at = markdown.find("](", at + 2)) {
    size_t start = at + 2;
    while (start < markdown.size() && (markdown[start] == ' ' || markdown[start] == '\t')) ++start;
    std::string_view destination;
    if (start < markdown.size() && markdown[start] == '<') {
      const size_t end = markdown.find('>', start + 1);
      destination = markdown.substr(start + 1, end == std::string_view::npos ? end : end - start - 1);
    } else {
      // CommonMark lets a destination hold balanced parentheses, as in "javascript:f()".
      size_t end = start;
      int depth = 0;
      for (; end < markdown.size(); ++end) {
        const char c = markdown[end];
        if (c == ' ' || c == '\t' || c == '\n') break;
        if (c == '(') ++depth;
        if (c == ')' && depth-- == 0) break;
      }
      destination = markdown.substr(start, end - start);
    }
    CheckUrl(destination, "detail link \"" + std::string(destination.substr(0, 40)) + "\"",
             UrlPolicy::kHttpsOrLocalHttp, findings);
  }
}

// Reference definitions: "[label]: destination" at the start of a line.
void CheckReferenceLinks(std::string_view markdown, CardFindings& findings) {
  static const std::regex kDefinition(R"((^|\n) {0,3}\[[^\]\n]+\]:[ \t]*<?([^ \t\n>]*))");
  const std::string text(markdown);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kDefinition);
       it != std::sregex_iterator(); ++it) {
    const std::string destination = (*it)[2].str();
    CheckUrl(destination, "detail link \"" + destination.substr(0, 40) + "\"",
             UrlPolicy::kHttpsOrLocalHttp, findings);
  }
}

}  // namespace

void CheckMarkdown(std::string_view markdown, CardFindings& findings) {
  CheckTagsAndAutolinks(markdown, findings);
  CheckInlineLinks(markdown, findings);
  CheckReferenceLinks(markdown, findings);
}

}  // namespace cds_plugin_check
