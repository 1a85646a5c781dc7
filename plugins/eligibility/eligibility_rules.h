// The named predicates behind the eligibility criteria. Each reads the request through a
// RuleContext, writes one cds.v1.Criterion (outcome, inputs with their request paths, plain-words
// explanation) and records on the card every input it needed and did not get. Missing or
// unusable data gives UNKNOWN, never MET or NOT_MET.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RULES_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RULES_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>

#include <cstdint>
#include <vector>

#include "eligibility_knowledge.h"
#include "eligibility_settings.h"

namespace cds::eligibility {

// A medication statement recognised as a medicine of the knowledge file.
struct RecognisedMedication {
  int index = 0;  // into patient.medications
  const Medicine* medicine = nullptr;
  // Recognised from its name or text rather than an RxNorm ingredient code.
  bool by_name = false;
};

// The patient's medication list matched once per request, for every medicine rule.
std::vector<RecognisedMedication> RecogniseMedications(const cds::v1::PatientContext& patient,
                                                       const Knowledge& knowledge);

// The medicine a coded concept names: by RxNorm ingredient code, else by name in its text or
// displays. nullptr when not in the knowledge file.
const Medicine* RecogniseMedicine(const cds::v1::CodeableConcept& codeable_concept,
                                  std::string_view fallback_name, const Knowledge& knowledge,
                                  bool* by_name);

struct RuleContext {
  const cds::v1::PatientContext& patient;
  const EligibilitySettings& settings;
  const Knowledge& knowledge;
  Product product;
  Indication indication;
  const LabelEdition& label_edition;
  cds::sdk::Date evaluation_date;
  // Seconds since the epoch of the evaluation instant, for the age of observations.
  std::int64_t evaluation_seconds;
  const std::vector<RecognisedMedication>& medications;
};

// Evaluates `spec` for an applicable product and indication. Sets outcome, inputs and
// explanation on `criterion` and adds missing inputs to `card`.
void EvaluateCriterion(const CriterionSpec& spec, const RuleContext& context,
                       cds::v1::Criterion& criterion, cds::v1::Card& card);

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RULES_H_
