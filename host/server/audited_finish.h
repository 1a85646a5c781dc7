// Finishes an Evaluate call once its audit record is settled: OK only with a record (committed
// in sync durability, queued in async), RESOURCE_EXHAUSTED when the audit queue is full and
// UNAVAILABLE when the record could not be written. No advice leaves without a record.
#ifndef CDSD_HOST_SERVER_AUDITED_FINISH_H_
#define CDSD_HOST_SERVER_AUDITED_FINISH_H_

#include <absl/status/status.h>

#include "server/evaluation.h"

namespace cdsd {

void FinishAudited(EvaluationFinisher& finisher, const EvaluateMessages& messages, const absl::Status& audit_status);

}  // namespace cdsd

#endif  // CDSD_HOST_SERVER_AUDITED_FINISH_H_
