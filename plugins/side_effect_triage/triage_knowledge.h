// The side-effect triage knowledge: citations, settings with their cited defaults, the symptom
// catalogue and the text of every rule, read once from the versioned JSON file embedded in the
// plugin (knowledge/side_effect_triage.json). Code holds only the predicates.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_KNOWLEDGE_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_KNOWLEDGE_H_

#include <cds/sdk/settings.h>
#include <cds/v1/card.pb.h>
#include <cds/v1/triage.pb.h>

#include <string>
#include <string_view>
#include <vector>

namespace cds::triage {

// How the triage treats a recognised symptom (the knowledge file's "symptom_categories").
enum class SymptomCategory {
  kExpected,
  kHypertensiveWarning,
  kRespiratoryDepression,
  kSeizure,
  kLossOfConsciousness,
  kUrinary,
  kHepatic,
  kSuicidality,
  kOther,
};

struct SymptomCode {
  std::string system;  // code system URI
  std::string code;
  std::string display;
};

struct SymptomDefinition {
  std::string id;
  std::string display;
  std::string definition;
  SymptomCategory category = SymptomCategory::kOther;
  // Sedation, dissociation and respiratory depression must resolve before discharge (S9).
  bool blocks_discharge = false;
  // A headache is a hypertensive warning sign only when severe (or of unrecorded severity).
  bool warning_only_if_severe = false;
  // Dizziness, vertigo, vomiting: while present, discharge waits for staff to record them gone.
  bool discharge_staff_check = false;
  // A present symptom that makes the patient count as sedated (respiratory rules escalate).
  bool indicates_sedation = false;
  // Syncope or chest pain: a heart-rate or blood-pressure finding with it is an emergency.
  bool circulation_red_flag = false;
  std::string supportive_action;
  std::vector<SymptomCode> codes;
};

// One rule as the reviewer wrote it. Texts may hold "{setting_name}" placeholders, filled with
// the instance's setting values once, at construction.
struct RuleText {
  std::string id;
  cds::v1::TriageLevel level = cds::v1::TRIAGE_LEVEL_UNSPECIFIED;
  // For rules with two levels (expected effects): the level when the milder one cannot apply.
  cds::v1::TriageLevel escalated_level = cds::v1::TRIAGE_LEVEL_UNSPECIFIED;
  std::string role;
  std::string description;
  std::string finding;
  std::string threshold;
  std::vector<std::string> actions;
  std::vector<std::string> citation_ids;
};

struct DischargeCriterionText {
  std::string id;
  std::string description;
  std::vector<std::string> citation_ids;
};

// A liver test read from patient.observations, with the setting holding its upper limit.
struct LabTest {
  std::string id;
  std::string code;  // LOINC
  std::string display;
  std::vector<std::string> units;  // accepted UCUM units; the first is the unit of the limit
  std::string limit_setting;
};

// A medicine that adds to a session risk (the knowledge file's "co_medications").
struct CoMedicationClass {
  std::string id;
  std::string name;
  std::string risk;
  std::vector<std::string> citation_ids;
};

struct CoMedication {
  std::string rxnorm;
  std::string name;
  int class_index = 0;  // into TriageKnowledge::co_medication_classes
};

struct CardTexts {
  std::string source_label;
  std::string source_url;
  std::string emergency_disclaimer;
  std::string hypertension_source_note;
  std::string iv_ketamine_note;
  // Where the plugin is stricter than the label; printed on every card.
  std::vector<std::string> stricter_than_label;
};

class TriageKnowledge {
 public:
  // Parses and checks the knowledge file (citation ids resolve, ids are unique, code systems
  // are known). Throws std::runtime_error naming the first problem.
  static TriageKnowledge Parse(std::string_view json);

  std::string knowledge_version;
  std::string review_date;
  std::vector<cds::v1::Citation> citations;
  std::vector<cds::sdk::SettingSpec> settings;
  std::vector<SymptomDefinition> symptoms;
  std::vector<LabTest> lab_tests;
  std::vector<CoMedicationClass> co_medication_classes;
  std::vector<CoMedication> co_medications;
  std::vector<RuleText> rules;
  std::vector<DischargeCriterionText> discharge_criteria;
  std::string driving_advice;
  std::vector<std::string> driving_citation_ids;
  CardTexts card;

  const cds::v1::Citation* FindCitation(std::string_view id) const;
  // The catalogue entry a coding names, or nullptr when cdsd does not know the code.
  const SymptomDefinition* Recognise(const cds::v1::Coding& coding) const;

 private:
  static TriageKnowledge ParseChecked(const nlohmann::json& root);
};

// The knowledge embedded in this plugin, parsed on first use and shared by every instance.
const TriageKnowledge& EmbeddedKnowledge();
// The embedded file's text, as shipped.
std::string_view EmbeddedKnowledgeJson();

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_TRIAGE_KNOWLEDGE_H_
