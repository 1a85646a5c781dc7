#include "triage_knowledge.h"

#include <cds_embedded.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace cds::triage {
namespace {

using nlohmann::json;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("side-effect triage knowledge: " + what);
}

std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) Fail(std::string("missing text field '") + key + "'");
  return it->get<std::string>();
}

std::string OptionalText(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> TextList(const json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end()) return out;
  if (!it->is_array()) Fail(std::string("field '") + key + "' must be a list");
  for (const json& item : *it) {
    if (!item.is_string()) Fail(std::string("field '") + key + "' must hold only text");
    out.push_back(item.get<std::string>());
  }
  return out;
}

const json& Section(const json& root, const char* key) {
  auto it = root.find(key);
  if (it == root.end()) Fail(std::string("missing section '") + key + "'");
  return *it;
}

cds::v1::TriageLevel ParseLevel(const std::string& name) {
  if (name == "ROUTINE") return cds::v1::TRIAGE_LEVEL_ROUTINE;
  if (name == "MONITOR") return cds::v1::TRIAGE_LEVEL_MONITOR;
  if (name == "URGENT") return cds::v1::TRIAGE_LEVEL_URGENT;
  if (name == "EMERGENCY") return cds::v1::TRIAGE_LEVEL_EMERGENCY;
  Fail("unknown triage level '" + name + "'");
}

SymptomCategory ParseCategory(const std::string& name) {
  if (name == "expected") return SymptomCategory::kExpected;
  if (name == "hypertensive_warning") return SymptomCategory::kHypertensiveWarning;
  if (name == "respiratory_depression") return SymptomCategory::kRespiratoryDepression;
  if (name == "seizure") return SymptomCategory::kSeizure;
  if (name == "loss_of_consciousness") return SymptomCategory::kLossOfConsciousness;
  if (name == "urinary") return SymptomCategory::kUrinary;
  if (name == "hepatic") return SymptomCategory::kHepatic;
  if (name == "suicidality") return SymptomCategory::kSuicidality;
  if (name == "other") return SymptomCategory::kOther;
  Fail("unknown symptom category '" + name + "'");
}

cds::sdk::SettingSpec ParseSetting(const json& s) {
  cds::sdk::SettingSpec spec;
  spec.name = Text(s, "name");
  const std::string type = Text(s, "type");
  if (type == "number") {
    spec.type = cds::sdk::SettingSpec::Type::kNumber;
  } else if (type == "integer") {
    spec.type = cds::sdk::SettingSpec::Type::kInteger;
  } else {
    Fail("setting " + spec.name + ": type must be number or integer");
  }
  spec.default_value = Section(s, "default");
  if (!spec.default_value.is_number()) Fail("setting " + spec.name + ": default must be a number");
  spec.description = Text(s, "description");
  spec.source = Text(s, "source");
  spec.minimum = Section(s, "minimum").get<double>();
  spec.maximum = Section(s, "maximum").get<double>();
  const double d = spec.default_value.get<double>();
  if (d < *spec.minimum || d > *spec.maximum) {
    Fail("setting " + spec.name + ": default out of range");
  }
  return spec;
}

RuleText ParseRule(const json& r) {
  RuleText rule;
  rule.id = Text(r, "id");
  rule.level = ParseLevel(Text(r, "level"));
  if (r.contains("escalated_level")) rule.escalated_level = ParseLevel(Text(r, "escalated_level"));
  rule.role = Text(r, "role");
  rule.description = Text(r, "description");
  rule.finding = Text(r, "finding");
  rule.threshold = Text(r, "threshold");
  rule.actions = TextList(r, "actions");
  rule.citation_ids = TextList(r, "citation_ids");
  return rule;
}

}  // namespace

TriageKnowledge TriageKnowledge::Parse(std::string_view text) {
  // JSON library errors become knowledge errors: the SDK would otherwise report them as bad
  // operator settings.
  try {
    return ParseChecked(json::parse(text.begin(), text.end()));
  } catch (const json::exception& e) {
    Fail(e.what());
  }
}

TriageKnowledge TriageKnowledge::ParseChecked(const json& root) {
  TriageKnowledge k;
  k.knowledge_version = Text(root, "knowledge_version");
  k.review_date = Text(root, "review_date");

  for (const json& c : Section(root, "citations")) {
    cds::v1::Citation citation;
    citation.set_id(Text(c, "id"));
    citation.set_title(Text(c, "title"));
    citation.set_url(OptionalText(c, "url"));
    citation.set_edition(Text(c, "edition"));
    if (citation.edition().empty()) Fail("citation " + citation.id() + " has no edition or date");
    k.citations.push_back(std::move(citation));
  }
  for (const json& s : Section(root, "settings")) k.settings.push_back(ParseSetting(s));

  // Code-system keys in the symptom lists stand for these URIs.
  std::vector<std::pair<std::string, std::string>> systems;
  for (const json& s : Section(root, "code_systems")) {
    if (Text(s, "version").empty()) Fail("code system without a version");
    systems.emplace_back(Text(s, "key"), Text(s, "uri"));
  }
  for (const json& s : Section(root, "symptoms")) {
    SymptomDefinition symptom;
    symptom.id = Text(s, "id");
    symptom.display = Text(s, "display");
    symptom.definition = Text(s, "definition");
    symptom.category = ParseCategory(Text(s, "category"));
    symptom.blocks_discharge = s.value("blocks_discharge", false);
    symptom.warning_only_if_severe = s.value("warning_only_if_severe", false);
    symptom.discharge_staff_check = s.value("discharge_staff_check", false);
    symptom.indicates_sedation = s.value("indicates_sedation", false);
    symptom.circulation_red_flag = s.value("circulation_red_flag", false);
    symptom.supportive_action = OptionalText(s, "supportive_action");
    if (symptom.category == SymptomCategory::kExpected && symptom.supportive_action.empty()) {
      Fail("expected effect " + symptom.id + " has no supportive action");
    }
    for (const json& c : Section(s, "codes")) {
      if (!c.is_array() || c.size() != 3) {
        Fail("symptom " + symptom.id + ": code must be [system, code, display]");
      }
      std::string uri;
      for (const auto& [key, value] : systems) {
        if (key == c[0].get<std::string>()) uri = value;
      }
      if (uri.empty()) Fail("symptom " + symptom.id + ": unknown code system key");
      symptom.codes.push_back({uri, c[1].get<std::string>(), c[2].get<std::string>()});
    }
    k.symptoms.push_back(std::move(symptom));
  }

  const json& labs = Section(root, "lab_codes");
  for (const json& t : Section(labs, "tests")) {
    LabTest test{Text(t, "id"), Text(t, "code"), Text(t, "display"), TextList(t, "units"),
                 Text(t, "limit_setting")};
    if (test.units.empty()) Fail("lab test " + test.id + " lists no units");
    k.lab_tests.push_back(std::move(test));
  }

  const json& co = Section(root, "co_medications");
  for (const auto& [id, c] : Section(co, "classes").items()) {
    k.co_medication_classes.push_back(
        {id, Text(c, "name"), Text(c, "risk"), TextList(c, "citation_ids")});
  }
  for (const json& m : Section(co, "medicines")) {
    const std::string cls = Text(m, "class");
    int index = -1;
    for (size_t i = 0; i < k.co_medication_classes.size(); ++i) {
      if (k.co_medication_classes[i].id == cls) index = static_cast<int>(i);
    }
    if (index < 0) Fail("co-medication " + Text(m, "name") + ": unknown class " + cls);
    k.co_medications.push_back({Text(m, "rxnorm"), Text(m, "name"), index});
  }

  for (const json& r : Section(root, "rules")) k.rules.push_back(ParseRule(r));
  const json& discharge = Section(root, "discharge");
  for (const json& c : Section(discharge, "criteria")) {
    k.discharge_criteria.push_back(
        {Text(c, "id"), Text(c, "description"), TextList(c, "citation_ids")});
  }
  k.driving_advice = Text(discharge, "driving_advice");
  k.driving_citation_ids = TextList(discharge, "driving_citation_ids");

  const json& card = Section(root, "card");
  k.card = {Text(card, "source_label"), Text(card, "source_url"),
            Text(card, "emergency_disclaimer"), Text(card, "hypertension_source_note"),
            Text(card, "iv_ketamine_note"), TextList(card, "stricter_than_label")};

  // Cross-checks a reviewer's edit could break.
  std::set<std::string> ids;
  auto unique = [&](const std::string& id) {
    if (!ids.insert(id).second) Fail("duplicate id " + id);
  };
  for (const RuleText& r : k.rules) unique(r.id);
  for (const DischargeCriterionText& c : k.discharge_criteria) unique(c.id);
  for (const SymptomDefinition& s : k.symptoms) unique("symptom:" + s.id);
  std::set<std::pair<std::string, std::string>> codes;
  for (const SymptomDefinition& s : k.symptoms) {
    for (const SymptomCode& c : s.codes) {
      if (!codes.insert({c.system, c.code}).second) Fail("code " + c.code + " listed twice");
    }
  }
  auto cited = [&](const std::vector<std::string>& list) {
    for (const std::string& id : list) {
      if (k.FindCitation(id) == nullptr) Fail("unknown citation id " + id);
    }
  };
  for (const RuleText& r : k.rules) cited(r.citation_ids);
  for (const DischargeCriterionText& c : k.discharge_criteria) cited(c.citation_ids);
  cited(k.driving_citation_ids);
  for (const CoMedicationClass& c : k.co_medication_classes) cited(c.citation_ids);
  std::set<std::string> rxnorm;
  for (const CoMedication& m : k.co_medications) {
    if (!rxnorm.insert(m.rxnorm).second) Fail("co-medication code " + m.rxnorm + " listed twice");
  }
  for (const LabTest& t : k.lab_tests) {
    bool found = false;
    for (const cds::sdk::SettingSpec& s : k.settings) found = found || s.name == t.limit_setting;
    if (!found) Fail("lab test " + t.id + " names unknown setting " + t.limit_setting);
  }
  return k;
}

const cds::v1::Citation* TriageKnowledge::FindCitation(std::string_view id) const {
  for (const cds::v1::Citation& c : citations) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

const SymptomDefinition* TriageKnowledge::Recognise(const cds::v1::Coding& coding) const {
  for (const SymptomDefinition& s : symptoms) {
    for (const SymptomCode& c : s.codes) {
      if (c.code == coding.code() && c.system == coding.system()) return &s;
    }
  }
  return nullptr;
}

std::string_view EmbeddedKnowledgeJson() { return cds_embedded_side_effect_triage_json; }

const TriageKnowledge& EmbeddedKnowledge() {
  static const TriageKnowledge knowledge = TriageKnowledge::Parse(EmbeddedKnowledgeJson());
  return knowledge;
}

}  // namespace cds::triage
