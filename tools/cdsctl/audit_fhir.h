// Maps one stored audit record to a FHIR R4 AuditEvent resource (for export to a FHIR server
// or an audit repository). Only pseudonyms and ids leave: the record holds nothing else.
#ifndef CDSD_TOOLS_CDSCTL_AUDIT_FHIR_H_
#define CDSD_TOOLS_CDSCTL_AUDIT_FHIR_H_

#include <nlohmann/json.hpp>

#include "audit/audit_store.h"

nlohmann::json ToFhirAuditEvent(const cdsd::StoredEvaluation& evaluation);

#endif  // CDSD_TOOLS_CDSCTL_AUDIT_FHIR_H_
