#include "eligibility_knowledge.h"

#include <cds/sdk/clinical.h>
#include <cds/sdk/knowledge.h>
#include <cds_embedded.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace cds::eligibility {

namespace {

using nlohmann::json;

// The label editions the shared `label_edition` setting accepts: the file must define each.
constexpr std::array<std::string_view, 3> kRequiredLabelEditions = {"us-2025", "us-2019", "eu"};

constexpr const char* kSource = "eligibility knowledge";

// Refusals are std::invalid_argument in this plugin; Knowledge::Parse turns the SDK's
// KnowledgeError into one with the same message.
[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument(std::string(kSource) + ": " + where + ": " + what);
}

// The accessors are the SDK's (cds/sdk/knowledge.h), reached from a value at the path `where`.
using cds::sdk::KnowledgeNode;

KnowledgeNode Node(const json& value, const std::string& where) {
  return KnowledgeNode(value, kSource, where == "root" ? "" : where);
}

const json& Field(const json& object, const char* name, const std::string& where) {
  return Node(object, where).At(name).json();
}

std::string String(const json& object, const char* name, const std::string& where) {
  return Node(object, where).String(name);
}

std::string OptionalString(const json& object, const char* name, const std::string& where) {
  return Node(object, where).OptionalString(name);
}

std::vector<std::string> StringList(const json& value, const std::string& where) {
  return Node(value, where).AsStrings();
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Case-insensitive search for `word` (lowercase) in `text` with non-alphanumerics either side.
}  // namespace

bool ContainsWord(std::string_view text, std::string_view word) {
  if (word.empty() || text.size() < word.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (i > 0 && IsWordChar(text[i - 1])) continue;
    std::size_t j = 0;
    while (j < word.size() && std::tolower(static_cast<unsigned char>(text[i + j])) == word[j]) {
      ++j;
    }
    if (j != word.size()) continue;
    if (i + j < text.size() && IsWordChar(text[i + j])) continue;
    return true;
  }
  return false;
}

namespace {

Role ParseRole(const std::string& text, const std::string& where) {
  static const std::map<std::string, Role> roles = {
      {"eligibility_requirement", Role::kEligibilityRequirement},
      {"contraindication", Role::kContraindication},
      {"caution", Role::kCaution},
      {"concomitant_treatment", Role::kConcomitantTreatment},
      {"information", Role::kInformation},
  };
  auto it = roles.find(text);
  if (it == roles.end()) Fail(where, "unknown role \"" + text + "\"");
  return it->second;
}

RuleKind ParseRule(const std::string& text, const std::string& where) {
  static const std::map<std::string, RuleKind> rules = {
      {"minimum_age", RuleKind::kMinimumAge},
      {"indication_diagnosis", RuleKind::kIndicationDiagnosis},
      {"failed_antidepressant_trials", RuleKind::kFailedAntidepressantTrials},
      {"failed_trial_limit", RuleKind::kFailedTrialLimit},
      {"concomitant_oral_antidepressant", RuleKind::kConcomitantOralAntidepressant},
      {"coded_condition", RuleKind::kCodedCondition},
      {"substance_allergy", RuleKind::kSubstanceAllergy},
      {"blood_pressure_above", RuleKind::kBloodPressureAbove},
      {"blood_pressure_at_or_above", RuleKind::kBloodPressureAtOrAbove},
      {"recent_condition", RuleKind::kRecentCondition},
      {"pregnancy", RuleKind::kPregnancy},
      {"breastfeeding", RuleKind::kBreastfeeding},
      {"child_pugh_class", RuleKind::kChildPughClass},
      {"medicine_class", RuleKind::kMedicineClass},
      {"benzodiazepine_dose", RuleKind::kBenzodiazepineDose},
  };
  auto it = rules.find(text);
  if (it == rules.end()) Fail(where, "unknown rule \"" + text + "\"");
  return it->second;
}

InactiveRecords ParseInactive(const std::string& text, const std::string& where) {
  if (text == "same") return InactiveRecords::kSame;
  if (text == "review") return InactiveRecords::kReview;
  if (text == "ignore") return InactiveRecords::kIgnore;
  Fail(where, "when_inactive must be same, review or ignore");
}

cds::v1::ChildPughClass ParseChildPugh(const std::string& text, const std::string& where) {
  if (text == "A") return cds::v1::CHILD_PUGH_CLASS_A;
  if (text == "B") return cds::v1::CHILD_PUGH_CLASS_B;
  if (text == "C") return cds::v1::CHILD_PUGH_CLASS_C;
  Fail(where, "child_pugh_class must be A, B or C");
}

// Code lists are grouped by code-system name ("ICD-10-CM", ...), each name defined in
// "code_systems" with its URI and version.
std::map<std::string, CodeList> ParseCodeLists(const json& root) {
  std::map<std::string, std::string> system_uris;
  const json& systems = Field(root, "code_systems", "root");
  for (auto it = systems.begin(); it != systems.end(); ++it) {
    const std::string where = "code_systems." + it.key();
    system_uris[it.key()] = String(*it, "uri", where);
    String(*it, "version", where);
  }
  std::map<std::string, CodeList> lists;
  const json& code_lists = Field(root, "code_lists", "root");
  for (auto list = code_lists.begin(); list != code_lists.end(); ++list) {
    std::vector<CodeEntry> entries;
    for (auto group = list->begin(); group != list->end(); ++group) {
      const std::string where = "code_lists." + list.key() + "." + group.key();
      auto uri = system_uris.find(group.key());
      if (uri == system_uris.end()) Fail(where, "code system not defined in code_systems");
      if (!group->is_array() || group->empty()) Fail(where, "must be a non-empty list");
      for (const cds::sdk::KnownCode& code :
           cds::sdk::ReadCodeList(Node(*group, where), uri->second)) {
        entries.push_back(CodeEntry{code.system, code.code, code.display, code.verified});
      }
    }
    lists.emplace(list.key(), CodeList(list.key(), std::move(entries)));
  }
  return lists;
}

const CodeList& NamedList(const std::map<std::string, CodeList>& lists, const std::string& name,
                          const std::string& where) {
  auto it = lists.find(name);
  if (it == lists.end()) Fail(where, "unknown code list \"" + name + "\"");
  return it->second;
}

}  // namespace

std::string_view ProductKey(Product product) {
  return product == Product::kEsketamineNasalSpray ? "esketamine-nasal-spray"
                                                   : "iv-racemic-ketamine";
}

std::string_view IndicationKey(Indication indication) {
  return indication == Indication::kTrd ? "trd" : "mdsi";
}

std::optional<Product> ProductFromKey(std::string_view key) {
  if (key == "esketamine-nasal-spray") return Product::kEsketamineNasalSpray;
  if (key == "iv-racemic-ketamine") return Product::kIvRacemicKetamine;
  return std::nullopt;
}

std::optional<Indication> IndicationFromKey(std::string_view key) {
  if (key == "trd") return Indication::kTrd;
  if (key == "mdsi") return Indication::kMdsi;
  return std::nullopt;
}

const cds::v1::Coding* CodeList::FindMatch(const cds::v1::CodeableConcept& codeable_concept) const {
  const CodeEntry* entry = nullptr;
  return FindMatch(codeable_concept, &entry);
}

const cds::v1::Coding* CodeList::FindMatch(const cds::v1::CodeableConcept& codeable_concept,
                                           const CodeEntry** entry) const {
  for (const cds::v1::Coding& coding : codeable_concept.coding()) {
    for (const CodeEntry& e : entries_) {
      if (cds::sdk::CodeMatches(coding, e.system_uri, e.code)) {
        *entry = &e;
        return &coding;
      }
    }
  }
  *entry = nullptr;
  return nullptr;
}

Knowledge Knowledge::Parse(std::string_view json_text) {
  try {
    return ParseChecked(json_text);
  } catch (const cds::sdk::KnowledgeError& e) {
    throw std::invalid_argument(e.what());
  }
}

Knowledge Knowledge::ParseChecked(std::string_view json_text) {
  const json root = cds::sdk::ParseKnowledgeJson(json_text, kSource);
  Knowledge k;
  const cds::sdk::KnowledgeHeader header = cds::sdk::ReadKnowledgeHeader(Node(root, "root"));
  k.version_ = header.knowledge_version;
  k.review_date_ = header.review_date;

  const json& source = Field(root, "source", "root");
  k.source_.set_label(String(source, "label", "source"));
  k.source_.set_url(String(source, "url", "source"));

  k.citations_ = cds::sdk::ReadCitations(Node(root, "root"));
  auto check_citations = [&k](const std::vector<std::string>& ids, const std::string& where) {
    for (const std::string& id : ids) {
      if (!k.FindCitation(id)) Fail(where, "unknown citation \"" + id + "\"");
    }
  };

  const json& classes = Field(root, "medicine_classes", "root");
  for (auto it = classes.begin(); it != classes.end(); ++it) {
    if (k.class_names_.size() == 32) Fail("medicine_classes", "at most 32 classes");
    k.class_names_.push_back(it.key());
    k.class_descriptions_.push_back(String(*it, "name", "medicine_classes." + it.key()));
    String(*it, "description", "medicine_classes." + it.key());
  }
  auto mask_of = [&k](const std::vector<std::string>& names, const std::string& where) {
    MedicineClasses mask = 0;
    for (const std::string& name : names) {
      MedicineClasses bit = k.ClassMask(name);
      if (bit == 0) Fail(where, "unknown medicine class \"" + name + "\"");
      mask |= bit;
    }
    return mask;
  };
  k.oral_antidepressant_ = mask_of({"oral_antidepressant"}, "medicine_classes");
  k.benzodiazepine_ = mask_of({"benzodiazepine"}, "medicine_classes");

  const json& equivalents = Field(root, "benzodiazepine_equivalents", "root");
  k.benzodiazepine_citation_ = String(equivalents, "citation", "benzodiazepine_equivalents");
  check_citations({k.benzodiazepine_citation_}, "benzodiazepine_equivalents");
  String(equivalents, "rule", "benzodiazepine_equivalents");

  for (const json& m : Field(root, "medicines", "root")) {
    Medicine medicine;
    medicine.rxnorm = String(m, "rxnorm", "medicines");
    const std::string where = "medicines." + medicine.rxnorm;
    medicine.name = Lowercase(String(m, "name", where));
    medicine.classes = mask_of(StringList(Field(m, "classes", where), where), where);
    if (medicine.classes == 0) Fail(where, "needs at least one class");
    if (m.contains("dose_equivalent_to_10mg_diazepam")) {
      const json& dose = m["dose_equivalent_to_10mg_diazepam"];
      if (!dose.is_number() || dose.get<double>() <= 0) Fail(where, "dose equivalent must be > 0");
      if (!(medicine.classes & k.benzodiazepine_))
        Fail(where, "dose equivalent on a non-benzodiazepine");
      medicine.diazepam_mg_per_mg = 10.0 / dose.get<double>();
    }
    if (!Field(m, "verified", where).is_boolean()) Fail(where, "verified must be true or false");
    k.medicines_.push_back(std::move(medicine));
  }
  std::sort(k.medicines_.begin(), k.medicines_.end(),
            [](const Medicine& a, const Medicine& b) { return a.rxnorm < b.rxnorm; });
  for (std::size_t i = 1; i < k.medicines_.size(); ++i) {
    if (k.medicines_[i].rxnorm == k.medicines_[i - 1].rxnorm) {
      Fail("medicines." + k.medicines_[i].rxnorm, "duplicate RxNorm code");
    }
  }
  for (std::size_t i = 0; i < k.medicines_.size(); ++i) k.medicines_by_name_length_.push_back(i);
  std::stable_sort(k.medicines_by_name_length_.begin(), k.medicines_by_name_length_.end(),
                   [&k](std::size_t a, std::size_t b) {
                     return k.medicines_[a].name.size() > k.medicines_[b].name.size();
                   });

  const json& editions = Field(root, "label_editions", "root");
  for (auto it = editions.begin(); it != editions.end(); ++it) {
    LabelEdition edition;
    edition.id = it.key();
    const std::string where = "label_editions." + edition.id;
    edition.title = String(*it, "title", where);
    for (Indication indication : {Indication::kTrd, Indication::kMdsi}) {
      const std::string key(IndicationKey(indication));
      const json& rule = Field(*it, key.c_str(), where);
      ConcomitantRequirement& requirement = edition.by_indication[static_cast<int>(indication)];
      requirement.required_classes =
          mask_of(StringList(Field(rule, "required_classes", where + "." + key), where), where);
      requirement.citation_ids = StringList(Field(rule, "citations", where + "." + key), where);
      check_citations(requirement.citation_ids, where + "." + key);
      requirement.wording = String(rule, "wording", where + "." + key);
    }
    k.label_editions_.push_back(std::move(edition));
  }
  for (std::string_view id : kRequiredLabelEditions) {
    if (!k.FindLabelEdition(id)) Fail("label_editions", "missing edition " + std::string(id));
  }

  const std::map<std::string, CodeList> lists = ParseCodeLists(root);
  for (const auto& [id, list] : lists) k.code_list_ids_.push_back(id);
  for (const json& c : Field(root, "criteria", "root")) {
    CriterionSpec spec;
    spec.id = String(c, "id", "criteria");
    const std::string where = "criteria." + spec.id;
    for (const CriterionSpec& other : k.criteria_) {
      if (other.id == spec.id) Fail(where, "duplicate id");
    }
    spec.short_label = String(c, "short_label", where);
    spec.unknown_label = OptionalString(c, "unknown_label", where);
    spec.unmet_label = OptionalString(c, "unmet_label", where);
    spec.description = String(c, "description", where);
    spec.role = ParseRole(String(c, "role", where), where);
    spec.rule = ParseRule(String(c, "rule", where), where);
    spec.when_met = OptionalString(c, "when_met", where);
    spec.when_not_met = OptionalString(c, "when_not_met", where);
    if (c.contains("applies_to")) {
      const json& applies = c["applies_to"];
      if (applies.contains("products")) {
        spec.products = {false, false};
        for (const std::string& key : StringList(applies["products"], where)) {
          auto product = ProductFromKey(key);
          if (!product) Fail(where, "unknown product \"" + key + "\"");
          spec.products[static_cast<int>(*product)] = true;
        }
      }
      if (applies.contains("indications")) {
        spec.indications = {false, false};
        for (const std::string& key : StringList(applies["indications"], where)) {
          auto indication = IndicationFromKey(key);
          if (!indication) Fail(where, "unknown indication \"" + key + "\"");
          spec.indications[static_cast<int>(*indication)] = true;
        }
      }
    }
    const json& citations = Field(c, "citations", where);
    for (Product product : {Product::kEsketamineNasalSpray, Product::kIvRacemicKetamine}) {
      const std::string key(ProductKey(product));
      const int index = static_cast<int>(product);
      if (!spec.products[index]) continue;
      spec.citation_ids[index] =
          StringList(Field(citations, key.c_str(), where + ".citations"), where);
      check_citations(spec.citation_ids[index], where);
      // Every applicable criterion must cite its basis, except the oral-antidepressant rule,
      // which cites the label edition that applies.
      if (spec.citation_ids[index].empty() &&
          spec.rule != RuleKind::kConcomitantOralAntidepressant) {
        Fail(where, "needs at least one citation for " + key);
      }
    }
    if (c.contains("codes")) spec.codes = NamedList(lists, String(c, "codes", where), where);
    if (c.contains("possible_codes")) {
      spec.possible_codes = NamedList(lists, String(c, "possible_codes", where), where);
    }
    if (c.contains("label_editions")) {
      spec.label_editions = StringList(c["label_editions"], where);
      for (const std::string& id : spec.label_editions) {
        if (std::find(kRequiredLabelEditions.begin(), kRequiredLabelEditions.end(), id) ==
            kRequiredLabelEditions.end()) {
          Fail(where, "unknown label edition \"" + id + "\"");
        }
      }
    }
    spec.window_setting = OptionalString(c, "window_setting", where);
    if (spec.rule == RuleKind::kRecentCondition && spec.window_setting.empty()) {
      Fail(where, "rule needs \"window_setting\"");
    }
    if (c.contains("excluding_codes")) {
      spec.excluding_codes = NamedList(lists, String(c, "excluding_codes", where), where);
    }
    if (c.contains("remission_codes")) {
      spec.remission_codes = NamedList(lists, String(c, "remission_codes", where), where);
    }
    if (c.contains("substance_names")) {
      for (const std::string& name : StringList(c["substance_names"], where)) {
        if (name.empty() || name != Lowercase(name)) Fail(where, "substance_names: lower case");
        spec.substance_names.push_back(name);
      }
    }
    if (c.contains("when_inactive")) {
      spec.when_inactive = ParseInactive(String(c, "when_inactive", where), where);
    }
    if (c.contains("medicine_classes")) {
      spec.medicine_classes = mask_of(StringList(c["medicine_classes"], where), where);
    }
    if (c.contains("child_pugh_class")) {
      spec.child_pugh_class = ParseChildPugh(String(c, "child_pugh_class", where), where);
    }
    const bool needs_codes =
        spec.rule == RuleKind::kCodedCondition || spec.rule == RuleKind::kSubstanceAllergy ||
        spec.rule == RuleKind::kPregnancy || spec.rule == RuleKind::kChildPughClass ||
        spec.rule == RuleKind::kIndicationDiagnosis || spec.rule == RuleKind::kRecentCondition;
    if (needs_codes && spec.codes.empty()) Fail(where, "rule needs \"codes\"");
    if (spec.rule == RuleKind::kMedicineClass && spec.medicine_classes == 0) {
      Fail(where, "rule needs \"medicine_classes\"");
    }
    if (spec.rule == RuleKind::kChildPughClass &&
        spec.child_pugh_class == cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED) {
      Fail(where, "rule needs \"child_pugh_class\"");
    }
    k.criteria_.push_back(std::move(spec));
  }
  if (k.criteria_.empty()) Fail("criteria", "must not be empty");
  return k;
}

const cds::v1::Citation* Knowledge::FindCitation(std::string_view id) const {
  for (const cds::v1::Citation& c : citations_) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

const LabelEdition* Knowledge::FindLabelEdition(std::string_view id) const {
  for (const LabelEdition& e : label_editions_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const Medicine* Knowledge::FindMedicineByRxNorm(std::string_view code) const {
  auto it = std::lower_bound(medicines_.begin(), medicines_.end(), code,
                             [](const Medicine& m, std::string_view c) { return m.rxnorm < c; });
  if (it == medicines_.end() || it->rxnorm != code) return nullptr;
  return &*it;
}

const Medicine* Knowledge::FindMedicineByName(std::string_view text) const {
  if (text.empty()) return nullptr;
  for (std::size_t index : medicines_by_name_length_) {
    if (ContainsWord(text, medicines_[index].name)) return &medicines_[index];
  }
  return nullptr;
}

MedicineClasses Knowledge::ClassMask(std::string_view class_name) const {
  for (std::size_t i = 0; i < class_names_.size(); ++i) {
    if (class_names_[i] == class_name) return MedicineClasses{1} << i;
  }
  return 0;
}

std::string Knowledge::DescribeClasses(MedicineClasses classes) const {
  std::string out;
  for (std::size_t i = 0; i < class_names_.size(); ++i) {
    if (!(classes & (MedicineClasses{1} << i))) continue;
    if (!out.empty()) out += " or ";
    out += class_descriptions_[i];
  }
  return out;
}

const Knowledge& EmbeddedKnowledge() {
  static const Knowledge knowledge = Knowledge::Parse(cds_embedded_ketamine_eligibility_json);
  return knowledge;
}

}  // namespace cds::eligibility
