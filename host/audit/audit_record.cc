#include "audit/audit_record.h"

#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "audit/audit_crypto.h"

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;
using nlohmann::json;

std::string Pseudonym(std::string_view key, const std::string& id) {
  return id.empty() ? "" : HmacSha256Hex(key, id);
}

std::string DecisionSummary(const cds::v1::Card& card) {
  switch (card.decision_case()) {
    case cds::v1::Card::kEligibility:
      return "eligibility:" + cds::v1::EligibilityStatus_Name(card.eligibility().status());
    case cds::v1::Card::kDosingSchedule:
      return card.dosing_schedule().dose_withheld() ? "dosing:DOSE_WITHHELD" : "dosing:SCHEDULE";
    case cds::v1::Card::kTriage:
      return "triage:" + cds::v1::TriageLevel_Name(card.triage().level());
    case cds::v1::Card::kVendorDecision:
      return "vendor:" + card.vendor_decision().type_url();
    case cds::v1::Card::DECISION_NOT_SET:
      break;
  }
  return "";
}

json CardJson(const cds::v1::Card& card) {
  json criteria = json::array();
  for (const auto& c : card.criteria()) {
    json ids = json::array();
    for (const auto& id : c.citation_ids()) ids.push_back(id);
    criteria.push_back({{"id", c.id()}, {"outcome", cds::v1::CriterionOutcome_Name(c.outcome())}, {"citations", ids}});
  }
  json citations = json::array();
  for (const auto& c : card.citations()) citations.push_back(c.id());
  json missing = json::array();
  for (const auto& m : card.missing_inputs()) missing.push_back(m.path());
  return {{"uuid", card.uuid()},
          {"service_id", card.service_id()},
          {"plugin_version", card.plugin_version()},
          {"knowledge_version", card.knowledge_version()},
          {"indicator", cds::v1::Indicator_Name(card.indicator())},
          {"decision", DecisionSummary(card)},
          {"criteria", criteria},
          {"citations", citations},
          {"missing_inputs", missing},
          {"sha256", Sha256Hex(card.SerializeAsString())}};
}

}  // namespace

EvaluationEntry BuildEvaluationEntry(const cds::v1::EvaluateRequest& request,
                                     const cds::v1::EvaluateResponse& response, const EvaluationFacts& facts,
                                     std::string_view pseudonym_key) {
  json services = json::array();
  for (const auto& r : response.service_results()) {
    services.push_back({{"service_id", r.service_id()},
                        {"plugin_version", r.plugin_version()},
                        {"status", cds::v1::ServiceStatus_Name(r.status())},
                        {"elapsed_us", TimeUtil::DurationToMicroseconds(r.elapsed())},
                        {"card_count", r.card_count()}});
  }
  EvaluationEntry entry;
  json cards = json::array();
  for (const auto& card : response.cards()) {
    cards.push_back(CardJson(card));
    entry.card_uuids.push_back(card.uuid());
  }
  json body = {{"kind", "evaluation"},
               {"evaluation_id", response.evaluation_id()},
               {"hook", request.hook()},
               {"hook_instance", request.hook_instance()},
               {"received_us", facts.received_unix_micros},
               {"answered_us", facts.answered_unix_micros},
               {"latency_us", facts.answered_unix_micros - facts.received_unix_micros},
               {"evaluation_time", TimeUtil::ToString(response.evaluation_time())},
               {"evaluation_date", response.evaluation_date()},
               {"caller", request.user_id()},
               {"client", {{"iss", facts.client_issuer}, {"sub", facts.client_subject}}},
               {"patient_pseudonym", Pseudonym(pseudonym_key, request.patient().patient_id())},
               {"encounter_pseudonym", Pseudonym(pseudonym_key, request.encounter_id())},
               {"config_generation", facts.config_generation},
               {"services", services},
               {"cards", cards},
               {"request_sha256", Sha256Hex(request.SerializeAsString())}};
  entry.evaluation_id = response.evaluation_id();
  entry.received_unix_micros = facts.received_unix_micros;
  entry.body = body.dump();
  return entry;
}

FeedbackEntry BuildFeedbackEntry(const cds::v1::Feedback& feedback, int64_t received_unix_micros,
                                 std::string client_issuer, std::string client_subject) {
  FeedbackEntry entry;
  entry.client_issuer = std::move(client_issuer);
  entry.client_subject = std::move(client_subject);
  entry.card_uuid = feedback.card_uuid();
  entry.outcome = cds::v1::FeedbackOutcome_Name(feedback.outcome());
  entry.outcome_time = feedback.has_outcome_time() ? TimeUtil::ToString(feedback.outcome_time()) : "";
  entry.received_unix_micros = received_unix_micros;
  json accepted = json::array();
  for (const auto& s : feedback.accepted_suggestion_uuids()) accepted.push_back(s);
  json body = {{"kind", "feedback"},
               {"card_uuid", entry.card_uuid},
               {"outcome", entry.outcome},
               {"outcome_time", entry.outcome_time},
               {"received_us", received_unix_micros},
               {"client", {{"iss", entry.client_issuer}, {"sub", entry.client_subject}}},
               {"override_reason", {{"system", feedback.override_reason().system()},
                                    {"code", feedback.override_reason().code()}}},
               {"accepted_suggestions", accepted},
               // Free text may name the patient: only its digest is kept.
               {"comment_sha256", feedback.user_comment().empty() ? "" : Sha256Hex(feedback.user_comment())}};
  entry.body = body.dump();
  return entry;
}

std::string ChainHash(std::string_view previous_hash, std::string_view body) {
  std::string input;
  input.reserve(previous_hash.size() + body.size());
  input.append(previous_hash).append(body);
  return Sha256Hex(input);
}

void ChainWalk::Bad(int64_t at, const std::string& id, std::string problem) {
  report_.intact = false;
  report_.first_bad_sequence = at;
  report_.first_bad_evaluation_id = id;
  report_.problem = std::move(problem);
}

bool ChainWalk::Next(int64_t at, const std::string& id, int64_t received_us, const std::string& body,
                     const std::string& prev, const std::string& stored, const std::optional<std::string>& body_id,
                     std::optional<int64_t> body_received_us) {
  if (!report_.intact) return false;
  ++report_.checked;
  if (stored != ChainHash(prev, body)) {
    Bad(at, id, "record was edited: its hash does not match its contents");
  } else if (body_id != id || body_received_us != received_us) {
    Bad(at, id, "record was edited: its lookup columns disagree with its hashed contents");
  } else if (at != sequence_ + 1) {
    Bad(at, id, "records " + std::to_string(sequence_ + 1) + ".." + std::to_string(at - 1) + " were deleted");
  } else if (prev != hash_) {
    Bad(at, id, "the record before it was deleted, edited or the order was changed");
  } else {
    hash_ = stored;
    sequence_ = at;
    return true;
  }
  return false;
}

void ChainWalk::ExpectHead(int64_t head_sequence, const std::string& head_hash) {
  if (!report_.intact || (head_sequence == sequence_ && head_hash == hash_)) return;
  Bad(sequence_ + 1, "",
      "records " + std::to_string(sequence_ + 1) + ".." + std::to_string(head_sequence) +
          " at the end of the chain were deleted (the chain head is at " + std::to_string(head_sequence) + ")");
}

}  // namespace cdsd
