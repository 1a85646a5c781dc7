// Strict base64url (RFC 4648 section 5) decoding for JWT segments and JWK members. Padding and
// characters outside the URL-safe alphabet are refused, so one token has one encoding.
#ifndef CDSD_HOST_AUTH_BASE64URL_H_
#define CDSD_HOST_AUTH_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace cdsd {

std::optional<std::string> DecodeBase64Url(std::string_view text);
std::string EncodeBase64Url(std::string_view bytes);

}  // namespace cdsd

#endif  // CDSD_HOST_AUTH_BASE64URL_H_
