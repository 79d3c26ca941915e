// Group commit of offer decisions against a real redis-server. The script stands in for
// offer.lua with the same calling convention and holds each call long enough that the next
// callers are sure to queue behind it.
#include "routing/offer_batcher.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "support/redis_server.h"

namespace firstline::routing {
namespace {

// Per decision: answers {'ok', its first argument, the decision's place in the call}, or a
// refusal when the argument says so; every call first holds Redis for 150 ms.
constexpr char kScript[] = R"lua(
local t = redis.call('TIME')
local until_us = (tonumber(t[1]) * 1000000 + tonumber(t[2])) + 150000
repeat
  t = redis.call('TIME')
until tonumber(t[1]) * 1000000 + tonumber(t[2]) >= until_us
local results, at = {}, 2
for k = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[at])
  local first = ARGV[at + 1]
  if first == 'refuse' then
    results[k] = { 'error', 'FAILED_PRECONDITION item refuse has a live offer' }
  else
    results[k] = { 'ok', first, tostring(k), tostring(n) }
  end
  redis.call('RPUSH', KEYS[1], first)
  at = at + n + 1
end
return results
)lua";

class OfferBatcherTest : public ::testing::Test {
 protected:
  testing::RedisServer server_;
  platform::RedisClient client_{server_.Config()};
  platform::RedisScript script_{"offer_batcher_test", kScript};
};

TEST_F(OfferBatcherTest, DecisionsThatQueueBehindACallGoTogetherEachWithItsOwnAnswer) {
  OfferBatcher batcher(client_, script_, "{t}:log", {.decisions = 16, .in_flight = 1});
  absl::StatusOr<platform::RedisValue> first;
  std::thread lone([&] { first = batcher.Decide({"lone", "x"}); });
  absl::SleepFor(absl::Milliseconds(40));  // the lone call is in flight (it takes 150 ms)
  std::vector<std::string> names = {"a", "b", "refuse", "c", "d", "e", "f", "g"};
  std::vector<absl::StatusOr<platform::RedisValue>> answers(names.size());
  std::vector<std::thread> queued;
  for (size_t i = 0; i < names.size(); ++i) {
    queued.emplace_back([&, i] { answers[i] = batcher.Decide({names[i], "y", "z"}); });
  }
  lone.join();
  for (auto& t : queued) t.join();

  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->elements[1].str, "lone");
  EXPECT_EQ(first->elements[3].str, "2");  // its own argument count
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "refuse") {
      EXPECT_EQ(answers[i].status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(answers[i].status().message(), "item refuse has a live offer");
      continue;
    }
    ASSERT_TRUE(answers[i].ok()) << names[i] << ": " << answers[i].status();
    EXPECT_EQ(answers[i]->elements[1].str, names[i]);  // its own answer, not a neighbour's
    EXPECT_EQ(answers[i]->elements[3].str, "3");
  }
  // The lone decision went alone; the eight that queued behind it went in one call.
  EXPECT_EQ(batcher.counts().calls, 2);
  EXPECT_EQ(batcher.counts().decisions, 9);
  auto log = client_.Command({"LLEN", "{t}:log"});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->integer, 9);
}

TEST_F(OfferBatcherTest, ABatchIsCappedAndTheRestGoInTheNextCall) {
  OfferBatcher batcher(client_, script_, "{t}:log", {.decisions = 3, .in_flight = 1});
  std::thread lone([&] { EXPECT_TRUE(batcher.Decide({"lone"}).ok()); });
  absl::SleepFor(absl::Milliseconds(40));
  std::vector<std::thread> queued;
  for (int i = 0; i < 7; ++i) {
    queued.emplace_back([&, i] {
      auto r = batcher.Decide({std::to_string(i)});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->elements[1].str, std::to_string(i));
    });
  }
  lone.join();
  for (auto& t : queued) t.join();
  EXPECT_EQ(batcher.counts().decisions, 8);
  EXPECT_EQ(batcher.counts().calls, 4);  // 1, then 3 + 3 + 1
}

TEST_F(OfferBatcherTest, WithTwoCallsInFlightEveryDecisionIsAnsweredOnceAndInItsOwnCall) {
  OfferBatcher batcher(client_, script_, "{t}:log", {.decisions = 4, .in_flight = 2});
  std::vector<std::thread> callers;
  std::vector<absl::StatusOr<platform::RedisValue>> answers(12);
  for (int i = 0; i < 12; ++i) {
    callers.emplace_back([&, i] { answers[i] = batcher.Decide({std::to_string(i)}); });
  }
  for (auto& t : callers) t.join();
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].status();
    EXPECT_EQ(answers[i]->elements[1].str, std::to_string(i));
  }
  EXPECT_EQ(batcher.counts().decisions, 12);
  EXPECT_GE(batcher.counts().calls, 3);  // at most 4 a call
  auto log = client_.Command({"LRANGE", "{t}:log", "0", "-1"});
  ASSERT_TRUE(log.ok());
  std::set<std::string> seen;
  for (const auto& e : log->elements) seen.insert(e.str);
  EXPECT_EQ(log->elements.size(), 12u);  // each decision made once
  EXPECT_EQ(seen.size(), 12u);
}

TEST_F(OfferBatcherTest, ACallCarriesNoMoreCostThanItsLimitButALargeDecisionStillGoes) {
  OfferBatcher batcher(client_, script_, "{t}:log", {.decisions = 16, .cost = 5, .in_flight = 1});
  std::thread lone([&] { EXPECT_TRUE(batcher.Decide({"lone"}).ok()); });
  absl::SleepFor(absl::Milliseconds(40));
  std::vector<std::thread> queued;
  for (int i = 0; i < 4; ++i) {
    queued.emplace_back([&, i] { EXPECT_TRUE(batcher.Decide({std::to_string(i)}, 3).ok()); });
  }
  queued.emplace_back([&] { EXPECT_TRUE(batcher.Decide({"large"}, 100).ok()); });
  lone.join();
  for (auto& t : queued) t.join();
  // Two decisions of cost 3 exceed 5: each went alone, as did the large one.
  EXPECT_EQ(batcher.counts().decisions, 6);
  EXPECT_EQ(batcher.counts().calls, 6);
}

TEST_F(OfferBatcherTest, ALostServerFailsEveryDecisionOfTheCallAndTheNextCallWorks) {
  OfferBatcher batcher(client_, script_, "{t}:log", {});
  server_.Kill();
  auto r = batcher.Decide({"a"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  server_.Start();
  auto again = batcher.Decide({"b"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->elements[1].str, "b");
}

}  // namespace
}  // namespace firstline::routing
