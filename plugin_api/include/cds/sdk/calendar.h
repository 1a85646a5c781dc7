// cds/sdk/calendar.h: calendar dates as clinical rules use them: FHIR "YYYY-MM-DD" text,
// std::chrono days, and completed years of age. No protobuf here, so the host shares it too.
#ifndef CDS_SDK_CALENDAR_H_
#define CDS_SDK_CALENDAR_H_

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace cds::sdk {

using Date = std::chrono::sys_days;

// Parses a FHIR date "YYYY-MM-DD"; nullopt when malformed or not a real calendar date.
inline std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto ok = [](std::string_view s, auto& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  if (!ok(text.substr(0, 4), y) || !ok(text.substr(5, 2), m) || !ok(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return Date(ymd);
}

// Written digit by digit: cards format many dates per request and snprintf showed in profiles.
inline std::string FormatDate(Date date) {
  const std::chrono::year_month_day ymd(date);
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned day = static_cast<unsigned>(ymd.day());
  if (year < 0 || year > 9999) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%d-%02u-%02u", year, month, day);
    return buffer;
  }
  const char text[10] = {static_cast<char>('0' + year / 1000), static_cast<char>('0' + year / 100 % 10),
                         static_cast<char>('0' + year / 10 % 10), static_cast<char>('0' + year % 10),
                         '-', static_cast<char>('0' + month / 10), static_cast<char>('0' + month % 10),
                         '-', static_cast<char>('0' + day / 10), static_cast<char>('0' + day % 10)};
  return std::string(text, sizeof text);
}

// Completed years between `birth` and `on` (a birthday on 29 February is reached on 1 March in
// non-leap years).
inline int AgeInYears(Date birth, Date on) {
  std::chrono::year_month_day b(birth), o(on);
  int age = static_cast<int>(o.year()) - static_cast<int>(b.year());
  if (std::chrono::month_day(o.month(), o.day()) < std::chrono::month_day(b.month(), b.day())) {
    --age;
  }
  return age;
}

}  // namespace cds::sdk

#endif  // CDS_SDK_CALENDAR_H_
