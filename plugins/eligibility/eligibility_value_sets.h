// Site code lists: an operator adds local or more specific codes (a SNOMED CT child concept, a
// local allergen code) to a named code list of the knowledge file, as FHIR ValueSet expansions
// read from files when an instance is created.
#ifndef CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_VALUE_SETS_H_
#define CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_VALUE_SETS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "eligibility_knowledge.h"

namespace cds::eligibility {

// The coding system of ValueSet.useContext[].valueCodeableConcept that names the code list a
// ValueSet extends, e.g. {"system": kCodeListContextSystem, "code": "arteriovenous_malformation"}.
inline constexpr std::string_view kCodeListContextSystem = "urn:cdsd:eligibility:code-list";

// Reads each file of `comma_separated_paths` (empty: none) as a FHIR ValueSet with a `url`, at
// least one useContext naming a code list of `knowledge`, and `expansion.contains[]` entries
// with `system` and `code`. Returns the entries to add, by code-list id. Throws
// cds::sdk::SettingsError naming value_set_files, the file and the problem.
std::map<std::string, std::vector<CodeEntry>> LoadSiteValueSets(
    std::string_view comma_separated_paths, const Knowledge& knowledge);

}  // namespace cds::eligibility

#endif  // CDS_PLUGINS_ELIGIBILITY_ELIGIBILITY_VALUE_SETS_H_
