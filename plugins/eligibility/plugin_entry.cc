// Exports the eligibility service through the plugin C ABI. Kept apart from the service so the
// tests can link the rules without a second cds_plugin_entry.
#include <cds/sdk/plugin.h>

#include "eligibility_service.h"

CDS_PLUGIN(cds::eligibility::EligibilityService)
