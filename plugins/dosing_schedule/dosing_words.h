// How the dosing cards name phases, products, indications and tolerability in plain words, so
// the criteria, the calendar and the summary line all say the same thing.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_DOSING_WORDS_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_DOSING_WORDS_H_

#include <cds/sdk/clinical.h>
#include <cds/v1/dosing_schedule.pb.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

namespace cds::dosing {

inline const char* PhaseWords(cds::v1::DosingPhase phase) {
  switch (phase) {
    case cds::v1::DOSING_PHASE_INDUCTION: return "induction";
    case cds::v1::DOSING_PHASE_OPTIMISATION: return "optimisation";
    case cds::v1::DOSING_PHASE_MAINTENANCE: return "maintenance";
    case cds::v1::DOSING_PHASE_MDSI: return "MDSI course";
    case cds::v1::DOSING_PHASE_INFUSION_COURSE: return "infusion course";
    default: return "outside the regimen";
  }
}

inline const char* TolerabilityWords(cds::v1::Tolerability tolerability) {
  switch (tolerability) {
    case cds::v1::TOLERABILITY_WELL_TOLERATED: return "well tolerated";
    case cds::v1::TOLERABILITY_TOLERATED_WITH_SIDE_EFFECTS: return "tolerated with side effects";
    case cds::v1::TOLERABILITY_NOT_TOLERATED: return "not tolerated";
    default: return "tolerability not recorded";
  }
}

// Short name of the course for summary lines, e.g. "Esketamine TRD" or "IV ketamine".
inline std::string CourseWords(cds::v1::KetamineProduct product,
                               cds::v1::KetamineIndication indication) {
  if (product == cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE) return "IV ketamine";
  if (product != cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY) return "Ketamine";
  if (indication == cds::v1::KETAMINE_INDICATION_TRD) return "Esketamine TRD";
  if (indication == cds::v1::KETAMINE_INDICATION_MDSI) return "Esketamine MDSI";
  return "Esketamine";
}

inline const char* WeekdayWords(sdk::Date date) {
  static constexpr const char* kNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return kNames[std::chrono::weekday(date).c_encoding()];
}

// A number as cards print it: whole numbers in full, others to 4 significant digits (like
// sdk::FormatNumber, whose snprintf cost shows in the per-request profile; to_chars is locale-free
// and several times faster).
inline std::string NumberText(double value) {
  char buffer[32];
  std::to_chars_result r;
  if (std::fabs(value) < 1e12 && value == std::floor(value)) {
    r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
  } else {
    r = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 4);
  }
  return std::string(buffer, r.ptr);
}

// "YYYY-MM-DD" (what sdk::FormatDate writes, without snprintf).
inline std::string DateText(sdk::Date date) {
  const std::chrono::year_month_day ymd(date);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return sdk::FormatDate(date);
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned day = static_cast<unsigned>(ymd.day());
  char text[10] = {static_cast<char>('0' + year / 1000),
                   static_cast<char>('0' + year / 100 % 10),
                   static_cast<char>('0' + year / 10 % 10),
                   static_cast<char>('0' + year % 10),
                   '-',
                   static_cast<char>('0' + month / 10),
                   static_cast<char>('0' + month % 10),
                   '-',
                   static_cast<char>('0' + day / 10),
                   static_cast<char>('0' + day % 10)};
  return std::string(text, sizeof text);
}

inline std::string Mg(double mg) {
  return NumberText(mg) + " mg";
}

// "56 or 84 mg", "28, 56 or 84 mg", "none".
template <class Doses>
std::string DoseChoices(const Doses& doses) {
  const int count = static_cast<int>(doses.size());
  if (count == 0) return "none";
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += NumberText(doses[i]);
  }
  return out + " mg";
}

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_DOSING_WORDS_H_
