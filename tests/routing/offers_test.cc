// Offer lifecycle: decline, expiry, escalation, parking, capacity, fencing, events, receipts.
#include <gmock/gmock.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "routing/engine_fixture.h"
#include "routing/offer_feed.h"

namespace firstline::routing {
namespace {

constexpr char kPolicy[] = R"(version: v2
rules:
  - name: default
    default: true
    targets:
      - strategy: round_robin
        pool: sales
        offer_timeout: 30s
        max_offers: 2
      - strategy: round_robin
        pool: supervisors
        offer_timeout: 1m
        max_offers: 1
)";

class OffersTest : public EngineFixture {
 protected:
  void SetUp() override { engine_ = MakeEngine(kPolicy); }
  std::unique_ptr<RoutingEngine> engine_;
};

TEST_F(OffersTest, DeclineGoesToTheNextCandidateThenTheNextTargetThenParks) {
  AddWorker(*engine_, "s1", {"sales"});
  clock_.Advance(absl::Seconds(1));
  AddWorker(*engine_, "s2", {"sales"});
  AddWorker(*engine_, "boss", {"supervisors"});
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->offers.at(0).worker_id, "s1");
  auto next = engine_->Decline(d->offers[0].offer_id, "s1", "busy with a demo");
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->offers.at(0).worker_id, "s2") << "never the same worker twice";
  auto escalated = engine_->Decline((*next)->offers[0].offer_id, "s2", "no");
  ASSERT_TRUE(escalated.ok() && escalated->has_value());
  EXPECT_EQ((*escalated)->target_index, 1);
  EXPECT_EQ((*escalated)->offers.at(0).worker_id, "boss");
  auto parked = engine_->Decline((*escalated)->offers[0].offer_id, "boss", "no");
  ASSERT_TRUE(parked.ok() && parked->has_value());
  EXPECT_EQ((*parked)->outcome, Decision::Outcome::kParked);
  EXPECT_EQ(Load("s1") + Load("s2") + Load("boss"), 0);
  auto types = EventTypes();
  EXPECT_EQ(types.back(), "WorkItemParked");
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemDeclined"), 3);
}

TEST_F(OffersTest, ExpiredOfferIsOfferedAgainElsewhereAndTimersSurviveAnotherInstance) {
  AddWorker(*engine_, "s1", {"sales"});
  clock_.Advance(absl::Seconds(1));
  AddWorker(*engine_, "s2", {"sales"});
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  clock_.Advance(absl::Seconds(29));
  EXPECT_TRUE(engine_->ExpireDue().value().empty()) << "not due yet";
  clock_.Advance(absl::Seconds(2));
  // A second instance (a restart, or another replica) finds the timer in Redis.
  auto other = MakeEngine(kPolicy);
  auto expired = other->ExpireDue();
  ASSERT_TRUE(expired.ok()) << expired.status();
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->at(0).offers.at(0).worker_id, "s2");
  EXPECT_TRUE(engine_->ExpireDue().value().empty()) << "claimed exactly once";
  auto late = engine_->Accept(d->offers[0].offer_id, "s1");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  auto types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemOfferExpired"), 1);
}

TEST_F(OffersTest, ParkedItemIsOfferedWhenAWorkerComesOnline) {
  AddWorker(*engine_, "s1", {"sales"}, 1);
  ASSERT_TRUE(engine_->SetStatus("s1", WorkerStatus::kOffline).ok());
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->outcome, Decision::Outcome::kParked);
  auto receipts = engine_->Receipts("l1");
  ASSERT_TRUE(receipts.ok());
  EXPECT_NE(receipts->front().find("status offline"), std::string::npos);
  EXPECT_NE(receipts->back().find("not in pool supervisors"), std::string::npos);
  ASSERT_TRUE(engine_->SetStatus("s1", WorkerStatus::kAvailable).value());
  auto item = client_.Command({"HGET", "{rt:test}:item:l1", "state"});
  EXPECT_EQ(item->str, "offered");
  EXPECT_EQ(Load("s1"), 1);
}

TEST_F(OffersTest, CapacityIsNeverExceededAndCompletionFreesIt) {
  AddWorker(*engine_, "s1", {"sales"}, 2);
  auto a = engine_->Route(Lead("l1", "a1"));
  auto b = engine_->Route(Lead("l2", "a2"));
  auto c = engine_->Route(Lead("l3", "a3"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(c->outcome, Decision::Outcome::kParked);
  EXPECT_EQ(Load("s1"), 2);
  auto assigned = engine_->Accept(a->offers[0].offer_id, "s1");
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(engine_->Complete("l1", assigned->fencing_version + 1).code(),
            absl::StatusCode::kAborted)
      << "a stale fencing version is refused";
  ASSERT_TRUE(engine_->Complete("l1", assigned->fencing_version).ok());
  // Freed capacity goes to the parked item at once.
  EXPECT_EQ(client_.Command({"HGET", "{rt:test}:item:l3", "state"})->str, "offered");
  EXPECT_EQ(Load("s1"), 2);
}

TEST_F(OffersTest, DailyCapCountsInTheWorkersDayAndResetsTheNextDay) {
  Worker w;
  w.id = "s1";
  w.organisation = "vendor";
  w.pools = {"sales"};
  w.daily_cap = 2;
  ASSERT_TRUE(engine_->UpsertWorker(w).ok());
  ASSERT_TRUE(engine_->StreamOpened("s1").ok());
  ASSERT_TRUE(engine_->SetStatus("s1", WorkerStatus::kAvailable).ok());
  for (const char* id : {"l1", "l2"}) {
    auto d = engine_->Route(Lead(id, "a1"));
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->outcome, Decision::Outcome::kOffered) << id;
    ASSERT_TRUE(
        engine_->Complete(id, engine_->Accept(d->offers[0].offer_id, "s1")->fencing_version).ok());
  }
  auto third = engine_->Route(Lead("l3", "a1"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->outcome, Decision::Outcome::kParked);
  auto receipt = nlohmann::json::parse(engine_->Receipts("l3")->front());
  EXPECT_EQ(receipt["candidates"][0]["excluded"], "daily cap reached (2/2)") << receipt;
  // The worker's next day (UTC, no shift calendar) the count starts again.
  clock_.Advance(absl::Hours(24));
  auto next_day = engine_->OfferParked();
  ASSERT_TRUE(next_day.ok());
  ASSERT_EQ(next_day->size(), 1u);
  EXPECT_EQ(next_day->front().outcome, Decision::Outcome::kOffered);
}

TEST_F(OffersTest, NoOfferToAnOfflineOrAbsentWorker) {
  AddWorker(*engine_, "s1", {"sales"});
  ASSERT_TRUE(engine_->StreamClosed("s1").ok());
  clock_.Advance(absl::Minutes(5));  // past the presence timeout, no heartbeat
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->outcome, Decision::Outcome::kParked);
  EXPECT_NE(engine_->Receipts("l1")->front().find("no presence"), std::string::npos);
  ASSERT_TRUE(engine_->Heartbeat("s1").ok());  // presence back: the parked item is offered
  EXPECT_EQ(Load("s1"), 1);
}

TEST_F(OffersTest, WrongWorkerAndUnknownOfferAreRefused) {
  AddWorker(*engine_, "s1", {"sales"});
  AddWorker(*engine_, "s2", {"supervisors"});
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(engine_->Accept(d->offers[0].offer_id, "s2").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Accept("nope", "s1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Route(Lead("l1", "a1")).status().code(), absl::StatusCode::kFailedPrecondition)
      << "an item with a live offer is not routed twice";
  EXPECT_EQ(engine_->Route(Lead("", "a1")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(OffersTest, EventsAreCompleteEnvelopes) {
  AddWorker(*engine_, "s1", {"sales"});
  auto d = engine_->Route(Lead("l1", "acct-7"));
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(engine_->Accept(d->offers[0].offer_id, "s1").ok());
  auto events = Events();
  ASSERT_GE(events.size(), 3u);
  const auto& offered = events[events.size() - 3];
  EXPECT_EQ(offered.type(), "WorkItemOffered");
  EXPECT_EQ(offered.event_id().size(), 32u);
  EXPECT_EQ(offered.partition_key(), "acct-7");
  EXPECT_EQ(offered.producer(), "routing-test");
  EXPECT_EQ(offered.occurred_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(offered.work_item_offered().item().item_id(), "l1");
  EXPECT_EQ(offered.work_item_offered().item().kind(), firstline::v1::WORK_ITEM_KIND_LEAD);
  EXPECT_EQ(offered.work_item_offered().worker_id(), "s1");
  EXPECT_EQ(offered.work_item_offered().organisation_id(), "vendor");
  EXPECT_EQ(offered.work_item_offered().policy_version(), "v2");
  EXPECT_EQ(offered.work_item_offered().deadline().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Seconds(30)));
  EXPECT_EQ(events[events.size() - 2].work_item_assigned().fencing_version(), 1);
  EXPECT_EQ(events.back().account_owner_changed().owner_id(), "s1");
  std::set<std::string> ids;
  for (const auto& e : events) ids.insert(e.event_id());
  EXPECT_EQ(ids.size(), events.size());
}

TEST_F(OffersTest, RosterChangesThroughAnotherInstanceApplyAtTheNextDecision) {
  auto other = MakeEngine(kPolicy);
  AddWorker(*other, "late", {"sales"});
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->offers.at(0).worker_id, "late");
  ASSERT_TRUE(other->RemoveWorker("late").ok());
  auto gone = engine_->Route(Lead("l2", "a2"));
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->outcome, Decision::Outcome::kParked);
}

TEST_F(OffersTest, RosterCacheIsPatchedInStepAndReloadedWhenAnotherInstanceMovedIt) {
  auto other = MakeEngine(kPolicy);
  AddWorker(*engine_, "w1", {"sales"}, 3);
  AddWorker(*other, "w2", {"sales"});    // engine_'s cache is now one version behind
  AddWorker(*engine_, "w3", {"sales"});  // patched in; w2 is still unknown here...
  EXPECT_TRUE(engine_->FindWorker("w3").has_value());
  EXPECT_FALSE(engine_->FindWorker("w2").has_value());
  ASSERT_TRUE(engine_->Route(Lead("l1", "a1")).ok());  // ...until a decision finds it stale
  ASSERT_TRUE(engine_->FindWorker("w2").has_value());
  Worker w1 = *engine_->FindWorker("w1");
  w1.capacity = 7;
  ASSERT_TRUE(engine_->UpsertWorker(w1).ok());  // patched in place
  EXPECT_EQ(engine_->FindWorker("w1")->capacity, 7);
  EXPECT_TRUE(engine_->FindWorker("w3").has_value());
  ASSERT_TRUE(engine_->RemoveWorker("w3").ok());
  EXPECT_FALSE(engine_->FindWorker("w3").has_value());
  EXPECT_TRUE(engine_->FindWorker("w2").has_value());
}

TEST_F(OffersTest, SeveralWorkersAreUpsertedWholeOrNotAtAll) {
  auto other = MakeEngine(kPolicy);
  AddWorker(*engine_, "w1", {"sales"});
  Worker w1 = *engine_->FindWorker("w1");
  w1.capacity = 9;
  Worker w2 = w1;
  w2.id = "w2";
  Worker bad = w1;
  bad.id = "bad";
  bad.weight = 0;
  auto refused = engine_->UpsertWorkers({w1, w2, bad});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("worker bad: weight"));
  EXPECT_EQ(engine_->FindWorker("w1")->capacity, 5);
  EXPECT_FALSE(engine_->FindWorker("w2").has_value());
  auto stored = client_.Command({"HEXISTS", "{rt:test}:roster", "w2"});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->integer, 0);

  ASSERT_TRUE(engine_->UpsertWorkers({w1, w2}).ok());
  EXPECT_EQ(engine_->FindWorker("w1")->capacity, 9);  // both patched into this instance
  EXPECT_EQ(engine_->FindWorker("w2")->capacity, 9);
  EXPECT_EQ(Load("w1") + Load("w2"), 0);             // live counters kept / started
  ASSERT_TRUE(other->Route(Lead("l1", "a1")).ok());  // and another instance reloads both
  EXPECT_EQ(other->FindWorker("w1")->capacity, 9);
  EXPECT_TRUE(other->FindWorker("w2").has_value());
}

TEST_F(OffersTest, PolicyReloadAppliesToTheNextDecision) {
  AddWorker(*engine_, "s1", {"sales"});
  AddWorker(*engine_, "x1", {"experts"});
  auto reloaded = ParsePolicy(R"(version: v3
rules:
  - name: default
    default: true
    targets:
      - strategy: round_robin
        pool: experts
)");
  ASSERT_TRUE(reloaded.ok());
  engine_->SetPolicy(std::make_shared<const Policy>(*reloaded));
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->offers.at(0).worker_id, "x1");
  EXPECT_EQ(d->policy_version, "v3");
}

}  // namespace
}  // namespace firstline::routing

namespace firstline::routing {
namespace {

// A decision that fails while it runs (here a worker's load corrupted in Redis) fails alone:
// the decisions sharing its script call keep their answers. Redis never undoes a script's
// writes, so reporting those as failed would hide offers that were made.
TEST_F(OffersTest, ADecisionFailingInABatchedCallFailsAloneAndWritesNothing) {
  auto engine = MakeEngine(R"(version: v1
rules:
  - name: north
    when:
      region: north
    targets:
      - strategy: round_robin
        pool: north
  - name: default
    default: true
    targets:
      - strategy: round_robin
        pool: sales
)",
                           {.decisions = 16, .in_flight = 1});
  AddWorker(*engine, "n1", {"north"});
  AddWorker(*engine, "s1", {"sales"});
  ASSERT_TRUE(client_.Command({"HSET", "{rt:test}:w:n1", "load", "garbage"}).ok());
  // A first decision brings the engine's roster snapshot up to date, so each decision below
  // takes one call.
  ASSERT_TRUE(engine->Route(Lead("warm-up", "acct-0")).ok());
  const OfferBatcher::Counts before = engine->offer_batching();
  // Script calls wait while writes are paused: the first decision's call is in flight, so the
  // next two queue behind it and go together in one call.
  ASSERT_TRUE(client_.Command({"CLIENT", "PAUSE", "1000", "WRITE"}).ok());
  absl::StatusOr<Decision> first, broken, fine;
  std::thread a([&] { first = engine->Route(Lead("first", "acct-1")); });
  absl::SleepFor(absl::Milliseconds(200));
  std::thread b([&] { broken = engine->Route(Lead("north-1", "acct-2", {{"region", "north"}})); });
  std::thread c([&] { fine = engine->Route(Lead("second", "acct-3")); });
  a.join();
  b.join();
  c.join();
  ASSERT_EQ(engine->offer_batching().calls - before.calls, 2)
      << "the two queued decisions shared a call";
  ASSERT_EQ(engine->offer_batching().decisions - before.decisions, 3);

  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(fine.ok()) << fine.status();
  ASSERT_EQ(fine->offers.size(), 1u);
  EXPECT_EQ(fine->offers[0].worker_id, "s1");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(broken.status().message().find("offer decision for item north-1 failed"),
            std::string::npos)
      << broken.status();
  auto written = client_.Command({"EXISTS", "{rt:test}:item:north-1"});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->integer, 0) << "nothing of the failed decision was written";
}

TEST_F(OffersTest, ReceiptsKeepTheLastFiftyAfterAnyListedBeforeTheyMovedIntoTheItem) {
  ASSERT_TRUE(client_.Command({"RPUSH", "{rt:test}:rcpt:l1", R"({"listed":true})"}).ok());
  // No worker: every routing of l1 tries both targets, a receipt each, and parks it.
  for (int i = 0; i < 30; ++i) {
    clock_.Advance(absl::Seconds(1));
    auto d = engine_->Route(Lead("l1", "a1"));
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_EQ(d->outcome, Decision::Outcome::kParked);
  }
  auto receipts = engine_->Receipts("l1");
  ASSERT_TRUE(receipts.ok()) << receipts.status();
  ASSERT_EQ(receipts->size(), 51u);
  EXPECT_EQ(receipts->front(), R"({"listed":true})");
  auto newest = nlohmann::json::parse(receipts->back());
  EXPECT_EQ(newest["target"], 1);
  EXPECT_EQ(newest["at"], absl::ToUnixMillis(clock_.Now())) << newest.dump();
  auto oldest_kept = nlohmann::json::parse((*receipts)[1]);
  EXPECT_EQ(oldest_kept["at"], absl::ToUnixMillis(clock_.Now() - absl::Seconds(24)))
      << "60 receipts written, the first 10 (5 routings) dropped";
  for (const auto& [field, kept] : {std::pair{"r:10", 0}, std::pair{"r:11", 1}}) {
    auto exists = client_.Command({"HEXISTS", "{rt:test}:item:l1", field});
    ASSERT_TRUE(exists.ok());
    EXPECT_EQ(exists->integer, kept) << field << ": dropped receipts leave the item's hash";
  }
}

class WithdrawTest : public EngineFixture {
 protected:
  void SetUp() override { engine_ = MakeEngine(kPolicy); }
  std::unique_ptr<RoutingEngine> engine_;
};

TEST_F(WithdrawTest, SlaBreachEscalatesToTheNextTargetRescindingTheOffer) {
  AddWorker(*engine_, "s1", {"sales"});
  AddWorker(*engine_, "boss", {"supervisors"});
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target_index, 0);
  auto escalated = engine_->Escalate("l1");
  ASSERT_TRUE(escalated.ok()) << escalated.status();
  EXPECT_EQ(escalated->target_index, 1);
  EXPECT_EQ(escalated->offers.at(0).worker_id, "boss");
  EXPECT_EQ(Load("s1"), 0);
  EXPECT_EQ(engine_->Accept(d->offers[0].offer_id, "s1").status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "the rescinded offer can no longer be accepted";
  auto types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemOfferRescinded"), 1);
  // Escalating past the last target parks the item; an assigned item cannot be escalated.
  auto parked = engine_->Escalate("l1");
  ASSERT_TRUE(parked.ok());
  EXPECT_EQ(parked->outcome, Decision::Outcome::kParked);
  EXPECT_EQ(engine_->Escalate("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WithdrawTest, CancelFreesCapacityAndLeavesNothingBehind) {
  AddWorker(*engine_, "s1", {"sales"}, 1);
  auto d = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d.ok());
  auto a = engine_->Accept(d->offers[0].offer_id, "s1");
  ASSERT_TRUE(a.ok());
  auto waiting = engine_->Route(Lead("l2", "a2"));
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->outcome, Decision::Outcome::kParked);
  ASSERT_TRUE(engine_->Cancel("l1").ok());
  EXPECT_EQ(client_.Command({"HGET", "{rt:test}:item:l1", "state"})->str, "closed");
  // The freed capacity went to the parked item straight away.
  EXPECT_EQ(client_.Command({"HGET", "{rt:test}:item:l2", "state"})->str, "offered");
  EXPECT_EQ(Load("s1"), 1);
  EXPECT_EQ(engine_->Cancel("l1").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Complete("l1", a->fencing_version).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(OffersTest, AFeedReplaysWhatWasPendingWhenTheWatchBeganAndReportsTheRestLive) {
  AddWorker(*engine_, "s1", {"sales"}, 5);
  auto before = engine_->Route(Lead("l1", "a1"));
  ASSERT_TRUE(before.ok() && !before->offers.empty());
  // Not started: the feed reads Redis exactly when the test polls, and delivers inline.
  OfferFeed feed(*engine_, redis_.Config(), absl::Hours(1));
  std::vector<std::pair<std::string, bool>> got;  // item, replayed
  const uint64_t watch = feed.Watch("s1", [&](const std::vector<OfferNotice>& notices) {
    for (const auto& n : notices) got.emplace_back(n.item_id, n.replayed);
  });
  // Offered after the watch began but before the feed's first read: live, not a replay.
  auto after = engine_->Route(Lead("l2", "a2"));
  ASSERT_TRUE(after.ok() && !after->offers.empty());
  ASSERT_TRUE(feed.PollOnce().ok());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, bool>>{{"l1", true}, {"l2", false}}));
  got.clear();
  ASSERT_TRUE(feed.PollOnce().ok());  // nothing new: nothing sent again
  EXPECT_TRUE(got.empty());
  feed.Unwatch(watch);
}

TEST_F(OffersTest, AFeedSnapshotReadsPendingOffersAndHowKnownOnesEndedInOneRead) {
  AddWorker(*engine_, "s1", {"sales"}, 5);
  auto taken = engine_->Route(Lead("l1", "a1"));
  auto open = engine_->Route(Lead("l2", "a2"));
  ASSERT_TRUE(taken.ok() && open.ok() && !taken->offers.empty() && !open->offers.empty());
  const std::string accepted = taken->offers[0].offer_id;
  ASSERT_TRUE(engine_->Accept(accepted, "s1").ok());

  const std::string still = open->offers[0].offer_id;
  auto snapshot = engine_->ReadFeedSnapshot({"s1", "nobody"}, {accepted, still, "forgotten-offer"});
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_EQ(snapshot->pending.at("s1").size(), 1u);
  EXPECT_EQ(snapshot->pending.at("s1")[0].offer_id, still);
  EXPECT_EQ(snapshot->pending.at("s1")[0].item_id, "l2");
  EXPECT_EQ(snapshot->pending.at("s1")[0].deadline, clock_.Now() + absl::Seconds(30));
  EXPECT_TRUE(snapshot->pending.at("nobody").empty());
  EXPECT_EQ(snapshot->state_of.at(accepted), "accepted");
  EXPECT_EQ(snapshot->state_of.at(still), "pending");
  EXPECT_EQ(snapshot->state_of.at("forgotten-offer"), "");
}

TEST_F(OffersTest, AFeedTellsHowAnOfferItKnewEnded) {
  AddWorker(*engine_, "s1", {"sales"}, 5);
  OfferFeed feed(*engine_, redis_.Config(), absl::Hours(1));
  std::vector<std::pair<std::string, OfferNotice::Change>> got;  // item, change
  const uint64_t watch = feed.Watch("s1", [&](const std::vector<OfferNotice>& notices) {
    for (const auto& n : notices) got.emplace_back(n.item_id, n.change);
  });
  auto a = engine_->Route(Lead("l1", "a1"));
  auto b = engine_->Route(Lead("l2", "a2"));
  ASSERT_TRUE(a.ok() && b.ok() && !a->offers.empty() && !b->offers.empty());
  ASSERT_TRUE(feed.PollOnce().ok());
  ASSERT_EQ(got.size(), 2u);
  got.clear();
  ASSERT_TRUE(engine_->Accept(a->offers[0].offer_id, "s1").ok());
  ASSERT_TRUE(engine_->Decline(b->offers[0].offer_id, "s1", "on leave").ok());
  ASSERT_TRUE(feed.PollOnce().ok());
  std::sort(got.begin(), got.end());
  using C = OfferNotice::Change;
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, C>>{{"l1", C::kAssigned}, {"l2", C::kDeclined}}));
  feed.Unwatch(watch);
}

}  // namespace
}  // namespace firstline::routing
