#include "dosing_knowledge.h"

#include <cds_embedded.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace cds::dosing {
namespace {

using nlohmann::json;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("dosing knowledge: " + what);
}

const json& Field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) Fail(std::string("missing field \"") + name + "\"");
  return *it;
}

std::string String(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (!v.is_string()) Fail(std::string("\"") + name + "\" must be a string");
  return v.get<std::string>();
}

double Number(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (!v.is_number()) Fail(std::string("\"") + name + "\" must be a number");
  return v.get<double>();
}

int Integer(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (!v.is_number_integer()) Fail(std::string("\"") + name + "\" must be a whole number");
  return v.get<int>();
}

bool Boolean(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (!v.is_boolean()) Fail(std::string("\"") + name + "\" must be true or false");
  return v.get<bool>();
}

CitationIds Citations(const json& object, const char* name,
                      const std::vector<cds::v1::Citation>& citations);

std::vector<CitedText> CitedTexts(const json& object, const char* name,
                                  const std::vector<cds::v1::Citation>& citations) {
  std::vector<CitedText> out;
  for (const json& n : Field(object, name)) {
    out.push_back(CitedText{String(n, "text"), Citations(n, "citations", citations)});
  }
  return out;
}

std::optional<int> OptionalInteger(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer()) Fail(std::string("\"") + name + "\" must be a whole number or null");
  return v.get<int>();
}

std::vector<std::string> Strings(const json& object, const char* name) {
  const json& v = Field(object, name);
  if (!v.is_array()) Fail(std::string("\"") + name + "\" must be an array");
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string()) Fail(std::string("\"") + name + "\" must hold strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Resolves a "citations" array to indexes into the citation list; an id the list lacks is an
// error, so no card can cite a source it cannot describe.
CitationIds Citations(const json& object, const char* name,
                      const std::vector<cds::v1::Citation>& citations) {
  CitationIds out;
  for (const std::string& id : Strings(object, name)) {
    const auto it = std::find_if(citations.begin(), citations.end(),
                                 [&](const cds::v1::Citation& c) { return c.id() == id; });
    if (it == citations.end()) Fail("citation \"" + id + "\" is not listed");
    out.push_back(static_cast<int>(it - citations.begin()));
  }
  return out;
}

cds::v1::DosingPhase PhaseNamed(const std::string& name) {
  if (name == "induction") return cds::v1::DOSING_PHASE_INDUCTION;
  if (name == "maintenance") return cds::v1::DOSING_PHASE_MAINTENANCE;
  if (name == "mdsi") return cds::v1::DOSING_PHASE_MDSI;
  if (name == "infusion_course") return cds::v1::DOSING_PHASE_INFUSION_COURSE;
  Fail("unknown phase \"" + name + "\"");
}

PhaseRule ReadPhase(const json& j, const std::vector<cds::v1::Citation>& citations) {
  PhaseRule p;
  p.phase = PhaseNamed(String(j, "phase"));
  p.first_week = Integer(j, "first_week");
  p.last_week = OptionalInteger(j, "last_week");
  p.sessions_per_week = OptionalInteger(j, "sessions_per_week");
  p.citation_ids = Citations(j, "citations", citations);
  return p;
}

DoseRule ReadDoseRule(const json& j, const std::vector<cds::v1::Citation>& citations) {
  DoseRule d;
  d.first_dose_mg = Number(j, "first_dose_mg");
  const json& doses = Field(j, "doses_mg");
  if (!doses.is_array() || doses.empty()) Fail("\"doses_mg\" must be a non-empty array");
  for (const json& dose : doses) {
    if (!dose.is_number()) Fail("\"doses_mg\" must hold numbers");
    d.doses_mg.push_back(dose.get<double>());
  }
  if (!std::is_sorted(d.doses_mg.begin(), d.doses_mg.end())) Fail("\"doses_mg\" must ascend");
  d.max_increase_mg = Number(j, "max_increase_mg");
  d.citation_ids = Citations(j, "citations", citations);
  return d;
}

ScoreCode ReadScoreCode(const json& j) {
  return ScoreCode{String(j, "system"), String(j, "code"), Number(j, "valid_min"),
                   Number(j, "valid_max")};
}

cds::v1::Source ReadSource(const json& j) {
  cds::v1::Source s;
  s.set_label(String(j, "label"));
  s.set_url(String(j, "url"));
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
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    Fail(std::string("not valid JSON: ") + e.what());
  }
  DosingKnowledge k;
  k.version = String(root, "knowledge_version");
  k.review_date = String(root, "review_date");

  for (const json& c : Field(root, "citations")) {
    cds::v1::Citation citation;
    citation.set_id(String(c, "id"));
    citation.set_title(String(c, "title"));
    citation.set_url(String(c, "url"));
    citation.set_edition(String(c, "edition"));
    k.citations.push_back(std::move(citation));
  }
  const json& sources = Field(root, "sources");
  k.esketamine_source = ReadSource(Field(sources, "esketamine"));
  k.iv_source = ReadSource(Field(sources, "iv_ketamine"));

  for (const json& e : Field(root, "label_editions")) {
    const json& geriatric = Field(e, "geriatric_start_dose");
    if (!geriatric.is_boolean()) Fail("\"geriatric_start_dose\" must be true or false");
    k.label_editions.push_back(LabelEdition{String(e, "id"), String(e, "title"),
                                            geriatric.get<bool>(), Boolean(e, "mdsi_under_65_only"),
                                            Boolean(e, "end_of_induction_dose_into_maintenance"),
                                            Citations(e, "citations", k.citations)});
  }

  const json& esk = Field(root, "esketamine");
  k.device_mg = Number(esk, "device_mg");
  k.minutes_between_devices = Integer(esk, "minutes_between_devices");
  k.device_citation_ids = Citations(esk, "device_citations", k.citations);
  for (const json& p : Field(esk, "trd_phases")) k.trd_phases.push_back(ReadPhase(p, k.citations));
  k.trd_adult_dose = ReadDoseRule(Field(esk, "trd_adult_dose"), k.citations);
  const json& geriatric = Field(esk, "trd_geriatric_dose");
  k.trd_geriatric_dose = ReadDoseRule(geriatric, k.citations);
  k.geriatric_min_age_years = Integer(geriatric, "min_age_years");
  k.end_of_induction_week = Integer(esk, "end_of_induction_week");
  k.mdsi_phase = ReadPhase(Field(esk, "mdsi_phase"), k.citations);
  k.mdsi_dose = ReadDoseRule(Field(esk, "mdsi_dose"), k.citations);
  k.mdsi_notes = CitedTexts(esk, "mdsi_notes", k.citations);
  k.mdsi_min_age_excluded_years = Integer(esk, "mdsi_min_age_excluded_years");
  k.mdsi_age_citation_ids = Citations(esk, "mdsi_age_citations", k.citations);
  k.maintenance_citation_ids = Citations(esk, "maintenance_citations", k.citations);
  k.eu_maintenance_notes = CitedTexts(esk, "eu_maintenance_notes", k.citations);
  const json& missed = Field(esk, "missed_sessions");
  k.missed_early_weeks = Integer(missed, "early_weeks");
  k.missed_early_citation_ids = Citations(missed, "early_citations", k.citations);
  k.missed_later_citation_ids = Citations(missed, "later_citations", k.citations);

  const json& hepatic = Field(root, "hepatic");
  k.hepatic_citation_ids = Citations(hepatic, "citations", k.citations);
  k.eu_84mg_caution_citation_ids = Citations(hepatic, "eu_84mg_caution_citations", k.citations);
  const json& liver = Field(hepatic, "liver_disease_codes");
  k.liver_disease_icd10cm = Strings(liver, "icd10cm");
  k.liver_disease_snomed = Strings(liver, "snomed_ct");

  const json& iv = Field(root, "iv_ketamine");
  k.iv_phase = ReadPhase(Field(iv, "phase"), k.citations);
  k.iv_beyond_course_citation_ids = Citations(iv, "beyond_course_citations", k.citations);
  k.iv_review_citation_ids = Citations(iv, "review_citations", k.citations);
  k.iv_monitoring_citation_ids = Citations(iv, "monitoring_citations", k.citations);
  k.iv_discharge_conditions = Strings(iv, "discharge_conditions");
  const json& plausible = Field(iv, "plausible_weight_kg");
  k.plausible_weight_min_kg = Number(plausible, "min");
  k.plausible_weight_max_kg = Number(plausible, "max");

  const json& codes = Field(root, "code_lists");
  const json& weight = Field(codes, "body_weight");
  k.body_weight_system = String(weight, "system");
  k.body_weight_codes = Strings(weight, "codes");
  for (const auto& [unit, factor] :
       Field(Field(codes, "body_weight_units"), "kg_per_unit").items()) {
    if (!factor.is_number()) Fail("\"kg_per_unit\" must map units to numbers");
    k.kg_per_weight_unit.emplace_back(unit, factor.get<double>());
  }
  const json& orders = Field(codes, "ketamine_orders");
  k.order_medication_system = String(orders, "system");
  k.esketamine_order_codes = Strings(orders, "esketamine");
  k.ketamine_order_codes = Strings(orders, "ketamine");
  k.madrs_total = ReadScoreCode(Field(codes, "madrs_total"));
  k.phq9_total = ReadScoreCode(Field(codes, "phq9_total"));

  for (const json& b : Field(root, "phq9_bands")) {
    k.phq9_bands.push_back(Phq9Band{Number(b, "min"), Number(b, "max"), String(b, "band")});
  }

  const json& m = Field(root, "monitoring");
  for (const json& p : Field(m, "pre_session")) {
    const std::vector<std::string> products = Strings(p, "products");
    auto has = [&](const char* product) {
      return std::find(products.begin(), products.end(), product) != products.end();
    };
    k.monitoring.pre_session.push_back(
        PreSessionInstruction{String(p, "text"), has("esketamine"), has("iv_ketamine"),
                              Citations(p, "citations", k.citations)});
  }
  for (const json& minute : Field(m, "blood_pressure_minutes")) {
    if (!minute.is_number_integer()) Fail("\"blood_pressure_minutes\" must hold whole numbers");
    k.monitoring.blood_pressure_minutes.push_back(minute.get<int>());
  }
  k.monitoring.blood_pressure_citation_ids = Citations(m, "blood_pressure_citations", k.citations);
  const json& oximetry = Field(m, "pulse_oximetry");
  if (!oximetry.is_boolean()) Fail("\"pulse_oximetry\" must be true or false");
  k.monitoring.pulse_oximetry = oximetry.get<bool>();
  k.monitoring.pulse_oximetry_citation_ids = Citations(m, "pulse_oximetry_citations", k.citations);
  k.monitoring.minimum_observation_minutes = Integer(m, "minimum_observation_minutes");
  k.monitoring.discharge_conditions = Strings(m, "discharge_conditions");
  k.monitoring.observation_citation_ids = Citations(m, "observation_citations", k.citations);
  k.monitoring.driving_advice = String(m, "driving_advice");
  k.monitoring.driving_citation_ids = Citations(m, "driving_citations", k.citations);
  k.monitoring.child_pugh_b_condition = String(m, "child_pugh_b_condition");
  k.monitoring.iv_note = String(m, "iv_note");

  for (const json& c : Field(root, "criteria")) {
    k.criteria.push_back(CriterionText{String(c, "id"), String(c, "description"), String(c, "role"),
                                       Citations(c, "citations", k.citations)});
  }

  return k;
}

std::string_view EmbeddedDosingKnowledge() {
  return cds_embedded_dosing_schedule_knowledge_json;
}

}  // namespace cds::dosing
