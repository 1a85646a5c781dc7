// Builds the compact audit record of one evaluation or feedback: what an auditor needs (hook,
// times, caller, services with versions and status, each card's uuid, indicator, typed decision
// summary, criteria outcomes, citation ids and digests) and nothing that identifies the patient:
// the patient and encounter ids appear only as HMAC-SHA-256 pseudonyms, free text only as digests.
#ifndef CDSD_HOST_AUDIT_AUDIT_RECORD_H_
#define CDSD_HOST_AUDIT_AUDIT_RECORD_H_

#include <cds/v1/decision_support.pb.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/audit_store.h"

namespace cdsd {

struct EvaluationFacts {
  int64_t received_unix_micros = 0;
  int64_t answered_unix_micros = 0;
  uint64_t config_generation = 0;
  // The authenticated client (JWT iss and sub); empty when authentication is off.
  std::string client_issuer;
  std::string client_subject;
};

// Body and lookup fields; the caller seals the full request/response when configured.
EvaluationEntry BuildEvaluationEntry(const cds::v1::EvaluateRequest& request,
                                     const cds::v1::EvaluateResponse& response, const EvaluationFacts& facts,
                                     std::string_view pseudonym_key);

// `client_*`: the authenticated client giving the feedback (empty when authentication is off);
// the store refuses it unless the same client received the card.
FeedbackEntry BuildFeedbackEntry(const cds::v1::Feedback& feedback, int64_t received_unix_micros,
                                 std::string client_issuer = "", std::string client_subject = "");

// The chain link: SHA-256 over the previous record's hash (hex) followed by the body.
std::string ChainHash(std::string_view previous_hash, std::string_view body);

}  // namespace cdsd

#endif  // CDSD_HOST_AUDIT_AUDIT_RECORD_H_
