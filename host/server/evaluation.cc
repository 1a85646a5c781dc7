#include "server/evaluation.h"

#include <cds/plugin/v1/plugin.pb.h>
#include <google/protobuf/util/time_util.h>

#include <set>
#include <thread>

#include "observability/logging.h"
#include "server/rpc_errors.h"
#include "server/uuid.h"

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxSummary = 140;
// Headroom kept before the caller's deadline to merge, audit and send the answer.
constexpr auto kDeadlineMargin = std::chrono::milliseconds(5);

// Cuts UTF-8 text to fewer than `limit` bytes at a character boundary, marking the cut.
std::string Shorten(const std::string& text, size_t limit) {
  size_t cut = limit - 4;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// Fixes what would make a card unusable or misleading in an EHR, and says what was fixed.
// Cards are never dropped: a defective warning is still a warning.
void NormaliseCard(cds::v1::Card& card, int index, const PluginService& service, std::string& notes) {
  auto note = [&](const std::string& text) {
    notes += (notes.empty() ? "" : "; ") + ("card " + std::to_string(index) + ": " + text);
  };
  if (card.summary().empty()) {
    card.set_summary(service.library().info().title() + ": see details");
    note("had no summary");
  } else if (card.summary().size() >= kMaxSummary) {
    card.set_summary(Shorten(card.summary(), kMaxSummary));
    note("summary shortened to under 140 characters");
  }
  if (card.indicator() == cds::v1::INDICATOR_UNSPECIFIED || !cds::v1::Indicator_IsValid(card.indicator())) {
    card.set_indicator(cds::v1::INDICATOR_WARNING);
    note("had no indicator; shown as warning");
  }
  if (card.uuid().empty()) card.set_uuid(NewUuid());  // duplicates are resolved across all services in Complete
  if (card.source().label().empty()) card.mutable_source()->set_label(service.library().info().name());
  card.set_service_id(service.id());
  card.set_plugin_version(service.library().info().version());
  card.set_knowledge_version(service.library().info().knowledge_version());
}

}  // namespace

Evaluation::Evaluation(const EvaluationContext& context, grpc::CallbackServerContext* rpc,
                       const cds::v1::EvaluateRequest* request, cds::v1::EvaluateResponse* response,
                       grpc::ServerUnaryReactor* reactor,
                       std::shared_ptr<const PluginSnapshot> snapshot)
    : context_(context),
      rpc_(rpc),
      request_(request),
      response_(response),
      reactor_(reactor),
      snapshot_(std::move(snapshot)),
      started_(Clock::now()) {}

void Evaluation::Start(std::vector<SelectedService> services,
                       const google::protobuf::Timestamp& evaluation_time,
                       const std::string& evaluation_date) {
  received_unix_micros_ = TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime());
  response_->set_evaluation_id(NewUuid());
  *response_->mutable_evaluation_time() = evaluation_time;
  response_->set_evaluation_date(evaluation_date);

  // The plugin input is serialized once; each service's copy differs only in service_id, which
  // is appended (protobuf wire format merges concatenated messages).
  std::string base;
  {
    cds::plugin::v1::EvaluateInput input;
    input.set_hook(request_->hook());
    input.set_hook_instance(request_->hook_instance());
    *input.mutable_evaluation_time() = evaluation_time;
    input.set_evaluation_id(response_->evaluation_id());
    input.set_evaluation_date(evaluation_date);
    // Borrow the request's patient for serialization instead of copying it.
    input.unsafe_arena_set_allocated_patient(const_cast<cds::v1::PatientContext*>(&request_->patient()));
    input.SerializeToString(&base);
    input.unsafe_arena_release_patient();
  }

  Clock::duration longest{0};
  for (SelectedService& s : services) {
    auto slot = std::make_unique<Slot>();
    if (s.service) {
      cds::plugin::v1::EvaluateInput suffix;
      suffix.set_service_id(s.service_id);
      slot->input = base + suffix.SerializeAsString();
      longest = std::max<Clock::duration>(longest, s.service->timeout());
    }
    slot->selected = std::move(s);
    slots_.push_back(std::move(slot));
  }

  // The answer is due when the slowest service's timeout passes, or just before the caller's
  // deadline, whichever is first.
  auto due = started_ + longest;
  const auto caller_deadline = rpc_->deadline();
  if (caller_deadline != std::chrono::system_clock::time_point::max()) {
    const auto callers = started_ + (caller_deadline - std::chrono::system_clock::now()) - kDeadlineMargin;
    if (callers < due) {
      due = callers;
      deadline_is_callers_ = true;
    }
  }

  int runnable = 0;
  for (auto& slot : slots_) runnable += slot->selected.service ? 1 : 0;
  if (runnable == 0) {
    Complete(false);
    return;
  }
  remaining_.store(runnable, std::memory_order_relaxed);
  auto self = shared_from_this();
  context_.timer->Schedule(due, self);
  for (auto& slot : slots_) {
    if (!slot->selected.service) continue;
    Slot* raw = slot.get();
    context_.pool->Submit([self, raw] { self->RunSlot(*raw); });
  }
}

void Evaluation::RunSlot(Slot& slot) {
  PluginService& service = *slot.selected.service;
  ServiceStats& stats = service.stats();
  const auto begin = Clock::now();
  PluginCallResult result = service.Evaluate(slot.input);
  const auto elapsed = Clock::now() - begin;
  stats.calls.fetch_add(1, std::memory_order_relaxed);
  stats.latency.Record(std::chrono::duration<double, std::micro>(elapsed).count());

  int expected = kPending;
  if (slot.state.compare_exchange_strong(expected, kWriting, std::memory_order_acq_rel)) {
    slot.elapsed = elapsed;
    if (elapsed > service.timeout()) {
      slot.status = cds::v1::SERVICE_STATUS_TIMEOUT;
      slot.message = "answered after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) +
                     " ms, past its " + std::to_string(service.timeout().count()) + " ms timeout";
      stats.timeouts.fetch_add(1, std::memory_order_relaxed);
    } else if (result.status != CDS_STATUS_OK) {
      slot.status = cds::v1::SERVICE_STATUS_ERROR;
      slot.message = std::string("plugin error ") + StatusName(result.status) + ": " + result.error;
      stats.errors.fetch_add(1, std::memory_order_relaxed);
    } else {
      slot.status = cds::v1::SERVICE_STATUS_OK;
      slot.result = std::move(result);
    }
    slot.state.store(kDone, std::memory_order_release);
  } else {
    // The deadline passed first: the answer is discarded and the stuck call is over.
    service.stuck_calls().fetch_sub(1, std::memory_order_relaxed);
    context_.pool->RetireStandIn();
  }
  SlotFinished();
}

void Evaluation::SlotFinished() {
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) Complete(false);
}

void Evaluation::OnDeadline() { Complete(true); }

void Evaluation::Complete(bool at_deadline) {
  if (completed_.exchange(true, std::memory_order_acq_rel)) return;

  for (auto& slot : slots_) MergeSlot(*slot, at_deadline);

  // Card uuids must be unique in the response (plugins may set their own, or repeat them).
  std::set<std::string> uuids;
  for (int i = 0; i < response_->cards_size(); ++i) {
    auto* card = response_->mutable_cards(i);
    if (!uuids.insert(card->uuid()).second) card->set_uuid(NewUuid());
  }

  if (context_.audit != nullptr) {
    EvaluationRecord record;
    record.evaluation_id = response_->evaluation_id();
    record.hook = request_->hook();
    record.hook_instance = request_->hook_instance();
    record.received_unix_micros = received_unix_micros_;
    record.config_generation = snapshot_->generation();
    record.patient_id = request_->patient().patient_id();
    if (context_.audit->stores_requests()) request_->SerializeToString(&record.request);
    response_->SerializeToString(&record.response);
    if (!context_.audit->Record(std::move(record))) {
      LogEvent(LogLevel::kError, "audit_backlog_full", {{"evaluation_id", response_->evaluation_id()}});
      reactor_->Finish(ErrorWithReason(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                       "the audit trail is not keeping up; advice is not given "
                                       "without an audit record. Retry shortly.",
                                       "AUDIT_BACKLOG_FULL"));
      context_.in_flight->fetch_sub(1, std::memory_order_release);
      return;
    }
  }
  reactor_->Finish(grpc::Status::OK);
  context_.in_flight->fetch_sub(1, std::memory_order_release);
}

void Evaluation::MergeSlot(Slot& slot, bool at_deadline) {
  cds::v1::ServiceResult* result = response_->add_service_results();
  result->set_service_id(slot.selected.service_id);
  if (!slot.selected.service) {
    result->set_status(cds::v1::SERVICE_STATUS_SKIPPED);
    result->set_message(slot.selected.skip_reason);
    return;
  }
  const PluginService& service = *slot.selected.service;
  result->set_plugin_version(service.library().info().version());

  int expected = kPending;
  if (at_deadline && slot.state.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
    service.stats().timeouts.fetch_add(1, std::memory_order_relaxed);
    service.stuck_calls().fetch_add(1, std::memory_order_relaxed);
    context_.pool->AddStandIn();
    result->set_status(cds::v1::SERVICE_STATUS_TIMEOUT);
    result->set_message(deadline_is_callers_
                            ? "no answer before the caller's deadline"
                            : "no answer within its " + std::to_string(service.timeout().count()) + " ms timeout");
    *result->mutable_elapsed() = TimeUtil::NanosecondsToDuration(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started_).count());
    return;
  }
  // The worker may be writing its answer right now; it takes well under a microsecond.
  while (slot.state.load(std::memory_order_acquire) == kWriting) std::this_thread::yield();

  *result->mutable_elapsed() = TimeUtil::NanosecondsToDuration(
      std::chrono::duration_cast<std::chrono::nanoseconds>(slot.elapsed).count());
  result->set_status(slot.status);
  result->set_message(slot.message);
  if (slot.status != cds::v1::SERVICE_STATUS_OK) {
    LogEvent(slot.status == cds::v1::SERVICE_STATUS_TIMEOUT ? LogLevel::kWarn : LogLevel::kError,
             "service_failed",
             {{"service_id", service.id()}, {"status", cds::v1::ServiceStatus_Name(slot.status)},
              {"message", slot.message}, {"evaluation_id", response_->evaluation_id()}});
    return;
  }
  cds::plugin::v1::EvaluateOutput output;
  if (slot.result.response.size() > static_cast<size_t>(INT32_MAX) ||
      !output.ParseFromArray(slot.result.response.data(), static_cast<int>(slot.result.response.size()))) {
    service.stats().errors.fetch_add(1, std::memory_order_relaxed);
    result->set_status(cds::v1::SERVICE_STATUS_ERROR);
    result->set_message("plugin returned bytes that are not a cds.plugin.v1.EvaluateOutput");
    LogEvent(LogLevel::kError, "service_failed",
             {{"service_id", service.id()}, {"status", "SERVICE_STATUS_ERROR"},
              {"message", result->message()}, {"evaluation_id", response_->evaluation_id()}});
    return;
  }
  std::string notes;
  for (int i = 0; i < output.cards_size(); ++i) NormaliseCard(*output.mutable_cards(i), i, service, notes);
  result->set_card_count(output.cards_size());
  if (!notes.empty()) result->set_message("normalised: " + notes);
  // Move the cards into the response, in order, without copying them.
  std::vector<cds::v1::Card*> moved(output.cards_size());
  output.mutable_cards()->ExtractSubrange(0, output.cards_size(), moved.data());
  for (cds::v1::Card* card : moved) response_->mutable_cards()->AddAllocated(card);
}

}  // namespace cdsd
