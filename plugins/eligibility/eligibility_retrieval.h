// Whether the EHR looked up each list of the patient (patient model 1.1). A rule may conclude
// "none recorded" only from a list that was retrieved; anything else is a missing input.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RETRIEVAL_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RETRIEVAL_H_

#include <cds/v1/patient.pb.h>

namespace cds::v1 {
class Card;
}

namespace cds::eligibility {

enum class PatientList { kConditions, kAllergies, kMedications, kAntidepressantTrials, kObservations };

// RETRIEVED: yes. NOT_RETRIEVED: no, whatever entries were sent. UNSPECIFIED (a 1.0 client):
// yes only when the list has entries, so an empty unstated list is never read as "none".
bool ListRetrieved(const cds::v1::PatientContext& patient, PatientList list);

// "patient.conditions" and so on: the request path of the list.
const char* ListPath(PatientList list);

// Records on the card that `list` was not retrieved, with what that leaves undecided.
void AddListNotRetrieved(cds::v1::Card& card, PatientList list, const char* impact);

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_RETRIEVAL_H_
