// The plugin's one exported symbol, cds_plugin_entry, kept apart from the rules so that tests can
// link the rules library without exporting anything.
#include <cds/sdk/plugin.h>

#include "side_effect_triage.h"

CDS_PLUGIN(cds::triage::SideEffectTriage)
