#include "side_effect_triage.h"

#include <cds/sdk/basis.h>
#include <cds/sdk/plugin.h>

#include "session_observations.h"
#include "triage_card.h"

namespace cds::triage {
using cds::sdk::AddInputRequirement;

cds::plugin::v1::PluginInfo SideEffectTriage::Info() {
  const TriageKnowledge& knowledge = EmbeddedKnowledge();
  cds::plugin::v1::PluginInfo info;
  info.set_id(kServiceId);
  info.set_name("Ketamine side-effect triage");
  info.set_version("2.0.0");
  info.set_vendor("cdsd");
  info.set_title("Triage of side effects during and after a ketamine or esketamine session");
  info.set_description(
      "Grades what staff record during and after a session (symptoms, vital signs over time, "
      "baseline) as ROUTINE, MONITOR, URGENT or EMERGENCY, lists each finding with the rule and "
      "the value that crossed its threshold, and says whether and when the patient can be "
      "discharged. Supports, never replaces, the site's emergency protocol.");
  info.add_hooks(kSessionMonitoringHook);
  info.set_knowledge_version(knowledge.knowledge_version);
  info.set_settings_schema(TriageSettingsSchema().ToJsonSchema());
  AddInputRequirement(
      info, "patient.session_report.minutes_since_dose",
      "Minutes since the dose (for an IV infusion, since its start): expected window, "
      "persistence beyond 4 h, discharge time, recency of vital signs",
      true);
  AddInputRequirement(info, "patient.session_report.baseline",
                      "Pre-dose blood pressure, SpO2 and heart rate", true);
  AddInputRequirement(info, "patient.session_report.vitals",
                      "Post-dose vital signs with minutes_after_dose: blood pressure, SpO2, "
                      "respiratory rate, heart rate",
                      true);
  AddInputRequirement(info, "patient.session_report.symptoms",
                      "Symptoms (SNOMED CT, ICD-10-CM or https://cdsd.dev/fhir/CodeSystem/symptom) "
                      "with severity, onset and status; symptoms_retrieval RETRIEVED when staff "
                      "checked and found none",
                      true);
  AddInputRequirement(info, "patient.session_report.sedation_assessments",
                      "Sedation (MOAA/S or RASS) with time: severe sedation, respiratory risk, and "
                      "discharge (one at or after the minimum observation time)",
                      true);
  AddInputRequirement(info, "patient.session_report.dissociation_assessments",
                      "Dissociation (CADSS or clinician judgement) with time: discharge", true);
  AddInputRequirement(info, "patient.session_report.readiness_to_leave",
                      "Readiness-to-leave checks with time: discharge", true);
  AddInputRequirement(info, "patient.session_report.escalation_reviews",
                      "Clinician reviews of URGENT or EMERGENCY findings: discharge then follows "
                      "the current state",
                      false);
  AddInputRequirement(info, "patient.session_report.infusion_minutes",
                      "IV infusion length: readings during the infusion", false);
  AddInputRequirement(info, "patient.medications",
                      "CNS depressants, psychostimulants, MAOIs named on the card", false);
  AddInputRequirement(info, "patient.child_pugh_class",
                      "Child-Pugh B or C: longer minimum observation", false);
  AddInputRequirement(
      info, "patient.observations[http://loinc.org|1742-6]",
      "Liver tests when available (ALT 1742-6, AST 1920-8, ALP 6768-6, total bilirubin 1975-2)",
      false);
  AddInputRequirement(info, "patient.treatment_course.sessions",
                      "Sessions given so far, shown with course-level findings", false);
  return info;
}

SideEffectTriage::SideEffectTriage(const nlohmann::json& settings)
    : knowledge_(EmbeddedKnowledge()),
      settings_(knowledge_, settings),
      rules_(knowledge_, settings_),
      discharge_(knowledge_, settings_),
      cited_sources_(CitedSources(knowledge_)) {}

void SideEffectTriage::Evaluate(const cds::plugin::v1::EvaluateInput& input,
                                cds::plugin::v1::EvaluateOutput& output) const {
  if (input.hook() != kSessionMonitoringHook) {
    throw cds::sdk::Unsupported(
        "ketamine-side-effect-triage answers only the session-monitoring hook");
  }
  const SessionObservations session = ReadSession(input, knowledge_);
  cds::v1::Card& card = *output.add_cards();
  TriageRecord record{card, *card.mutable_triage(), {}};
  const RuleContext context{session, settings_.thresholds(), knowledge_};
  rules_.Evaluate(context, record);
  discharge_.Evaluate(DischargeContext{context, HighestLevel(record.decision), record.decision,
                                       record.evidence_minutes},
                      record);
  CompleteCard(knowledge_, cited_sources_, session, record);
}

}  // namespace cds::triage
