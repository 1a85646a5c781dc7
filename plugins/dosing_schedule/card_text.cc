#include "card_text.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "course_record.h"
#include "dosing_words.h"

namespace cds::dosing {
namespace {

using cds::v1::DosingScheduleDecision;
using cds::v1::ScheduledSession;

bool IsIv(const DosingScheduleDecision& d) {
  return d.product() == cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE;
}

const ScheduledSession* NextSession(const DosingScheduleDecision& d) {
  for (const ScheduledSession& s : d.sessions()) {
    if (!s.given()) return &s;
  }
  return nullptr;
}

int PlannedCount(const DosingScheduleDecision& d) {
  int count = 0;
  for (const ScheduledSession& s : d.sessions()) count += s.given() ? 0 : 1;
  return count;
}

// "56 mg (2 devices)", "40 mg over 40 min", or "dose not proposed", appended to `out`.
void AppendDose(const DosingScheduleDecision& d, const ScheduledSession& s, std::string& out) {
  if (s.dose_mg() <= 0) {
    out += "dose not proposed";
    return;
  }
  out += Mg(s.dose_mg());
  if (IsIv(d)) {
    out += " over ";
    out += std::to_string(s.infusion_minutes());
    out += " min";
  } else if (s.device_count() > 0) {
    out += " (";
    out += std::to_string(s.device_count());
    out += s.device_count() == 1 ? " device)" : " devices)";
  }
}

const char* ResponseWords(cds::v1::ResponseStatus status) {
  switch (status) {
    case cds::v1::RESPONSE_STATUS_REMISSION: return "MADRS remission";
    case cds::v1::RESPONSE_STATUS_RESPONSE: return "MADRS response";
    case cds::v1::RESPONSE_STATUS_NO_RESPONSE: return "no MADRS response";
    default: return "";
  }
}

std::string Summary(const DosingScheduleDecision& d, const std::vector<Attention>& attention) {
  std::string prefix = CourseWords(d.product(), d.indication());
  if (d.has_progress() && d.progress().week() > 0) {
    prefix += " week " + std::to_string(d.progress().week());
  }
  std::string body;
  const ScheduledSession* next = NextSession(d);
  if (!attention.empty()) {
    body = attention.front().summary;
    if (attention.size() > 1) body += " (+" + std::to_string(attention.size() - 1) + " more)";
  } else if (next != nullptr) {
    const int planned = PlannedCount(d);
    body = "next " + next->date() + ", ";
    AppendDose(d, *next, body);
    body += "; " + std::to_string(planned) +
            (IsIv(d) ? (planned == 1 ? " infusion" : " infusions")
                     : (planned == 1 ? " session" : " sessions")) +
            " planned to " + d.sessions(d.sessions_size() - 1).date();
  } else {
    body = "no further sessions in the plan";
  }
  std::string summary = prefix + ": " + body;
  if (d.has_progress()) {
    const std::string response = ResponseWords(d.progress().response());
    if (!response.empty() && summary.size() + response.size() + 2 <= kMaxSummaryLength) {
      summary += "; " + response;
    }
  }
  if (summary.size() > kMaxSummaryLength)
    summary = summary.substr(0, kMaxSummaryLength - 3) + "...";
  return summary;
}

void AppendCourseHeader(const DosingPolicy& policy, const DosingScheduleDecision& d,
                        sdk::Date evaluation_date, std::string& out) {
  out += "**" + CourseWords(d.product(), d.indication()) + "**";
  if (d.product() == cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY) {
    out += ", label edition **" + policy.label_edition.id + "**: " + policy.label_edition.title;
  } else if (IsIv(d)) {
    out += " (off-label), " + sdk::FormatNumber(d.dose_mg_per_kg()) + " mg/kg";
    if (d.has_weight_kg()) out += " of " + sdk::FormatNumber(d.weight_kg()) + " kg";
    out += " over " + std::to_string(policy.settings.iv_infusion_minutes) + " minutes";
  }
  out += ".\n\nCourse week 1 begins " + d.course_start_date() +
         " (course time counts from the sessions given); evaluation date " +
         sdk::FormatDate(evaluation_date);
  if (const std::optional<sdk::Date> start = sdk::ParseDate(d.course_start_date())) {
    const int week = CourseWeek(*start, evaluation_date);
    if (week > 0) out += " (course week " + std::to_string(week) + ")";
  }
  out += ".\n";
}

void AppendAttention(const std::vector<Attention>& attention, std::string& out) {
  if (attention.empty()) return;
  out += "\n**Needs attention**\n";
  for (const Attention& a : attention) out += "- " + a.detail + "\n";
}

void AppendCalendar(const DosingScheduleDecision& d, std::string& out) {
  if (d.sessions().empty()) {
    out += "\nNo sessions are given or planned.\n";
    return;
  }
  const bool iv = IsIv(d);
  out += iv ? "\n| # | Date | Week | Phase | Dose | Note |\n|---:|---|---:|---|---|---|\n"
            : "\n| # | Date | Week | Phase | Dose | Allowed | Note "
              "|\n|---:|---|---:|---|---|---|---|\n";
  const google::protobuf::RepeatedField<double>* previous_allowed = nullptr;
  std::string allowed_text;
  for (const ScheduledSession& s : d.sessions()) {
    out += "| ";
    out += std::to_string(s.number());
    out += " | ";
    if (const std::optional<sdk::Date> date = sdk::ParseDate(s.date())) {
      out += WeekdayWords(*date);
      out += ' ';
    }
    out += s.date();
    out += " | ";
    out += std::to_string(s.week());
    out += " | ";
    out += PhaseWords(s.phase());
    out += " | ";
    if (s.given()) {
      if (s.dose_mg() > 0) {
        out += Mg(s.dose_mg());
        out += " given";
      } else {
        out += "given, dose not recorded";
      }
    } else if (s.dose_mg() > 0) {
      out += "**";
      AppendDose(d, s, out);
      out += "**";
    } else {
      out += "not proposed";
    }
    if (!iv) {
      out += " | ";
      // Consecutive sessions mostly allow the same doses: reuse the text.
      if (!s.given()) {
        if (previous_allowed == nullptr ||
            !std::equal(s.allowed_doses_mg().begin(), s.allowed_doses_mg().end(),
                        previous_allowed->begin(), previous_allowed->end())) {
          allowed_text = DoseChoices(s.allowed_doses_mg());
          previous_allowed = &s.allowed_doses_mg();
        }
        out += allowed_text;
      }
    }
    out += " | ";
    out += s.note();
    out += " |\n";
  }
  if (!iv && !d.dose_withheld()) {
    out +=
        "\nThe plan keeps the last dose; any change within the allowed doses is the prescriber's "
        "choice, and cdsd never proposes an escalation.\n";
  }
}

void AppendProgress(const DosingScheduleDecision& d, std::string& out) {
  if (!d.has_progress()) return;
  const cds::v1::CourseProgress& p = d.progress();
  out += "\n**Progress**\n- " + std::to_string(p.sessions_given()) + " sessions given";
  if (p.sessions_given() > 0 && p.last_dose_mg() > 0) out += ", last dose " + Mg(p.last_dose_mg());
  out += "; phase: " + std::string(PhaseWords(p.phase())) + ".\n";
  if (p.next_dose_options_mg_size() > 0) {
    out += "- Next dose may be " + DoseChoices(p.next_dose_options_mg()) + ".\n";
  }
  out += "- MADRS: ";
  if (p.has_baseline_madrs())
    out += "baseline " + sdk::FormatNumber(p.baseline_madrs());
  else
    out += "no baseline";
  out += ", ";
  if (p.has_current_madrs())
    out += "current " + sdk::FormatNumber(p.current_madrs());
  else
    out += "no score since the course start";
  if (p.has_madrs_reduction_percent()) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, " (change %+.1f %%)", -p.madrs_reduction_percent());
    out += buffer;
  }
  const std::string response = ResponseWords(p.response());
  out += response.empty() ? ": response not judged.\n" : ": " + response + ".\n";
  if (p.has_current_phq9()) {
    out += "- PHQ-9: " + sdk::FormatNumber(p.current_phq9()) + " (" + p.phq9_band() + ").\n";
  }
}

void AppendEverySession(const DosingPolicy& policy, const DosingScheduleDecision& d,
                        std::string& out) {
  const cds::v1::MonitoringPlan& m = d.monitoring();
  const DosingKnowledge& k = policy.knowledge;
  out += "\n**Every session**\n";
  for (const std::string& text : m.pre_session_instructions()) out += "- " + text + ".\n";
  if (d.product() == cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY) {
    out += "- One " + sdk::FormatNumber(k.device_mg) + " mg device at a time, " +
           std::to_string(k.minutes_between_devices) + " minutes apart.\n";
  }
  if (IsIv(d)) {
    out += "- Vital signs (blood pressure, heart rate, SpO2) before the infusion, every " +
           std::to_string(policy.settings.iv_vitals_interval_minutes) + " minutes during the " +
           std::to_string(policy.settings.iv_infusion_minutes) +
           "-minute infusion, at its end and after it until minute " +
           std::to_string(m.minimum_observation_minutes()) + " (minutes from the start).\n";
  } else {
    out += "- Blood pressure";
    for (int i = 0; i < m.blood_pressure_minutes_size(); ++i) {
      const int minute = m.blood_pressure_minutes(i);
      out += i == 0 ? " " : " and ";
      out += minute == 0 ? "before the dose" : "at about " + std::to_string(minute) + " minutes";
    }
    out += ", then as clinically warranted.\n";
  }
  if (m.pulse_oximetry()) out += "- Pulse oximetry while under observation.\n";
  out += "- Observe for at least " + std::to_string(m.minimum_observation_minutes()) +
         " minutes and until each holds:";
  for (int i = 0; i < m.discharge_conditions_size(); ++i) {
    out += (i == 0 ? " " : "; ") + m.discharge_conditions(i);
  }
  out += ".\n- " + m.driving_advice() + ".\n";
  if (IsIv(d)) out += "\n" + k.monitoring.iv_note + "\n";
  if (d.indication() == cds::v1::KETAMINE_INDICATION_MDSI &&
      d.product() == cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY) {
    for (const CitedText& note : k.mdsi_notes) out += "\n" + note.text;
    out += "\n";
  }
}

}  // namespace

void WriteCardText(const DosingPolicy& policy, sdk::Date evaluation_date,
                   const std::vector<Attention>& attention, cds::v1::Card& card) {
  const DosingScheduleDecision& d = card.dosing_schedule();
  card.set_summary(Summary(d, attention));
  card.set_indicator(attention.empty() ? cds::v1::INDICATOR_INFO : cds::v1::INDICATOR_WARNING);

  std::string detail;
  detail.reserve(8192);
  AppendCourseHeader(policy, d, evaluation_date, detail);
  AppendAttention(attention, detail);
  AppendCalendar(d, detail);
  AppendProgress(d, detail);
  if (d.has_monitoring()) AppendEverySession(policy, d, detail);
  card.set_detail(std::move(detail));
}

}  // namespace cds::dosing
