#include "triage_knowledge.h"

#include <cds_embedded.h>

#include <cds/sdk/knowledge.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace cds::triage {
namespace {

using nlohmann::json;
using cds::sdk::KnowledgeNode;

constexpr const char* kSource = "side-effect triage knowledge";

[[noreturn]] void Fail(const std::string& what) {
  throw cds::sdk::KnowledgeError(kSource, "", what);
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

cds::sdk::SettingSpec ParseSetting(const KnowledgeNode& s) {
  cds::sdk::SettingSpec spec;
  spec.name = s.String("name");
  const std::string type = s.String("type");
  if (type == "number") {
    spec.type = cds::sdk::SettingSpec::Type::kNumber;
  } else if (type == "integer") {
    spec.type = cds::sdk::SettingSpec::Type::kInteger;
  } else {
    Fail("setting " + spec.name + ": type must be number or integer");
  }
  s.Number("default");  // refuses a default that is not a number
  spec.default_value = s.At("default").json();
  spec.description = s.String("description");
  spec.source = s.String("source");
  spec.minimum = s.Number("minimum");
  spec.maximum = s.Number("maximum");
  const double d = spec.default_value.get<double>();
  if (d < *spec.minimum || d > *spec.maximum) {
    Fail("setting " + spec.name + ": default out of range");
  }
  return spec;
}

RuleText ParseRule(const KnowledgeNode& r) {
  RuleText rule;
  rule.id = r.String("id");
  rule.level = ParseLevel(r.String("level"));
  if (r.Has("escalated_level")) rule.escalated_level = ParseLevel(r.String("escalated_level"));
  rule.role = r.String("role");
  rule.description = r.String("description");
  rule.finding = r.String("finding");
  rule.threshold = r.String("threshold");
  rule.actions = r.OptionalStrings("actions");
  rule.citation_ids = r.OptionalStrings("citation_ids");
  return rule;
}

}  // namespace

TriageKnowledge TriageKnowledge::Parse(std::string_view text) {
  // Malformed JSON is a knowledge error (cds::sdk::KnowledgeError, a std::runtime_error): a JSON
  // library error would otherwise reach the SDK and read as bad operator settings.
  return ParseChecked(cds::sdk::ParseKnowledgeJson(text, kSource));
}

TriageKnowledge TriageKnowledge::ParseChecked(const json& document) {
  const KnowledgeNode root(document, kSource);
  TriageKnowledge k;
  const cds::sdk::KnowledgeHeader header = cds::sdk::ReadKnowledgeHeader(root);
  k.knowledge_version = header.knowledge_version;
  k.review_date = header.review_date;

  k.citations = cds::sdk::ReadCitations(root);
  for (const KnowledgeNode& s : root.At("settings").Items()) k.settings.push_back(ParseSetting(s));

  // Code-system keys in the symptom lists stand for these URIs.
  std::vector<std::pair<std::string, std::string>> systems;
  for (const KnowledgeNode& s : root.At("code_systems").Items()) {
    s.NonEmptyString("version");
    systems.emplace_back(s.String("key"), s.String("uri"));
  }
  for (const KnowledgeNode& s : root.At("symptoms").Items()) {
    SymptomDefinition symptom;
    symptom.id = s.String("id");
    symptom.display = s.String("display");
    symptom.definition = s.String("definition");
    symptom.category = ParseCategory(s.String("category"));
    symptom.blocks_discharge = s.OptionalBoolean("blocks_discharge", false);
    symptom.warning_only_if_severe = s.OptionalBoolean("warning_only_if_severe", false);
    symptom.discharge_staff_check = s.OptionalBoolean("discharge_staff_check", false);
    symptom.indicates_sedation = s.OptionalBoolean("indicates_sedation", false);
    symptom.circulation_red_flag = s.OptionalBoolean("circulation_red_flag", false);
    symptom.supportive_action = s.OptionalString("supportive_action");
    if (symptom.category == SymptomCategory::kExpected && symptom.supportive_action.empty()) {
      s.FailAt("supportive_action", "expected effect " + symptom.id + " has no supportive action");
    }
    for (const KnowledgeNode& c : s.At("codes").Items()) {
      const std::vector<std::string> parts = c.AsStrings();
      if (parts.size() != 3) c.Fail("a code must be [system, code, display]");
      std::string uri;
      for (const auto& [key, value] : systems) {
        if (key == parts[0]) uri = value;
      }
      if (uri.empty()) c.Fail("unknown code system key \"" + parts[0] + "\"");
      symptom.codes.push_back({uri, parts[1], parts[2]});
    }
    k.symptoms.push_back(std::move(symptom));
  }

  for (const KnowledgeNode& t : root.At("lab_codes").At("tests").Items()) {
    LabTest test{t.String("id"), t.String("code"), t.String("display"),
                 t.OptionalStrings("units"), t.String("limit_setting")};
    if (test.units.empty()) t.FailAt("units", "lab test " + test.id + " lists no units");
    k.lab_tests.push_back(std::move(test));
  }

  const KnowledgeNode co = root.At("co_medications");
  for (const auto& [id, c] : co.At("classes").Members()) {
    k.co_medication_classes.push_back(
        {id, c.String("name"), c.String("risk"), c.OptionalStrings("citation_ids")});
  }
  for (const KnowledgeNode& m : co.At("medicines").Items()) {
    const std::string cls = m.String("class");
    int index = -1;
    for (size_t i = 0; i < k.co_medication_classes.size(); ++i) {
      if (k.co_medication_classes[i].id == cls) index = static_cast<int>(i);
    }
    if (index < 0) m.FailAt("class", "co-medication " + m.String("name") + ": unknown class " + cls);
    k.co_medications.push_back({m.String("rxnorm"), m.String("name"), index});
  }

  for (const KnowledgeNode& r : root.At("rules").Items()) k.rules.push_back(ParseRule(r));
  const KnowledgeNode discharge = root.At("discharge");
  for (const KnowledgeNode& c : discharge.At("criteria").Items()) {
    k.discharge_criteria.push_back(
        {c.String("id"), c.String("description"), c.OptionalStrings("citation_ids")});
  }
  k.driving_advice = discharge.String("driving_advice");
  k.driving_citation_ids = discharge.OptionalStrings("driving_citation_ids");

  const KnowledgeNode card = root.At("card");
  k.card = {card.String("source_label"), card.String("source_url"),
            card.String("emergency_disclaimer"), card.String("hypertension_source_note"),
            card.String("iv_ketamine_note"), card.OptionalStrings("stricter_than_label")};

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
