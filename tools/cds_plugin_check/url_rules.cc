// The URL rules of url_rules.h: an allow-list of schemes, never a block-list, so encodings such
// as "jav&#97;script:" or " javascript:" fail too.
#include "url_rules.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace cds_plugin_check {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool IsLocalhost(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

}  // namespace

void CheckUrl(std::string_view url, std::string_view where, UrlPolicy policy, CardFindings& findings) {
  const std::string at(where);
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 0x7F; })) {
    findings.Fail(at + " contains a space or a control character");
    return;
  }
  const std::string lower = Lower(url);
  std::string_view rest;
  bool https = false;
  if (lower.rfind("https://", 0) == 0) {
    https = true;
    rest = std::string_view(lower).substr(8);
  } else if (lower.rfind("http://", 0) == 0) {
    rest = std::string_view(lower).substr(7);
  } else {
    const size_t colon = lower.find(':');
    findings.Fail(at + " is not an absolute https URL" +
                  (colon == std::string::npos ? std::string(" (relative)")
                                              : " (scheme " + lower.substr(0, colon) + ":)"));
    return;
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    findings.Fail(at + " has a user name before '@', which hides the real host");
    return;
  }
  const size_t port = authority.rfind(':');
  const std::string_view host = (port == std::string_view::npos || authority.back() == ']')
                                    ? authority
                                    : authority.substr(0, port);
  if (host.empty()) {
    findings.Fail(at + " has no host");
    return;
  }
  if (https) return;
  if (policy == UrlPolicy::kHttpsOrLocalHttp && IsLocalhost(host)) {
    findings.Warn(at + " is http to localhost: it opens on the clinician's own machine");
    return;
  }
  findings.Fail(at + " is http, not https" +
                std::string(policy == UrlPolicy::kHttpsOnly ? " (a SMART link must be https)" : ""));
}

}  // namespace cds_plugin_check
