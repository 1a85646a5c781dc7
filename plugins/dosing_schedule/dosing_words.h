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

#include "session_calendar.h"

namespace cds::dosing {

inline const char* PhaseWords(cds::v1::DosingPhase phase) {
  switch (phase) {
    case cds::v1::DOSING_PHASE_INDUCTION: return "induction";
    // Weeks 5-8 are maintenance in the label; the wire value stays for older cards.
    case cds::v1::DOSING_PHASE_OPTIMISATION: return "maintenance";
    case cds::v1::DOSING_PHASE_MAINTENANCE: return "maintenance";
    case cds::v1::DOSING_PHASE_MDSI: return "MDSI course";
    case cds::v1::DOSING_PHASE_INFUSION_COURSE: return "infusion course";
    default: return "outside the regimen";
  }
}

// "twice a week", "weekly", "every 2 weeks".
inline std::string FrequencyWords(const Stage& stage) {
  if (stage.SlotBased()) {
    return stage.slot_days.size() == 2 ? "twice a week"
                                       : std::to_string(stage.slot_days.size()) + " times a week";
  }
  if (stage.interval_days == 7) return "weekly";
  if (stage.interval_days % 7 == 0) return "every " + std::to_string(stage.interval_days / 7) + " weeks";
  return "every " + std::to_string(stage.interval_days) + " days";
}

// "induction (weeks 1-4, twice a week)", "maintenance from week 9 (every 2 weeks)".
inline std::string StageWords(const Stage& stage) {
  std::string out = PhaseWords(stage.phase);
  out += " (";
  if (stage.sessions) {
    const int last = stage.first_week + (*stage.sessions - 1) / stage.SessionsPerWeek();
    out += "weeks " + std::to_string(stage.first_week) + "-" + std::to_string(last);
  } else {
    out += "from week " + std::to_string(stage.first_week);
  }
  return out + ", " + FrequencyWords(stage) + ")";
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


inline std::string Mg(double mg) {
  return sdk::FormatNumber(mg) + " mg";
}

// "56 or 84 mg", "28, 56 or 84 mg", "none".
template <class Doses>
std::string DoseChoices(const Doses& doses) {
  const int count = static_cast<int>(doses.size());
  if (count == 0) return "none";
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += sdk::FormatNumber(doses[i]);
  }
  return out + " mg";
}

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_DOSING_WORDS_H_
