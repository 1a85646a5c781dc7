// The clinical knowledge of the dosing-schedule plugin, read once from the versioned JSON file
// embedded in the library (knowledge/dosing_schedule_knowledge.json): regimens, labelled doses,
// code lists, the monitoring plan, the criteria a card reports and the sources they cite.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_DOSING_KNOWLEDGE_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_DOSING_KNOWLEDGE_H_

#include <cds/v1/card.pb.h>
#include <cds/v1/dosing_schedule.pb.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cds::dosing {

// Sources a rule cites, as indexes into DosingKnowledge::citations (resolved, and checked to
// exist, when the file is read).
using CitationIds = std::vector<int>;

// One phase of a regimen, in 1-based course weeks.
struct PhaseRule {
  cds::v1::DosingPhase phase = cds::v1::DOSING_PHASE_UNSPECIFIED;
  int first_week = 1;
  // Last week of the phase; nullopt for an open-ended phase (TRD maintenance).
  std::optional<int> last_week;
  // Sessions in each week; nullopt when a setting decides (IV).
  std::optional<int> sessions_per_week;
  CitationIds citation_ids;
};

// The esketamine doses one label allows a patient group.
struct DoseRule {
  double first_dose_mg = 0;
  std::vector<double> doses_mg;  // ascending
  // Largest increase from one session to the next; 0 when the label sets none.
  double max_increase_mg = 0;
  CitationIds citation_ids;
};

struct LabelEdition {
  std::string id;
  std::string title;
  // True when the edition starts patients aged 65 and over on the geriatric dose rule.
  bool geriatric_start_dose = false;
  // True when the edition gives MDSI dosing for adults under 65 only (EU-type label).
  bool mdsi_under_65_only = false;
  // True when the edition keeps the end-of-induction dose in maintenance (EU-type label).
  bool end_of_induction_dose_into_maintenance = false;
  CitationIds citation_ids;
};

struct ScoreCode {
  std::string system;
  std::string code;
  double valid_min = 0;
  double valid_max = 0;
};

struct Phq9Band {
  double min = 0;
  double max = 0;
  std::string name;
};

struct CitedText {
  std::string text;
  CitationIds citation_ids;
};

struct PreSessionInstruction {
  std::string text;
  bool esketamine = false;
  bool iv_ketamine = false;
  CitationIds citation_ids;
};

struct MonitoringKnowledge {
  std::vector<PreSessionInstruction> pre_session;
  std::vector<int> blood_pressure_minutes;
  CitationIds blood_pressure_citation_ids;
  bool pulse_oximetry = false;
  CitationIds pulse_oximetry_citation_ids;
  int minimum_observation_minutes = 0;
  std::vector<std::string> discharge_conditions;
  CitationIds observation_citation_ids;
  std::string driving_advice;
  CitationIds driving_citation_ids;
  std::string child_pugh_b_condition;
  std::string iv_note;
};

// A criterion as the knowledge file words it; `description` may hold {placeholders} that the
// service fills from its settings once, at construction.
struct CriterionText {
  std::string id;
  std::string description;
  std::string role;
  CitationIds citation_ids;
};

struct DosingKnowledge {
  std::string version;
  std::string review_date;
  std::vector<cds::v1::Citation> citations;
  cds::v1::Source esketamine_source;
  cds::v1::Source iv_source;
  std::vector<LabelEdition> label_editions;

  double device_mg = 0;
  int minutes_between_devices = 0;
  CitationIds device_citation_ids;
  std::vector<PhaseRule> trd_phases;
  DoseRule trd_adult_dose;
  DoseRule trd_geriatric_dose;
  int geriatric_min_age_years = 0;
  int end_of_induction_week = 0;
  PhaseRule mdsi_phase;
  DoseRule mdsi_dose;
  std::vector<CitedText> mdsi_notes;
  // Age from which the editions with mdsi_under_65_only give no MDSI dose.
  int mdsi_min_age_excluded_years = 0;
  CitationIds mdsi_age_citation_ids;
  CitationIds maintenance_citation_ids;
  std::vector<CitedText> eu_maintenance_notes;

  // Missed sessions: in the first `missed_early_weeks` weeks the current schedule continues.
  int missed_early_weeks = 0;
  CitationIds missed_early_citation_ids;
  CitationIds missed_later_citation_ids;

  CitationIds hepatic_citation_ids;
  CitationIds eu_84mg_caution_citation_ids;
  // Conditions that make the Child-Pugh class a needed input.
  std::vector<std::string> liver_disease_icd10cm;
  std::vector<std::string> liver_disease_snomed;

  PhaseRule iv_phase;
  CitationIds iv_beyond_course_citation_ids;
  CitationIds iv_review_citation_ids;
  CitationIds iv_monitoring_citation_ids;
  std::vector<std::string> iv_discharge_conditions;
  double plausible_weight_min_kg = 0;
  double plausible_weight_max_kg = 0;

  std::string body_weight_system;
  std::vector<std::string> body_weight_codes;
  // UCUM unit -> kilograms per unit.
  std::vector<std::pair<std::string, double>> kg_per_weight_unit;
  // RxNorm codes by which a draft order names each product.
  std::string order_medication_system;
  std::vector<std::string> esketamine_order_codes;
  std::vector<std::string> ketamine_order_codes;
  ScoreCode madrs_total;
  ScoreCode phq9_total;
  std::vector<Phq9Band> phq9_bands;

  MonitoringKnowledge monitoring;
  std::vector<CriterionText> criteria;

  const LabelEdition* FindLabelEdition(std::string_view id) const;
  const CriterionText* FindCriterion(std::string_view id) const;
};

// Parses and checks the knowledge file: every field present and typed, every citation id a
// criterion or rule names listed in "citations". Throws std::runtime_error naming the problem.
DosingKnowledge ParseDosingKnowledge(std::string_view json_text);

// The knowledge compiled into this library.
std::string_view EmbeddedDosingKnowledge();

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_DOSING_KNOWLEDGE_H_
