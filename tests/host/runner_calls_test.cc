// The calls in flight to a plugin runner: each ends exactly once, by its answer, the runner's
// loss or its deadline, whichever comes first, including when they race.
#include "plugin/runner_calls.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace cdsd {
namespace {

using Outcome = RunnerCalls::Outcome;
using Clock = std::chrono::steady_clock;

TEST(RunnerCalls, AnswerBeforeTheDeadlineWins) {
  RunnerCalls calls;
  auto call = calls.Add(1, "e1");
  EXPECT_TRUE(calls.Answer(call->id, 0, "bytes", ""));
  EXPECT_EQ(calls.Wait(*call, Clock::now() + std::chrono::seconds(5)), Outcome::kAnswered);
  EXPECT_EQ(call->response, "bytes");
  EXPECT_EQ(calls.waiting(), 0u);
}

TEST(RunnerCalls, DeadlineEndsTheCallAndALateAnswerIsDropped) {
  RunnerCalls calls;
  auto call = calls.Add(1, "e1");
  EXPECT_EQ(calls.Wait(*call, Clock::now() + std::chrono::milliseconds(10)), Outcome::kTimedOut);
  EXPECT_FALSE(calls.Answer(call->id, 0, "late", ""));
  EXPECT_TRUE(calls.Issued(call->id)) << "a late answer is recognised, not a protocol violation";
  EXPECT_EQ(call->response, "");
}

TEST(RunnerCalls, RunnerLossFailsEveryWaitingCallAndNamesThem) {
  RunnerCalls calls;
  auto a = calls.Add(11, "a");
  auto b = calls.Add(22, "b");
  auto answered = calls.Add(33, "c");
  ASSERT_TRUE(calls.Answer(answered->id, 0, "", ""));
  auto lost = calls.RunnerLost("killed by signal 11 (SIGSEGV)");
  ASSERT_EQ(lost.size(), 2u) << "only calls still waiting are suspects";
  EXPECT_EQ(calls.Wait(*a, Clock::now()), Outcome::kLost);
  EXPECT_EQ(b->error, "killed by signal 11 (SIGSEGV)");
  EXPECT_FALSE(calls.Answer(a->id, 0, "", "")) << "an answer after the loss is dropped";
}

TEST(RunnerCalls, IdNeverIssuedIsRecognised) {
  RunnerCalls calls;
  calls.Add(1, "");
  EXPECT_FALSE(calls.Issued(0));
  EXPECT_FALSE(calls.Issued(2));
  EXPECT_FALSE(calls.Answer(2, 0, "", ""));
}

TEST(RunnerCalls, AbandonedCallEndsAsLost) {
  RunnerCalls calls;
  auto call = calls.Add(1, "");
  calls.Abandon(*call, "could not send");
  EXPECT_EQ(calls.Wait(*call, Clock::now() + std::chrono::seconds(5)), Outcome::kLost);
  EXPECT_EQ(calls.waiting(), 0u);
}

// The three-way race at the deadline, many times: an answer, a crash and the deadline arrive
// together. Exactly one outcome per call, and the answer is kept only when it won.
TEST(RunnerCalls, AnswerCrashAndDeadlineRacingHaveExactlyOneWinner) {
  int answered = 0, lost = 0, timed_out = 0;
  for (int i = 0; i < 300; ++i) {
    RunnerCalls calls;
    auto call = calls.Add(1, "");
    const auto deadline = Clock::now() + std::chrono::microseconds(200);
    std::atomic<bool> answer_kept{false};
    std::thread answerer([&] {
      std::this_thread::sleep_until(deadline);
      answer_kept = calls.Answer(call->id, 0, "x", "");
    });
    std::thread crasher([&] {
      std::this_thread::sleep_until(deadline);
      calls.RunnerLost("crash");
    });
    const Outcome outcome = calls.Wait(*call, deadline);
    answerer.join();
    crasher.join();
    EXPECT_EQ(answer_kept.load(), outcome == Outcome::kAnswered);
    EXPECT_EQ(call->outcome, outcome) << "the outcome never changes after it is decided";
    EXPECT_EQ(calls.waiting(), 0u);
    if (outcome == Outcome::kAnswered) ++answered;
    else if (outcome == Outcome::kLost) ++lost;
    else if (outcome == Outcome::kTimedOut) ++timed_out;
    else ADD_FAILURE() << "still waiting after Wait returned";
  }
  EXPECT_EQ(answered + lost + timed_out, 300);
}

}  // namespace
}  // namespace cdsd
