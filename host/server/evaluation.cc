#include "server/evaluation.h"

#include <cds/plugin/v1/plugin.pb.h>
#include <google/protobuf/util/time_util.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

#include <algorithm>

#include "observability/logging.h"
#include "plugin/utf8_text.h"
#include "server/audited_finish.h"
#include "server/rpc_errors.h"
#include "server/uuid.h"
#include "util/wall_clock.h"

namespace cdsd {
namespace {

using google::protobuf::util::TimeUtil;

// CDS Hooks: a card summary is under 140 characters.
constexpr size_t kMaxSummaryChars = 140;
constexpr auto kMaxDeadlineMargin = std::chrono::milliseconds(5);
// Admission control never assumes a call is faster than this, so a cold burst is still bounded.
constexpr int64_t kMinCallNanos = 20'000;

int64_t Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

google::protobuf::Duration ToDuration(std::chrono::steady_clock::duration d) {
  return TimeUtil::NanosecondsToDuration(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// Fixes what would make a card unusable or misleading in an EHR, and says what was fixed.
// Cards are never dropped: a defective warning is still a warning. The host assigns every card
// and suggestion uuid: feedback and the audit trail are keyed by them, so a plugin may not pick
// (or repeat) them.
void NormaliseCard(cds::v1::Card& card, int index, const PluginService& service, std::string& notes) {
  auto note = [&](const std::string& text) {
    notes += (notes.empty() ? "" : "; ") + ("card " + std::to_string(index) + ": " + text);
  };
  if (card.summary().empty()) {
    card.set_summary(ShortenUtf8(service.library().info().title() + ": see details", kMaxSummaryChars));
    note("had no summary");
  } else if (Utf8Length(card.summary()) >= kMaxSummaryChars) {
    card.set_summary(ShortenUtf8(card.summary(), kMaxSummaryChars));
    note("summary shortened to under 140 characters");
  }
  if (card.indicator() == cds::v1::INDICATOR_UNSPECIFIED || !cds::v1::Indicator_IsValid(card.indicator())) {
    card.set_indicator(cds::v1::INDICATOR_WARNING);
    note("had no indicator; shown as warning");
  }
  card.set_uuid(NewUuid());
  for (auto& suggestion : *card.mutable_suggestions()) suggestion.set_uuid(NewUuid());
  if (card.source().label().empty()) card.mutable_source()->set_label(service.library().info().name());
  card.set_service_id(service.id());
  card.set_plugin_version(service.library().info().version());
  card.set_knowledge_version(service.library().info().knowledge_version());
}

grpc::Status Overload(const std::string& service_id, std::chrono::steady_clock::duration wait) {
  const int64_t retry_ms = std::max<int64_t>(1, Millis(wait) + 1);
  const std::string message = "cdsd is overloaded: service '" + service_id +
                              "' cannot start this call before its deadline (expected wait " +
                              std::to_string(retry_ms) + " ms). Retry after that.";
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  status.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason("OVERLOADED");
  info.set_domain(kErrorDomain);
  (*info.mutable_metadata())["service_id"] = service_id;
  status.add_details()->PackFrom(info);
  google::rpc::RetryInfo retry;
  *retry.mutable_retry_delay() = TimeUtil::MillisecondsToDuration(retry_ms);
  status.add_details()->PackFrom(retry);
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message, status.SerializeAsString());
}

}  // namespace

int PermitsFor(const PluginConfig& config, int pool_threads) {
  if (config.max_concurrent_calls > 0) return config.max_concurrent_calls;
  return std::max(1, (pool_threads + 1) / 2);
}

CallDeadlines DeadlinesFor(std::chrono::steady_clock::time_point now,
                           std::optional<std::chrono::steady_clock::duration> caller_time_left) {
  CallDeadlines d{std::chrono::steady_clock::time_point::max()};
  if (!caller_time_left) return d;
  const auto left = std::max<std::chrono::steady_clock::duration>(*caller_time_left, {});
  const auto margin = std::min<std::chrono::steady_clock::duration>(kMaxDeadlineMargin, left / 5);
  d.callers = now + left - margin;
  return d;
}

Evaluation::Evaluation(const EvaluationContext& context, std::chrono::system_clock::time_point caller_deadline,
                       std::shared_ptr<EvaluateMessages> messages, std::shared_ptr<EvaluationFinisher> finisher,
                       std::shared_ptr<const PluginSnapshot> snapshot)
    : context_(context),
      caller_deadline_(caller_deadline),
      messages_(std::move(messages)),
      request_(&messages_->request),
      response_(&messages_->response),
      finisher_(std::move(finisher)),
      snapshot_(std::move(snapshot)),
      started_(Clock::now()) {}

std::optional<Evaluation::Clock::duration> Evaluation::Overloaded(const Slot& slot, Clock::time_point now) const {
  const WorkerPool::LaneLoad load = context_.pool->Load(slot.selected.service.get());
  const int permits = slot.selected.permits;
  const int64_t per_call = std::max(kMinCallNanos, slot.selected.service->stats().recent_nanos.load(std::memory_order_relaxed));
  // Calls ahead of this one, in rounds of `permits` at a time.
  const int64_t ahead = load.queued + std::max(0, load.running - permits + 1);
  const int64_t rounds = (ahead + permits - 1) / permits;
  const auto wait = std::chrono::nanoseconds(rounds * per_call);
  if (now + wait + std::chrono::nanoseconds(per_call) <= slot.call->deadline()) return std::nullopt;
  if (ahead == 0) return std::nullopt;  // an idle lane always gets the call, however slow it is
  return wait;
}

void Evaluation::Start(std::vector<SelectedService> services,
                       const google::protobuf::Timestamp& evaluation_time,
                       const std::string& evaluation_date) {
  received_unix_micros_ = NowUnixMicros();
  response_->set_evaluation_id(NewUuid());
  *response_->mutable_evaluation_time() = evaluation_time;
  response_->set_evaluation_date(evaluation_date);

  // The plugin input is serialized once; each service's copy differs only in service_id and
  // evaluation_id, which are appended (protobuf wire format merges concatenated messages). The
  // base, which leaves out the per-evaluation id, is what identifies a request that keeps
  // crashing an isolated plugin (its poison-request fingerprint).
  std::string base;
  {
    cds::plugin::v1::EvaluateInput input;
    input.set_hook(request_->hook());
    input.set_hook_instance(request_->hook_instance());
    *input.mutable_evaluation_time() = evaluation_time;
    input.set_evaluation_date(evaluation_date);
    // The orders being drafted or signed reach every plugin (docs/api.md, draft orders).
    *input.mutable_draft_orders() = request_->draft_orders();
    *input.mutable_selections() = request_->selections();
    // Borrow the request's patient for serialization instead of copying it.
    input.unsafe_arena_set_allocated_patient(const_cast<cds::v1::PatientContext*>(&request_->patient()));
    input.SerializeToString(&base);
    input.unsafe_arena_release_patient();
  }

  std::optional<Clock::duration> caller_left;
  if (caller_deadline_ != std::chrono::system_clock::time_point::max()) {
    caller_left = std::chrono::duration_cast<Clock::duration>(caller_deadline_ - std::chrono::system_clock::now());
  }
  const CallDeadlines deadlines = DeadlinesFor(started_, caller_left);

  auto self = shared_from_this();
  slots_.reserve(services.size());
  int runnable = 0;
  std::optional<uint64_t> fingerprint;
  for (SelectedService& s : services) {
    Slot slot;
    if (s.service) {
      cds::plugin::v1::EvaluateInput suffix;
      suffix.set_evaluation_id(response_->evaluation_id());
      suffix.set_service_id(s.service_id);
      // The instant the host stops waiting for this call (docs/api.md, plugin deadline), as
      // wall-clock time: the plugin lives in another clock domain (or another process).
      const auto call_deadline = deadlines.For(started_, s.service->timeout());
      *suffix.mutable_deadline() = TimeUtil::MicrosecondsToTimestamp(
          ToUnixMicros(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(call_deadline - Clock::now())));
      // Owned by the call's invoke hook: an abandoned call may still be reading it after this
      // evaluation has answered.
      auto input = std::make_shared<const std::string>(base + suffix.SerializeAsString());
      std::shared_ptr<PluginService> service = s.service;
      PluginCallContext context;
      context.deadline = deadlines.For(started_, service->timeout());
      if (service->isolation() == Isolation::kProcess) {
        if (!fingerprint) fingerprint = RequestFingerprint(base);
        context.fingerprint = *fingerprint;
      }
      ServiceCall::Hooks hooks;
      hooks.invoke = [service, input, context, evaluation_id = response_->evaluation_id()]() mutable {
        const auto begin = Clock::now();
        context.evaluation_id = evaluation_id;
        PluginCallResult result = service->Evaluate(*input, context);
        const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - begin).count();
        service->stats().calls.fetch_add(1, std::memory_order_relaxed);
        service->stats().latency.Record(static_cast<double>(nanos) / 1000.0);
        service->stats().RecordCall(nanos);
        return result;
      };
      hooks.on_settled = [self](ServiceCall& call) { self->CallSettled(call); };
      hooks.stuck = &service->stuck_calls();
      slot.deadline_is_callers = deadlines.IsCallers(started_, service->timeout());
      slot.budget = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::min<Clock::duration>(service->timeout(), deadlines.callers - started_));
      // Plain new: the timer's weak reference keeps only the control block of a finished call.
      slot.call.reset(new ServiceCall(deadlines.For(started_, service->timeout()), std::move(hooks)));
      ++runnable;
    }
    slot.selected = std::move(s);
    slots_.push_back(std::move(slot));
  }

  // Admission: refuse the whole call when a selected service could not even start it in time
  // (the caller gets RESOURCE_EXHAUSTED with retry advice, not an answer missing that advice).
  const auto now = Clock::now();
  for (const Slot& slot : slots_) {
    if (!slot.call || slot.call->deadline() <= now) continue;
    if (auto wait = Overloaded(slot, now)) {
      slot.selected.service->stats().shed.fetch_add(1, std::memory_order_relaxed);
      for (Slot& s : slots_) s.call.reset();  // never submitted: nothing else refers to them
      FinishNow(Overload(slot.selected.service_id, *wait));
      return;
    }
  }

  if (runnable == 0) {
    Complete();
    return;
  }
  remaining_.store(runnable, std::memory_order_relaxed);
  // Once the last call settles, Complete may run on another thread and clear slots_: launch
  // from a local list.
  struct Launch {
    std::shared_ptr<ServiceCall> call;
    const void* lane;
    int permits;
  };
  std::vector<Launch> launches;
  launches.reserve(runnable);
  for (const Slot& slot : slots_) {
    if (slot.call) launches.push_back({slot.call, slot.selected.service.get(), slot.selected.permits});
  }
  for (Launch& launch : launches) {
    if (launch.call->deadline() <= now) {
      launch.call->Expire();  // the caller's deadline left no time: the plugin is not called
      continue;
    }
    context_.timer->Schedule(launch.call->deadline(), launch.call);
    context_.pool->Submit(launch.lane, launch.permits, std::move(launch.call));
  }
}

void Evaluation::CallSettled(const ServiceCall& call) {
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The last call settled. A worker that just answered finishes the response itself; a deadline
  // (timer thread) or a shutdown hands it to the completion threads.
  if (call.state() == ServiceCall::State::kAnswered) {
    Complete();
  } else {
    context_.completions->Post([self = shared_from_this()] { self->Complete(); });
  }
}

void Evaluation::FinishNow(const grpc::Status& status) {
  finisher_->Finish(status, *messages_);
  context_.in_flight->fetch_sub(1, std::memory_order_release);
}

void Evaluation::Complete() {
  for (Slot& slot : slots_) MergeSlot(slot);
  slots_.clear();  // releases the calls and, through their hooks, nothing that points back here

  if (context_.audit == nullptr) {
    FinishNow(grpc::Status::OK);
    return;
  }
  // The audit hook: the answer is finished only by the completion of its audit record (after
  // the commit in sync durability), so no advice leaves without a record.
  EvaluationFacts facts{received_unix_micros_, NowUnixMicros(),
                        snapshot_->generation(), messages_->caller.issuer, messages_->caller.subject};
  context_.audit->Record(*request_, *response_, facts,
                         [finisher = finisher_, in_flight = context_.in_flight, messages = messages_](absl::Status status) {
                           FinishAudited(*finisher, *messages, status);
                           in_flight->fetch_sub(1, std::memory_order_release);
                         });
}

void Evaluation::MergeSlot(Slot& slot) {
  cds::v1::ServiceResult* result = response_->add_service_results();
  result->set_service_id(slot.selected.service_id);
  if (!slot.selected.service) {
    result->set_status(cds::v1::SERVICE_STATUS_SKIPPED);
    result->set_message(slot.selected.skip_reason);
    return;
  }
  const PluginService& service = *slot.selected.service;
  ServiceStats& stats = service.stats();
  result->set_plugin_version(service.library().info().version());
  ServiceCall& call = *slot.call;
  const std::string deadline_text = slot.deadline_is_callers
                                        ? "the caller's deadline (" + std::to_string(slot.budget.count()) + " ms left)"
                                        : "its " + std::to_string(service.timeout().count()) + " ms timeout";
  auto fail = [&](cds::v1::ServiceStatus status, const std::string& message) {
    result->set_status(status);
    result->set_message(message);
    LogEvent(status == cds::v1::SERVICE_STATUS_TIMEOUT ? LogLevel::kWarn : LogLevel::kError, "service_failed",
             {{"service_id", service.id()}, {"status", cds::v1::ServiceStatus_Name(status)},
              {"message", message}, {"evaluation_id", response_->evaluation_id()}});
  };

  switch (call.state()) {
    case ServiceCall::State::kExpired:
      stats.timeouts.fetch_add(1, std::memory_order_relaxed);
      stats.expired.fetch_add(1, std::memory_order_relaxed);
      *result->mutable_elapsed() = ToDuration(std::chrono::nanoseconds(0));
      fail(cds::v1::SERVICE_STATUS_TIMEOUT,
           "not started before " + deadline_text + ": all " + std::to_string(slot.selected.permits) +
               " of its concurrent calls were busy (the plugin was not called)");
      return;
    case ServiceCall::State::kAbandoned:
      stats.timeouts.fetch_add(1, std::memory_order_relaxed);
      *result->mutable_elapsed() = ToDuration(call.deadline() - call.started());
      fail(cds::v1::SERVICE_STATUS_TIMEOUT,
           slot.deadline_is_callers ? "no answer before the caller's deadline"
                                    : "no answer within its " + std::to_string(service.timeout().count()) + " ms timeout");
      return;
    case ServiceCall::State::kQueued:
    case ServiceCall::State::kRunning:
      // Unreachable: Complete runs only once every call has settled.
      fail(cds::v1::SERVICE_STATUS_ERROR, "internal: call not settled");
      return;
    case ServiceCall::State::kAnswered:
      break;
  }
  *result->mutable_elapsed() = ToDuration(call.elapsed());
  PluginCallResult& answer = call.result();
  if (answer.deadline_passed) {
    stats.timeouts.fetch_add(1, std::memory_order_relaxed);
    fail(cds::v1::SERVICE_STATUS_TIMEOUT,
         (slot.deadline_is_callers ? std::string("no answer before the caller's deadline")
                                   : "no answer within its " + std::to_string(service.timeout().count()) + " ms timeout") +
             " (isolation: process; the plugin runner was killed and will be restarted)");
    return;
  }
  if (answer.runner_failure) {
    stats.errors.fetch_add(1, std::memory_order_relaxed);
    fail(cds::v1::SERVICE_STATUS_ERROR, answer.error);
    return;
  }
  if (answer.status != CDS_STATUS_OK) {
    stats.errors.fetch_add(1, std::memory_order_relaxed);
    fail(cds::v1::SERVICE_STATUS_ERROR, std::string("plugin error ") + StatusName(answer.status) + ": " + answer.error);
    return;
  }
  if (answer.response.size() > slot.selected.max_output_bytes) {
    stats.errors.fetch_add(1, std::memory_order_relaxed);
    fail(cds::v1::SERVICE_STATUS_ERROR, "plugin answer of " + std::to_string(answer.response.size()) +
                                            " bytes exceeds its max_output_bytes (" +
                                            std::to_string(slot.selected.max_output_bytes) + ")");
    return;
  }
  cds::plugin::v1::EvaluateOutput output;
  if (answer.response.size() > static_cast<size_t>(INT32_MAX) ||
      !output.ParseFromArray(answer.response.data(), static_cast<int>(answer.response.size()))) {
    stats.errors.fetch_add(1, std::memory_order_relaxed);
    fail(cds::v1::SERVICE_STATUS_ERROR, "plugin returned bytes that are not a cds.plugin.v1.EvaluateOutput");
    return;
  }
  answer.response = PluginBytes();  // parsed: give the plugin's buffer back now
  std::string notes;
  for (int i = 0; i < output.cards_size(); ++i) NormaliseCard(*output.mutable_cards(i), i, service, notes);
  result->set_status(cds::v1::SERVICE_STATUS_OK);
  result->set_card_count(output.cards_size());
  if (!notes.empty()) result->set_message("normalised: " + notes);
  // Move the cards into the response, in order, without copying them.
  std::vector<cds::v1::Card*> moved(output.cards_size());
  output.mutable_cards()->ExtractSubrange(0, output.cards_size(), moved.data());
  for (cds::v1::Card* card : moved) response_->mutable_cards()->AddAllocated(card);
}

}  // namespace cdsd
