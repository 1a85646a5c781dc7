#include "dosing_schedule_service.h"

#include <cds/sdk/basis.h>
#include <cds/sdk/plugin.h>

#include <string_view>

#include "card_text.h"
#include "course_record.h"
#include "dosing_knowledge.h"
#include "dosing_settings.h"

namespace cds::dosing {
namespace {

constexpr std::string_view kOrderSelect = "order-select";
constexpr std::string_view kOrderSign = "order-sign";
constexpr std::string_view kTreatmentReview = "treatment-review";

using cds::sdk::AddInputRequirement;

}  // namespace

cds::plugin::v1::PluginInfo DosingScheduleService::Info() {
  cds::plugin::v1::PluginInfo info;
  info.set_id(kServiceId);
  info.set_name("Ketamine and esketamine dosing schedule");
  info.set_version(kPluginVersion);
  info.set_vendor("cdsd");
  info.set_title(
      "Dated session calendar, doses and monitoring for a ketamine or esketamine course");
  info.set_description(
      "Esketamine nasal spray for TRD (induction and maintenance, counted from the sessions given) and MDSI, and IV "
      "racemic ketamine at a weight-based dose: each session's date, phase, dose and devices, "
      "the monitoring plan, and for a course in progress the next dose and the MADRS response.");
  info.add_hooks(std::string(kOrderSelect));
  info.add_hooks(std::string(kOrderSign));
  info.add_hooks(std::string(kTreatmentReview));
  info.set_knowledge_version(ParseDosingKnowledge(EmbeddedDosingKnowledge()).version);
  info.set_settings_schema(DosingSettingsSchema().ToJsonSchema());
  AddInputRequirement(info, "patient.treatment_course",
                      "The ordered or running course: product, indication, start date, sessions "
                      "given with dose and tolerability",
                      true);
  AddInputRequirement(info, "patient.birth_date",
                      "Age at the course start (the EU-type label starts at 28 mg at 65 and over)",
                      true);
  AddInputRequirement(info, "patient.observations[http://loinc.org|29463-7]",
                      "Body weight for IV ketamine (also patient.weight; LOINC 3141-9, 8350-1, "
                      "8351-9 accepted)",
                      false);
  AddInputRequirement(
      info, "patient.observations[https://cdsd.dev/fhir/CodeSystem/observation|madrs-total]",
      "MADRS totals before and after the course start, for response and remission", false);
  AddInputRequirement(info, "patient.observations[http://loinc.org|44261-6]",
                      "PHQ-9 totals, for the severity band", false);
  AddInputRequirement(info, "patient.child_pugh_class",
                      "Child-Pugh class, needed when liver disease is coded in patient.conditions",
                      false);
  AddInputRequirement(info, "patient.conditions",
                      "Diagnoses (with retrieval.conditions), to tell whether liver disease makes "
                      "the Child-Pugh class needed",
                      false);
  AddInputRequirement(info, "draft_orders",
                      "The ketamine or esketamine order being drafted (RxNorm 6130 or 2107304): "
                      "its dose is checked against the plan, its frequency sets maintenance",
                      false);
  return info;
}

DosingScheduleService::DosingScheduleService(const nlohmann::json& settings)
    : policy_(MakeDosingPolicy(ParseDosingSettings(settings),
                               ParseDosingKnowledge(EmbeddedDosingKnowledge()))) {}

void DosingScheduleService::Evaluate(const cds::plugin::v1::EvaluateInput& input,
                                     cds::plugin::v1::EvaluateOutput& output) const {
  const std::string_view hook = input.hook();
  if (hook != kOrderSelect && hook != kOrderSign && hook != kTreatmentReview) {
    throw sdk::Unsupported(
        "ketamine-dosing-schedule answers order-select, order-sign and "
        "treatment-review only");
  }
  const std::optional<sdk::Date> today = sdk::EvaluationDate(input);
  if (!today) throw sdk::InvalidRequest("evaluation_date is missing or not a YYYY-MM-DD date");

  // Without a treatment course the hook is not about a ketamine or esketamine order: no card,
  // as CDS Hooks services do for orders they do not cover (the eligibility service does the same).
  if (!input.patient().has_treatment_course()) return;
  const CourseRecord course = ReadCourseRecord(input.patient(), *today);
  cds::v1::Card& card = *output.add_cards();
  const std::vector<Attention> attention =
      AssessCourse(policy_, input, course, *today, hook == kTreatmentReview, card);
  WriteCardText(policy_, *today, attention, card);
}

}  // namespace cds::dosing
