// The eligibility rules as data: the criteria, their code lists, the medicine table, the label
// editions and the citations, read once from the versioned knowledge file embedded in the plugin
// (knowledge/ketamine_eligibility.json). Nothing here looks at a patient.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_KNOWLEDGE_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_KNOWLEDGE_H_

#include <cds/v1/card.pb.h>
#include <cds/v1/common.pb.h>
#include <cds/v1/patient.pb.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cds::eligibility {

enum class Product { kEsketamineNasalSpray = 0, kIvRacemicKetamine = 1 };
enum class Indication { kTrd = 0, kMdsi = 1 };
inline constexpr int kProductCount = 2;
inline constexpr int kIndicationCount = 2;

// Names used in settings and in the knowledge file ("esketamine-nasal-spray", "trd").
std::string_view ProductKey(Product product);
std::string_view IndicationKey(Indication indication);
std::optional<Product> ProductFromKey(std::string_view key);
std::optional<Indication> IndicationFromKey(std::string_view key);

// What a criterion's outcome does to the decision.
enum class Role {
  kEligibilityRequirement,  // NOT_MET makes the patient ineligible
  kContraindication,        // MET makes the patient ineligible
  kCaution,                 // MET needs a clinician's review
  kConcomitantTreatment,    // NOT_MET needs review (something to start alongside)
  kInformation,             // never changes the decision
};

// The named predicate that evaluates a criterion (eligibility_rules.cc).
enum class RuleKind {
  kMinimumAge,
  kIndicationDiagnosis,
  kFailedAntidepressantTrials,
  kFailedTrialLimit,
  kConcomitantOralAntidepressant,
  kCodedCondition,
  kSubstanceAllergy,
  kBloodPressureAbove,
  kBloodPressureAtOrAbove,
  kRecentCondition,
  kPregnancy,
  kBreastfeeding,
  kChildPughClass,
  kMedicineClass,
  kBenzodiazepineDose,
};

// How a matching record that is inactive, in remission or resolved counts.
enum class InactiveRecords {
  kSame,    // a history counts like a current problem
  kReview,  // cannot tell whether it still applies: the criterion is UNKNOWN
  kIgnore,  // only current problems count
};

struct CodeEntry {
  std::string system_uri;
  // Exact code, or a prefix ending in '*' (cds::sdk::CodeMatches).
  std::string code;
  std::string display;
  // False: entered without a check against a published code table; the card says so.
  bool verified = false;
  // Empty for the knowledge file's own codes; else the url of the site ValueSet that added it.
  std::string site_value_set;
};

class CodeList {
 public:
  CodeList() = default;
  CodeList(std::string id, std::vector<CodeEntry> entries)
      : id_(std::move(id)), entries_(std::move(entries)) {}

  // The first coding of `codeable_concept` that matches an entry, or nullptr.
  const cds::v1::Coding* FindMatch(const cds::v1::CodeableConcept& codeable_concept) const;
  // As FindMatch, and sets `entry` to the list entry that matched.
  const cds::v1::Coding* FindMatch(const cds::v1::CodeableConcept& codeable_concept,
                                   const CodeEntry** entry) const;
  bool empty() const { return entries_.empty(); }
  // The name of the list in the knowledge file's "code_lists".
  const std::string& id() const { return id_; }
  const std::vector<CodeEntry>& entries() const { return entries_; }
  // Adds an operator's site codes (eligibility_value_sets.h).
  void Extend(const std::vector<CodeEntry>& more) {
    entries_.insert(entries_.end(), more.begin(), more.end());
  }

 private:
  std::string id_;
  std::vector<CodeEntry> entries_;
};

// Bit set of medicine classes ("ssri", "benzodiazepine", ...), indexed in knowledge order.
using MedicineClasses = std::uint32_t;

struct Medicine {
  std::string rxnorm;
  std::string name;
  MedicineClasses classes = 0;
  // mg of diazepam per mg of this medicine (from the equivalence table), when known.
  std::optional<double> diazepam_mg_per_mg;
};

struct ConcomitantRequirement {
  // Empty: the label edition does not require an oral antidepressant for this indication.
  MedicineClasses required_classes = 0;
  std::vector<std::string> citation_ids;
  std::string wording;
};

struct LabelEdition {
  std::string id;
  std::string title;
  std::array<ConcomitantRequirement, kIndicationCount> by_indication;
};

struct CriterionSpec {
  std::string id;
  // Few words for the card summary; may hold {setting} placeholders.
  std::string short_label;
  // Replace "<short_label> unconfirmed" / "<short_label> not met" in the summary.
  std::string unknown_label;
  std::string unmet_label;
  // The rule in plain words with its thresholds as {setting} placeholders.
  std::string description;
  Role role = Role::kInformation;
  RuleKind rule = RuleKind::kCodedCondition;
  std::array<bool, kProductCount> products = {true, true};
  std::array<bool, kIndicationCount> indications = {true, true};
  // Label edition ids the criterion applies to; empty: every edition.
  std::vector<std::string> label_editions;
  // recent_condition: the setting holding the window in days.
  std::string window_setting;
  std::array<std::vector<std::string>, kProductCount> citation_ids;
  std::string when_met;
  std::string when_not_met;
  CodeList codes;
  // Codes that may mean the criterion holds but do not prove it: they make it UNKNOWN.
  CodeList possible_codes;
  // indication_diagnosis: a diagnosis that puts the patient outside the indication (bipolar
  // disorder), and codes of the indication's disorder that say it is in remission.
  CodeList excluding_codes;
  CodeList remission_codes;
  // substance_allergy: lower-case names that identify the substance in an allergy's words.
  std::vector<std::string> substance_names;
  InactiveRecords when_inactive = InactiveRecords::kSame;
  MedicineClasses medicine_classes = 0;
  cds::v1::ChildPughClass child_pugh_class = cds::v1::CHILD_PUGH_CLASS_UNSPECIFIED;
};

class Knowledge {
 public:
  // Parses and checks the knowledge file. Throws std::invalid_argument naming what is wrong.
  static Knowledge Parse(std::string_view json_text);
  // Parse without turning cds::sdk::KnowledgeError into std::invalid_argument.
  static Knowledge ParseChecked(std::string_view json_text);

  const std::string& version() const { return version_; }
  const std::string& review_date() const { return review_date_; }
  const cds::v1::Source& source() const { return source_; }
  const std::vector<CriterionSpec>& criteria() const { return criteria_; }
  // Names of every code list in the file, for checking the operator's value-set bindings.
  const std::vector<std::string>& code_list_ids() const { return code_list_ids_; }
  const std::vector<cds::v1::Citation>& citations() const { return citations_; }
  const cds::v1::Citation* FindCitation(std::string_view id) const;
  const LabelEdition* FindLabelEdition(std::string_view id) const;
  const std::string& benzodiazepine_table_citation() const { return benzodiazepine_citation_; }

  // Medicine by RxNorm ingredient code.
  const Medicine* FindMedicineByRxNorm(std::string_view code) const;
  // Medicine whose name appears as a whole word in `text` (any case), e.g. "Sertraline 50 mg".
  const Medicine* FindMedicineByName(std::string_view text) const;
  MedicineClasses ClassMask(std::string_view class_name) const;
  MedicineClasses oral_antidepressant() const { return oral_antidepressant_; }
  MedicineClasses benzodiazepine() const { return benzodiazepine_; }
  // "SSRI or SNRI" style wording for a set of classes.
  std::string DescribeClasses(MedicineClasses classes) const;

 private:
  std::string version_;
  std::string review_date_;
  cds::v1::Source source_;
  std::vector<cds::v1::Citation> citations_;
  std::vector<LabelEdition> label_editions_;
  std::vector<std::string> class_names_;
  std::vector<std::string> class_descriptions_;
  // Sorted by RxNorm code for binary search.
  std::vector<Medicine> medicines_;
  // Indexes into medicines_, longest name first so "dextroamphetamine" wins over "amphetamine".
  std::vector<std::size_t> medicines_by_name_length_;
  std::vector<CriterionSpec> criteria_;
  std::vector<std::string> code_list_ids_;
  std::string benzodiazepine_citation_;
  MedicineClasses oral_antidepressant_ = 0;
  MedicineClasses benzodiazepine_ = 0;
};

// True when `word` (lower case) appears in `text` as a whole word, in any case.
bool ContainsWord(std::string_view text, std::string_view word);

// The knowledge file built into this plugin, parsed on first use.
const Knowledge& EmbeddedKnowledge();

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_KNOWLEDGE_H_
