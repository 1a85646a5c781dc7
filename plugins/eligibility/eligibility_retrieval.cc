#include "eligibility_retrieval.h"

#include <cds/sdk/clinical.h>

namespace cds::eligibility {

namespace {

struct ListFacts {
  cds::v1::Retrieval state;
  int size;
};

ListFacts Facts(const cds::v1::PatientContext& p, PatientList list) {
  const cds::v1::ListRetrieval& r = p.retrieval();
  switch (list) {
    case PatientList::kConditions: return {r.conditions(), p.conditions_size()};
    case PatientList::kAllergies: return {r.allergies(), p.allergies_size()};
    case PatientList::kMedications: return {r.medications(), p.medications_size()};
    case PatientList::kAntidepressantTrials:
      return {r.antidepressant_trials(), p.antidepressant_trials_size()};
    case PatientList::kObservations: return {r.observations(), p.observations_size()};
  }
  return {cds::v1::RETRIEVAL_NOT_RETRIEVED, 0};
}

const char* ListName(PatientList list) {
  switch (list) {
    case PatientList::kConditions: return "Problem list / diagnoses (not retrieved)";
    case PatientList::kAllergies: return "Allergy list (not retrieved)";
    case PatientList::kMedications: return "Medication list (not retrieved)";
    case PatientList::kAntidepressantTrials: return "Antidepressant trials (not retrieved)";
    case PatientList::kObservations: return "Observations (not retrieved)";
  }
  return "";
}

}  // namespace

bool ListRetrieved(const cds::v1::PatientContext& patient, PatientList list) {
  const ListFacts facts = Facts(patient, list);
  switch (facts.state) {
    case cds::v1::RETRIEVAL_RETRIEVED: return true;
    case cds::v1::RETRIEVAL_NOT_RETRIEVED: return false;
    default: return facts.size > 0;
  }
}

const char* ListPath(PatientList list) {
  switch (list) {
    case PatientList::kConditions: return "patient.conditions";
    case PatientList::kAllergies: return "patient.allergies";
    case PatientList::kMedications: return "patient.medications";
    case PatientList::kAntidepressantTrials: return "patient.antidepressant_trials";
    case PatientList::kObservations: return "patient.observations";
  }
  return "";
}

void AddListNotRetrieved(cds::v1::Card& card, PatientList list, const char* impact) {
  cds::sdk::AddMissingInput(card, ListPath(list), ListName(list), impact);
}

}  // namespace cds::eligibility
