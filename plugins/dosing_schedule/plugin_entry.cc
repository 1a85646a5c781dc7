// The one exported symbol of libketamine_dosing_schedule.so: the C ABI table around the service.
#include <cds/sdk/plugin.h>

#include "dosing_schedule_service.h"

CDS_PLUGIN(cds::dosing::DosingScheduleService)
