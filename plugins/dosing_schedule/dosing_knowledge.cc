#include "dosing_knowledge.h"

#include <cds_embedded.h>

#include <algorithm>
#include <cds/sdk/knowledge.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace cds::dosing {
namespace {

using cds::sdk::KnowledgeNode;
using nlohmann::json;

// Every refusal is a cds::sdk::KnowledgeError naming this file and the JSON path.
constexpr const char* kSource = "dosing knowledge";

// Resolves the list of citation ids at object.name to indexes into the citation list; an id the
// list lacks is refused (cds::sdk::ReadCitationIds), so no card cites a source it cannot describe.
CitationIds Citations(const KnowledgeNode& object, const char* name,
                      const std::vector<cds::v1::Citation>& citations) {
  CitationIds out;
  for (const std::string& id : cds::sdk::ReadCitationIds(object.At(name), citations)) {
    const auto it = std::find_if(citations.begin(), citations.end(),
                                 [&](const cds::v1::Citation& c) { return c.id() == id; });
    out.push_back(static_cast<int>(it - citations.begin()));
  }
  return out;
}

std::vector<CitedText> CitedTexts(const KnowledgeNode& object, const char* name,
                                  const std::vector<cds::v1::Citation>& citations) {
  std::vector<CitedText> out;
  for (const KnowledgeNode& n : object.At(name).Items()) {
    out.push_back(CitedText{n.String("text"), Citations(n, "citations", citations)});
  }
  return out;
}

cds::v1::DosingPhase PhaseNamed(const KnowledgeNode& node) {
  const std::string name = node.AsString();
  if (name == "induction") return cds::v1::DOSING_PHASE_INDUCTION;
  if (name == "maintenance") return cds::v1::DOSING_PHASE_MAINTENANCE;
  if (name == "mdsi") return cds::v1::DOSING_PHASE_MDSI;
  if (name == "infusion_course") return cds::v1::DOSING_PHASE_INFUSION_COURSE;
  node.Fail("unknown phase \"" + name + "\"");
}

PhaseRule ReadPhase(const KnowledgeNode& j, const std::vector<cds::v1::Citation>& citations) {
  PhaseRule p;
  p.phase = PhaseNamed(j.At("phase"));
  p.first_week = j.Int("first_week");
  p.last_week = j.NullableInt("last_week");
  p.sessions_per_week = j.NullableInt("sessions_per_week");
  p.citation_ids = Citations(j, "citations", citations);
  return p;
}

DoseRule ReadDoseRule(const KnowledgeNode& j, const std::vector<cds::v1::Citation>& citations) {
  DoseRule d;
  d.first_dose_mg = j.Number("first_dose_mg");
  const KnowledgeNode doses = j.At("doses_mg");
  for (const KnowledgeNode& dose : doses.Items()) d.doses_mg.push_back(dose.AsNumber());
  if (d.doses_mg.empty()) doses.Fail("must not be empty");
  if (!std::is_sorted(d.doses_mg.begin(), d.doses_mg.end())) doses.Fail("must ascend");
  d.max_increase_mg = j.Number("max_increase_mg");
  d.citation_ids = Citations(j, "citations", citations);
  return d;
}

ScoreCode ReadScoreCode(const KnowledgeNode& j) {
  return ScoreCode{j.String("system"), j.String("code"), j.Number("valid_min"),
                   j.Number("valid_max")};
}

cds::v1::Source ReadSource(const KnowledgeNode& j) {
  cds::v1::Source s;
  s.set_label(j.String("label"));
  s.set_url(j.String("url"));  // a card's source link: required, unlike a citation's url
  return s;
}

}  // namespace

const LabelEdition* DosingKnowledge::FindLabelEdition(std::string_view id) const {
  for (const LabelEdition& e : label_editions) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const CriterionText* DosingKnowledge::FindCriterion(std::string_view id) const {
  for (const CriterionText& c : criteria) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

DosingKnowledge ParseDosingKnowledge(std::string_view json_text) {
  const json document = cds::sdk::ParseKnowledgeJson(json_text, kSource);
  const KnowledgeNode root(document, kSource);
  DosingKnowledge k;
  const cds::sdk::KnowledgeHeader header = cds::sdk::ReadKnowledgeHeader(root);
  k.version = header.knowledge_version;
  k.review_date = header.review_date;
  k.citations = cds::sdk::ReadCitations(root);
  const KnowledgeNode sources = root.At("sources");
  k.esketamine_source = ReadSource(sources.At("esketamine"));
  k.iv_source = ReadSource(sources.At("iv_ketamine"));

  for (const KnowledgeNode& e : root.At("label_editions").Items()) {
    k.label_editions.push_back(LabelEdition{e.String("id"), e.String("title"),
                                            e.Boolean("geriatric_start_dose"), e.Boolean("mdsi_under_65_only"),
                                            e.Boolean("end_of_induction_dose_into_maintenance"),
                                            Citations(e, "citations", k.citations)});
  }

  const KnowledgeNode esk = root.At("esketamine");
  k.device_mg = esk.Number("device_mg");
  k.minutes_between_devices = esk.Int("minutes_between_devices");
  k.device_citation_ids = Citations(esk, "device_citations", k.citations);
  for (const KnowledgeNode& p : esk.At("trd_phases").Items()) k.trd_phases.push_back(ReadPhase(p, k.citations));
  k.trd_adult_dose = ReadDoseRule(esk.At("trd_adult_dose"), k.citations);
  const KnowledgeNode geriatric = esk.At("trd_geriatric_dose");
  k.trd_geriatric_dose = ReadDoseRule(geriatric, k.citations);
  k.geriatric_min_age_years = geriatric.Int("min_age_years");
  k.end_of_induction_week = esk.Int("end_of_induction_week");
  k.mdsi_phase = ReadPhase(esk.At("mdsi_phase"), k.citations);
  k.mdsi_dose = ReadDoseRule(esk.At("mdsi_dose"), k.citations);
  k.mdsi_notes = CitedTexts(esk, "mdsi_notes", k.citations);
  k.mdsi_min_age_excluded_years = esk.Int("mdsi_min_age_excluded_years");
  k.mdsi_age_citation_ids = Citations(esk, "mdsi_age_citations", k.citations);
  k.maintenance_citation_ids = Citations(esk, "maintenance_citations", k.citations);
  k.eu_maintenance_notes = CitedTexts(esk, "eu_maintenance_notes", k.citations);
  const KnowledgeNode missed = esk.At("missed_sessions");
  k.missed_early_weeks = missed.Int("early_weeks");
  k.missed_early_citation_ids = Citations(missed, "early_citations", k.citations);
  k.missed_later_citation_ids = Citations(missed, "later_citations", k.citations);

  const KnowledgeNode hepatic = root.At("hepatic");
  k.hepatic_citation_ids = Citations(hepatic, "citations", k.citations);
  k.eu_84mg_caution_citation_ids = Citations(hepatic, "eu_84mg_caution_citations", k.citations);
  const KnowledgeNode liver = hepatic.At("liver_disease_codes");
  k.liver_disease_icd10cm = liver.Strings("icd10cm");
  k.liver_disease_snomed = liver.Strings("snomed_ct");

  const KnowledgeNode iv = root.At("iv_ketamine");
  k.iv_phase = ReadPhase(iv.At("phase"), k.citations);
  k.iv_beyond_course_citation_ids = Citations(iv, "beyond_course_citations", k.citations);
  k.iv_review_citation_ids = Citations(iv, "review_citations", k.citations);
  k.iv_monitoring_citation_ids = Citations(iv, "monitoring_citations", k.citations);
  k.iv_discharge_conditions = iv.Strings("discharge_conditions");
  const KnowledgeNode plausible = iv.At("plausible_weight_kg");
  k.plausible_weight_min_kg = plausible.Number("min");
  k.plausible_weight_max_kg = plausible.Number("max");

  const KnowledgeNode codes = root.At("code_lists");
  const KnowledgeNode weight = codes.At("body_weight");
  k.body_weight_system = weight.String("system");
  k.body_weight_codes = weight.Strings("codes");
  for (const auto& [unit, factor] :
       codes.At("body_weight_units").At("kg_per_unit").Members()) {
    k.kg_per_weight_unit.emplace_back(unit, factor.AsNumber());
  }
  const KnowledgeNode orders = codes.At("ketamine_orders");
  k.order_medication_system = orders.String("system");
  k.esketamine_order_codes = orders.Strings("esketamine");
  k.ketamine_order_codes = orders.Strings("ketamine");
  k.madrs_total = ReadScoreCode(codes.At("madrs_total"));
  k.phq9_total = ReadScoreCode(codes.At("phq9_total"));

  for (const KnowledgeNode& b : root.At("phq9_bands").Items()) {
    k.phq9_bands.push_back(Phq9Band{b.Number("min"), b.Number("max"), b.String("band")});
  }

  const KnowledgeNode m = root.At("monitoring");
  for (const KnowledgeNode& p : m.At("pre_session").Items()) {
    const std::vector<std::string> products = p.Strings("products");
    auto has = [&](const char* product) {
      return std::find(products.begin(), products.end(), product) != products.end();
    };
    k.monitoring.pre_session.push_back(
        PreSessionInstruction{p.String("text"), has("esketamine"), has("iv_ketamine"),
                              Citations(p, "citations", k.citations)});
  }
  for (const KnowledgeNode& minute : m.At("blood_pressure_minutes").Items()) {
    k.monitoring.blood_pressure_minutes.push_back(static_cast<int>(minute.AsInteger()));
  }
  k.monitoring.blood_pressure_citation_ids = Citations(m, "blood_pressure_citations", k.citations);
  k.monitoring.pulse_oximetry = m.Boolean("pulse_oximetry");
  k.monitoring.pulse_oximetry_citation_ids = Citations(m, "pulse_oximetry_citations", k.citations);
  k.monitoring.minimum_observation_minutes = m.Int("minimum_observation_minutes");
  k.monitoring.discharge_conditions = m.Strings("discharge_conditions");
  k.monitoring.observation_citation_ids = Citations(m, "observation_citations", k.citations);
  k.monitoring.driving_advice = m.String("driving_advice");
  k.monitoring.driving_citation_ids = Citations(m, "driving_citations", k.citations);
  k.monitoring.child_pugh_b_condition = m.String("child_pugh_b_condition");
  k.monitoring.iv_note = m.String("iv_note");

  for (const KnowledgeNode& c : root.At("criteria").Items()) {
    k.criteria.push_back(CriterionText{c.String("id"), c.String("description"), c.String("role"),
                                       Citations(c, "citations", k.citations)});
  }

  return k;
}

std::string_view EmbeddedDosingKnowledge() {
  return cds_embedded_dosing_schedule_knowledge_json;
}

}  // namespace cds::dosing
