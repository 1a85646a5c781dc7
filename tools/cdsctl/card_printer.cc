#include "card_printer.h"

#include <google/protobuf/util/time_util.h>

#include <iomanip>
#include <sstream>

namespace cdsctl {
namespace {

using google::protobuf::util::TimeUtil;

// "INDICATOR_CRITICAL" -> "CRITICAL".
std::string Short(const std::string& name, const char* prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(std::string(prefix).size()) : name;
}

std::string Number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

void PrintEligibility(std::ostream& out, const cds::v1::EligibilityDecision& d) {
  out << "  Decision: " << Short(cds::v1::EligibilityStatus_Name(d.status()), "ELIGIBILITY_STATUS_")
      << "  (" << Short(cds::v1::KetamineProduct_Name(d.product()), "KETAMINE_PRODUCT_") << ", "
      << Short(cds::v1::KetamineIndication_Name(d.indication()), "KETAMINE_INDICATION_")
      << ", label edition " << d.label_edition() << ")\n";
  if (d.contraindication_ids_size()) {
    out << "  Contraindications:";
    for (const auto& id : d.contraindication_ids()) out << " " << id;
    out << "\n";
  }
  if (d.review_criterion_ids_size()) {
    out << "  Needs review:";
    for (const auto& id : d.review_criterion_ids()) out << " " << id;
    out << "\n";
  }
}

void PrintDosing(std::ostream& out, const cds::v1::DosingScheduleDecision& d) {
  out << "  Schedule: " << Short(cds::v1::KetamineProduct_Name(d.product()), "KETAMINE_PRODUCT_") << ", "
      << Short(cds::v1::KetamineIndication_Name(d.indication()), "KETAMINE_INDICATION_")
      << ", label edition " << d.label_edition() << (d.dose_withheld() ? "  -- NO DOSE: see missing inputs" : "")
      << "\n";
  if (d.has_progress()) {
    const auto& p = d.progress();
    out << "  Progress: " << Short(cds::v1::DosingPhase_Name(p.phase()), "DOSING_PHASE_") << ", week "
        << p.week() << ", " << p.sessions_given() << " sessions given, last dose " << Number(p.last_dose_mg())
        << " mg; response " << Short(cds::v1::ResponseStatus_Name(p.response()), "RESPONSE_STATUS_");
    if (p.has_madrs_reduction_percent()) out << " (MADRS -" << Number(p.madrs_reduction_percent()) << " %)";
    if (!p.phq9_band().empty()) out << ", PHQ-9 " << p.phq9_band();
    if (p.next_dose_options_mg_size()) {
      out << "; next dose options:";
      for (double mg : p.next_dose_options_mg()) out << " " << Number(mg) << " mg";
    }
    out << "\n";
  }
  if (d.sessions_size()) {
    out << "  Calendar:\n    " << std::left << std::setw(4) << "#" << std::setw(12) << "date" << std::setw(6)
        << "week" << std::setw(15) << "phase" << std::setw(10) << "dose" << std::setw(9) << "devices"
        << "allowed / note\n";
    for (const auto& s : d.sessions()) {
      std::string allowed;
      for (double mg : s.allowed_doses_mg()) allowed += (allowed.empty() ? "" : "/") + Number(mg);
      std::string dose = s.dose_mg() > 0 ? Number(s.dose_mg()) + " mg" : "-";
      std::string devices = s.device_count() > 0 ? std::to_string(s.device_count())
                          : s.infusion_minutes() > 0 ? std::to_string(s.infusion_minutes()) + " min"
                                                     : "-";
      out << "    " << std::setw(4) << s.number() << std::setw(12) << s.date() << std::setw(6) << s.week()
          << std::setw(15) << Short(cds::v1::DosingPhase_Name(s.phase()), "DOSING_PHASE_") << std::setw(10)
          << dose << std::setw(9) << devices << (allowed.empty() ? "" : allowed + " mg")
          << (s.given() ? " (given)" : "") << (s.note().empty() ? "" : "  " + s.note()) << "\n";
    }
  }
  if (d.has_monitoring()) {
    const auto& m = d.monitoring();
    out << "  Monitoring:\n";
    for (const auto& i : m.pre_session_instructions()) out << "    - before: " << i << "\n";
    if (m.blood_pressure_minutes_size()) {
      out << "    - blood pressure at minutes:";
      for (int t : m.blood_pressure_minutes()) out << " " << t;
      out << "\n";
    }
    if (m.pulse_oximetry()) out << "    - pulse oximetry\n";
    if (m.minimum_observation_minutes()) out << "    - observe at least " << m.minimum_observation_minutes() << " minutes\n";
    for (const auto& c : m.discharge_conditions()) out << "    - discharge when: " << c << "\n";
    if (!m.driving_advice().empty()) out << "    - driving: " << m.driving_advice() << "\n";
  }
}

void PrintTriage(std::ostream& out, const cds::v1::TriageDecision& d) {
  out << "  Triage level: " << Short(cds::v1::TriageLevel_Name(d.level()), "TRIAGE_LEVEL_") << "\n";
  for (const auto& f : d.findings()) {
    out << "    [" << Short(cds::v1::TriageLevel_Name(f.level()), "TRIAGE_LEVEL_") << "] " << f.rule_id() << ": "
        << f.description();
    if (!f.observed().empty()) out << " -- observed " << f.observed();
    if (!f.threshold().empty()) out << "; threshold " << f.threshold();
    out << "\n";
  }
  if (d.actions_size()) {
    out << "  Actions:\n";
    for (const auto& a : d.actions()) out << "    - " << a << "\n";
  }
  if (d.has_discharge()) {
    const auto& r = d.discharge();
    out << "  Discharge: " << Short(cds::v1::DischargeStatus_Name(r.status()), "DISCHARGE_STATUS_");
    if (r.has_earliest_minutes_after_dose()) out << " (earliest " << r.earliest_minutes_after_dose() << " min after dose";
    if (r.has_earliest_time()) out << ", " << TimeUtil::ToString(r.earliest_time());
    if (r.has_earliest_minutes_after_dose()) out << ")";
    out << "\n";
    for (const auto& b : r.blocking_reasons()) out << "    - not yet: " << b << "\n";
    if (!r.driving_advice().empty()) out << "    - driving: " << r.driving_advice() << "\n";
  }
}

}  // namespace

void PrintCard(std::ostream& out, const cds::v1::Card& card) {
  out << "[" << Short(cds::v1::Indicator_Name(card.indicator()), "INDICATOR_") << "] " << card.summary() << "\n";
  out << "  service " << card.service_id() << " | plugin " << card.plugin_version() << " | knowledge "
      << card.knowledge_version() << " | card " << card.uuid() << "\n";
  switch (card.decision_case()) {
    case cds::v1::Card::kEligibility: PrintEligibility(out, card.eligibility()); break;
    case cds::v1::Card::kDosingSchedule: PrintDosing(out, card.dosing_schedule()); break;
    case cds::v1::Card::kTriage: PrintTriage(out, card.triage()); break;
    case cds::v1::Card::DECISION_NOT_SET: break;
  }
  if (!card.detail().empty()) out << "\n" << Indent(card.detail(), "  ") << "\n";
  if (card.criteria_size()) {
    out << "\n  Criteria checked:\n";
    for (const auto& c : card.criteria()) {
      out << "    " << std::left << std::setw(15)
          << Short(cds::v1::CriterionOutcome_Name(c.outcome()), "CRITERION_OUTCOME_") << c.description();
      if (!c.role().empty()) out << " [" << c.role() << "]";
      out << "\n";
      if (!c.explanation().empty()) out << "    " << std::setw(15) << "" << c.explanation() << "\n";
      for (const auto& i : c.inputs()) {
        out << "    " << std::setw(15) << "" << "input: " << i.name() << " = " << i.value();
        if (!i.path().empty()) out << "  (" << i.path() << ")";
        out << "\n";
      }
      if (c.citation_ids_size()) {
        out << "    " << std::setw(15) << "" << "source:";
        for (const auto& id : c.citation_ids()) out << " " << id;
        out << "\n";
      }
    }
  }
  if (card.missing_inputs_size()) {
    out << "\n  Missing inputs:\n";
    for (const auto& m : card.missing_inputs()) {
      out << "    - " << m.name() << " (" << m.path() << "): " << m.impact() << "\n";
    }
  }
  if (card.suggestions_size()) {
    out << "\n  Suggestions:\n";
    for (const auto& s : card.suggestions()) out << "    - " << s.label() << (s.is_recommended() ? " (recommended)" : "") << "\n";
  }
  if (card.citations_size()) {
    out << "\n  Sources:\n";
    for (const auto& c : card.citations()) {
      out << "    [" << c.id() << "] " << c.title();
      if (!c.edition().empty()) out << ", " << c.edition();
      if (!c.url().empty()) out << " <" << c.url() << ">";
      out << "\n";
    }
  }
  if (!card.source().label().empty()) out << "  Card source: " << card.source().label() << "\n";
}

void PrintEvaluateResponse(std::ostream& out, const cds::v1::EvaluateResponse& response) {
  out << "Evaluation " << response.evaluation_id() << " at " << TimeUtil::ToString(response.evaluation_time())
      << " (date " << response.evaluation_date() << "): " << response.cards_size() << " card(s)\n\n";
  for (const auto& card : response.cards()) {
    PrintCard(out, card);
    out << "\n";
  }
  out << "Services:\n";
  for (const auto& r : response.service_results()) {
    out << "  " << std::left << std::setw(32) << r.service_id() << std::setw(8)
        << Short(cds::v1::ServiceStatus_Name(r.status()), "SERVICE_STATUS_") << std::right << std::setw(9)
        << std::fixed << std::setprecision(3) << TimeUtil::DurationToMicroseconds(r.elapsed()) / 1000.0 << " ms  "
        << r.card_count() << " card(s)" << (r.message().empty() ? "" : "  " + r.message()) << "\n";
    out << std::defaultfloat;
  }
}

}  // namespace cdsctl
