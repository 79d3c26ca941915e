// EventFolder and AttributionStore against a real redis-server: a redelivered event is folded
// once (alone, in one batch, or raced by a second instance), aggregates are compacted without
// losing what is appended meanwhile, and an unreadable aggregate is named.
#include "channel-attribution/event_folder.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "channel-attribution/aggregate_keys.h"
#include "channel-attribution/tally.h"
#include "support/redis_server.h"
#include "support/test_time.h"

namespace firstline::attribution {
namespace {

using firstline::testing::At;

constexpr char kDay[] = "d:2026-09-10";

class EventFolderTest : public ::testing::Test {
 protected:
  FoldInput Renewal(const std::string& account, const std::string& event_id, int64_t minor) {
    FoldInput in;
    in.kind = FoldInput::Kind::kRenewed;
    in.event_id = event_id;
    in.account_id = account;
    in.at = At("2026-09-10T10:00:00Z");
    in.contract_id = "c-" + account;
    in.revenue_minor = minor;
    return in;
  }
  FoldInput Lead(int i) {
    FoldInput in;
    in.kind = FoldInput::Kind::kLead;
    in.event_id = absl::StrCat("lead-event-", i);
    in.account_id = absl::StrCat("acct-", i);
    in.lead_id = absl::StrCat("lead-", i);
    in.source_id = in.lead_id;
    in.channel = "seo";
    in.at = At("2026-09-10T08:00:00Z");
    return in;
  }
  // Renewal revenue credited first-touch by channel on the renewal's day (no touches: the
  // "(direct)" channel gets it all).
  double RenewalRevenue(AttributionStore& store) {
    auto sums = store.Sum({CreditsKey(Grouping::kChannel, Model::kFirstTouch, kDay)});
    EXPECT_TRUE(sums.ok()) << sums.status();
    if (!sums.ok()) return -1;
    return (*sums)[Field(kDirectChannel, metric::kRenewal)];
  }

  firstline::testing::RedisServer redis_;
  platform::RedisClient client_{redis_.Config()};
  platform::FakeClock clock_{At("2026-09-20T00:00:00Z")};
  AttributionSettings settings_;
};

TEST_F(EventFolderTest, ARedeliveredEventIsFoldedOnce) {
  AttributionStore store(client_);
  EventFolder folder(store, settings_, clock_);
  // Renewals carry no natural key a second delivery would collide with: only the event id
  // remembered in the journey keeps the revenue from counting twice.
  auto first = folder.Fold({Renewal("a1", "e1", 500'000)});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, std::vector<bool>{true});
  auto again = folder.Fold({Renewal("a1", "e1", 500'000), Renewal("a1", "e2", 100'000)});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, (std::vector<bool>{false, true}));
  // Twice in one batch: once.
  auto twice = folder.Fold({Renewal("a2", "e3", 7), Renewal("a2", "e3", 7)});
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(*twice, (std::vector<bool>{true, false}));
  EXPECT_EQ(RenewalRevenue(store), 600'007);

  auto journey = store.Journey("a1");
  ASSERT_TRUE(journey.ok() && journey->has_value());
  ASSERT_EQ((*journey)->applied_size(), 2);
  EXPECT_EQ((*journey)->applied(0).event_id(), "e1");
  EXPECT_EQ((*journey)->applied(1).event_id(), "e2");
}

TEST_F(EventFolderTest, AJourneyStillKeptAsAHashIsReadAndRewrittenAsAString) {
  // Journeys were hashes (v, d) before the string layout; one is read, checked by its v,
  // and replaced by the next commit with everything in it kept.
  AttributionStore store(client_);
  EventFolder folder(store, settings_, clock_);
  v1::StoredJourney old;
  old.set_account_id("a1");
  old.set_region("CN-31");
  old.add_applied()->set_event_id("e1");
  old.mutable_applied(0)->set_applied_ms(absl::ToUnixMillis(clock_.Now()));
  ASSERT_TRUE(
      client_.Command({"HSET", JourneyKey("a1"), "v", "7", "d", old.SerializeAsString()}).ok());
  auto read = store.Journey("a1");
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status();
  EXPECT_EQ((*read)->region(), "CN-31");
  auto folded = folder.Fold({Renewal("a1", "e1", 9), Renewal("a1", "e2", 5)});
  ASSERT_TRUE(folded.ok()) << folded.status();
  EXPECT_EQ(*folded, (std::vector<bool>{false, true}));  // e1 was remembered in the hash
  auto type = client_.Command({"TYPE", JourneyKey("a1")});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->str, "string");
  auto value = client_.Command({"GETRANGE", JourneyKey("a1"), "0", "11"});
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->str, "000000000008");
  auto after = store.Journey("a1");
  ASSERT_TRUE(after.ok() && after->has_value()) << after.status();
  EXPECT_EQ((*after)->region(), "CN-31");
  EXPECT_EQ((*after)->applied_size(), 2);
  EXPECT_EQ(RenewalRevenue(store), 5);
}

TEST_F(EventFolderTest, AJourneyChangedSinceItWasReadIsReadAgain) {
  // Another writer creates the journey between this store's read and its commit (the test
  // writes it in between): the commit is refused as a conflict and nothing of it lands.
  AttributionStore store(client_);
  JourneySet journeys;
  ASSERT_TRUE(store.Load({"a1"}, journeys).ok());
  EXPECT_EQ(journeys["a1"].version, 0);
  journeys["a1"].journey.set_account_id("a1");
  journeys["a1"].changed = true;
  ASSERT_TRUE(client_.Command({"SET", JourneyKey("a1"), "000000000001"}).ok());
  AggregateDelta delta;
  delta.AddCount(CountsKey(Grouping::kChannel, kDay), Field("seo", metric::kLeads), 1);
  auto outcome = store.Commit(journeys, delta, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->kind, AttributionStore::Outcome::Kind::kConflict);
  EXPECT_EQ(outcome->names, std::vector<std::string>{JourneyKey("a1")});
  auto sums = store.Sum({CountsKey(Grouping::kChannel, kDay)});
  ASSERT_TRUE(sums.ok());
  EXPECT_TRUE(sums->empty());
  // Read again, it commits.
  JourneySet again;
  ASSERT_TRUE(store.Load({"a1"}, again).ok());
  EXPECT_EQ(again["a1"].version, 1);
  again["a1"].changed = true;
  outcome = store.Commit(again, delta, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->kind, AttributionStore::Outcome::Kind::kCommitted);
}

TEST_F(EventFolderTest, RememberedEventsAreForgottenAfterAWeek) {
  AttributionStore store(client_);
  EventFolder folder(store, settings_, clock_);
  ASSERT_TRUE(folder.Fold({Renewal("a1", "old", 1)}).ok());
  clock_.Advance(absl::Hours(24 * 7) + absl::Seconds(1));
  ASSERT_TRUE(folder.Fold({Renewal("a1", "new", 2)}).ok());
  auto journey = store.Journey("a1");
  ASSERT_TRUE(journey.ok() && journey->has_value());
  ASSERT_EQ((*journey)->applied_size(), 1);
  EXPECT_EQ((*journey)->applied(0).event_id(), "new");
}

TEST_F(EventFolderTest, AJourneyRemembersItsNewestThousandEvents) {
  AttributionStore store(client_);
  EventFolder folder(store, settings_, clock_);
  std::vector<FoldInput> batch;
  for (int k = 0; k < 1005; ++k) batch.push_back(Renewal("a1", absl::StrCat("e", k), 1));
  ASSERT_TRUE(folder.Fold(batch).ok());
  auto journey = store.Journey("a1");
  ASSERT_TRUE(journey.ok() && journey->has_value());
  ASSERT_EQ((*journey)->applied_size(), 1000);
  EXPECT_EQ((*journey)->applied(0).event_id(), "e5");
  EXPECT_EQ((*journey)->applied(999).event_id(), "e1004");
  EXPECT_EQ(RenewalRevenue(store), 1005);
}

TEST_F(EventFolderTest, TwoInstancesFoldingTheSameEventsCountEachOnce) {
  // Both instances get every event (a rebalance redelivers a whole partition); the journeys'
  // versions make the slower commit read again and drop what the other applied.
  std::vector<std::vector<FoldInput>> batches;
  int64_t expected = 0;
  for (int b = 0; b < 40; ++b) {
    std::vector<FoldInput> batch;
    for (int k = 0; k < 5; ++k) {
      const int64_t minor = 1 + b * 5 + k;
      batch.push_back(Renewal(absl::StrCat("acct-", (b * 5 + k) % 7),
                              absl::StrCat("event-", b, "-", k), minor));
      expected += minor;
    }
    batches.push_back(std::move(batch));
  }
  std::array<std::atomic<bool>, 2> any_applied{};
  auto run = [&](int instance) {
    platform::RedisClient client(redis_.Config());
    AttributionStore store(client);
    EventFolder folder(store, settings_, clock_);
    for (const auto& batch : batches) {
      auto folded = folder.Fold(batch);
      ASSERT_TRUE(folded.ok()) << folded.status();
      for (bool c : *folded) {
        if (c) any_applied[instance] = true;
      }
    }
  };
  std::thread a(run, 0), b(run, 1);
  a.join();
  b.join();
  AttributionStore store(client_);
  EXPECT_EQ(RenewalRevenue(store), static_cast<double>(expected));
  EXPECT_TRUE(any_applied[0] || any_applied[1]);
  // Every event is remembered by exactly one journey: 200 ids over 7 accounts.
  int remembered = 0;
  for (int k = 0; k < 7; ++k) {
    auto journey = store.Journey(absl::StrCat("acct-", k));
    ASSERT_TRUE(journey.ok() && journey->has_value());
    remembered += (*journey)->applied_size();
  }
  EXPECT_EQ(remembered, 200);
}

TEST_F(EventFolderTest, CompactionKeepsEveryCount) {
  // A small threshold: the day's count aggregate (one 21-byte entry per batch) is compacted
  // every few batches.
  AttributionStore store(client_, /*compact_min_bytes=*/64);
  EventFolder folder(store, settings_, clock_);
  for (int b = 0; b < 30; ++b) {
    std::vector<FoldInput> batch;
    for (int k = 0; k < 10; ++k) batch.push_back(Lead(b * 10 + k));
    auto folded = folder.Fold(batch);
    ASSERT_TRUE(folded.ok()) << folded.status();
  }
  const std::string key = CountsKey(Grouping::kChannel, kDay);
  auto sums = store.Sum({key});
  ASSERT_TRUE(sums.ok()) << sums.status();
  EXPECT_EQ((*sums)[Field("seo", metric::kLeads)], 300);
  auto state = client_.Command({"HGET", "{ca}:tally", key});
  ASSERT_TRUE(state.ok() && !state->is_nil()) << "never compacted";
  int64_t generation = 0;
  ASSERT_TRUE(absl::SimpleAtoi(state->str.substr(0, state->str.find(' ')), &generation));
  EXPECT_GE(generation, 2);
  // Uncompacted it would hold 30 entries of the one field; compacted, at most a few.
  auto size = client_.Command({"STRLEN", key});
  ASSERT_TRUE(size.ok());
  EXPECT_LT(size->integer, 10 * (4 + 9 + 8));
}

TEST_F(EventFolderTest, CompactionKeepsWhatIsAppendedMeanwhile) {
  AttributionStore store(client_, /*compact_min_bytes=*/64);
  const std::string key = CountsKey(Grouping::kChannel, kDay);
  constexpr int kAppends = 3000;
  std::string entry;
  AppendTally(entry, "seo\x1fleads", 1);
  std::atomic<bool> done{false};
  std::thread appender([&] {
    platform::RedisClient client(redis_.Config());
    for (int i = 0; i < kAppends; ++i) ASSERT_TRUE(client.Command({"APPEND", key, entry}).ok());
    done = true;
  });
  int compacted = 0;
  while (!done) {
    auto c = store.Compact(key);
    ASSERT_TRUE(c.ok()) << c.status();
    compacted += *c ? 1 : 0;
  }
  appender.join();
  ASSERT_TRUE(store.Compact(key).ok());
  auto sums = store.Sum({key});
  ASSERT_TRUE(sums.ok()) << sums.status();
  EXPECT_EQ((*sums)["seo\x1fleads"], kAppends);
  EXPECT_GE(compacted, 2);
  auto size = client_.Command({"STRLEN", key});
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->integer, 4 + 9 + 8);  // one entry left
}

TEST_F(EventFolderTest, AnAggregateStillKeptAsAHashIsReadAndConvertedByTheNextWrite) {
  // Aggregates were hashes before tally.h; nothing in them may be lost on the way.
  AttributionStore store(client_);
  EventFolder folder(store, settings_, clock_);
  const std::string key = CountsKey(Grouping::kChannel, kDay);
  ASSERT_TRUE(client_
                  .Command({"HSET", key, Field("seo", metric::kLeads), "40",
                            Field("seo", metric::kSpend), "1250"})
                  .ok());
  auto before = store.Sum({key});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ((*before)[Field("seo", metric::kLeads)], 40);
  auto folded = folder.Fold({Lead(1), Lead(2)});
  ASSERT_TRUE(folded.ok()) << folded.status();
  auto type = client_.Command({"TYPE", key});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->str, "string");
  auto after = store.Sum({key});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ((*after)[Field("seo", metric::kLeads)], 42);
  EXPECT_EQ((*after)[Field("seo", metric::kSpend)], 1250);
  // Spend's script converts one too.
  const std::string month = CountsKey(Grouping::kRegion, "m:2026-10");
  ASSERT_TRUE(client_.Command({"HSET", month, Field("CN-31", metric::kSpend), "5"}).ok());
  auto replaced = store.RecordSpend(
      "seo\x1f\x1f\x1f"
      "2026-09-10",
      20, {{month, Field("CN-31", metric::kSpend)}});
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  auto spend = store.Sum({month});
  ASSERT_TRUE(spend.ok()) << spend.status();
  EXPECT_EQ((*spend)[Field("CN-31", metric::kSpend)], 25);
}

TEST_F(EventFolderTest, AnUnreadableAggregateIsNamed) {
  AttributionStore store(client_);
  const std::string key = CountsKey(Grouping::kChannel, kDay);
  ASSERT_TRUE(client_.Command({"SET", key, "garbage"}).ok());
  auto sums = store.Sum({CountsKey(Grouping::kRegion, kDay), key});
  EXPECT_EQ(sums.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(sums.status().message(), key)) << sums.status();
  EXPECT_EQ(store.Compact(key).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace firstline::attribution
