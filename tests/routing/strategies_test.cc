// Every strategy against a real redis-server, time from a fake clock.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "routing/engine_fixture.h"
#include "routing/offer_feed.h"

namespace firstline::routing {
namespace {

std::string OneTarget(const std::string& strategy, const std::string& extra = "") {
  return absl::StrCat(
      "version: v1\nrules:\n  - name: default\n    default: true\n    targets:\n"
      "      - strategy: ",
      strategy, "\n        pool: sales\n", extra);
}

class StrategiesTest : public EngineFixture {
 protected:
  // Routes, accepts and completes one item; returns the worker it went to.
  std::string RouteAndClose(RoutingEngine& engine, const std::string& id) {
    auto d = engine.Route(Lead(id, "acct-" + id));
    EXPECT_TRUE(d.ok()) << d.status();
    if (!d.ok() || d->offers.empty()) return "";
    auto a = engine.Accept(d->offers[0].offer_id, d->offers[0].worker_id);
    EXPECT_TRUE(a.ok()) << a.status();
    if (a.ok()) {
      EXPECT_TRUE(engine.Complete(id, a->fencing_version).ok());
    }
    return d->offers[0].worker_id;
  }
};

TEST_F(StrategiesTest, RoundRobinOverEqualWorkersDiffersByAtMostOne) {
  auto engine = MakeEngine(OneTarget("round_robin"));
  for (const char* w : {"a", "b", "c", "d", "e", "f", "g"}) AddWorker(*engine, w, {"sales"});
  std::map<std::string, int> counts;
  for (int i = 0; i < 1000; ++i) {
    clock_.Advance(absl::Seconds(1));
    counts[RouteAndClose(*engine, absl::StrCat("l", i))]++;
  }
  ASSERT_EQ(counts.size(), 7u);
  EXPECT_LT(engine->Fairness("sales", absl::Hours(2)).value().gini, 0.01);
  int lo = 1 << 30, hi = 0;
  for (const auto& [w, n] : counts) {
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  EXPECT_LE(hi - lo, 1);
}

TEST_F(StrategiesTest, RoundRobinPicksTheLongestIdle) {
  auto engine = MakeEngine(OneTarget("round_robin"));
  AddWorker(*engine, "a", {"sales"});
  clock_.Advance(absl::Seconds(5));
  AddWorker(*engine, "b", {"sales"});
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(RouteAndClose(*engine, "l1"), "a");
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(RouteAndClose(*engine, "l2"), "b");
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(RouteAndClose(*engine, "l3"), "a");
}

// A roster too large to examine whole: a decision looks only at the pool's members in the
// item's region, and round robin reads just their idle times.
TEST_F(StrategiesTest, LargeRosterRoutesWithinTheRegionAndRoundRobinStillCycles) {
  auto engine = MakeEngine(OneTarget("round_robin"));
  constexpr int kRegions = 10, kPerRegion = 30;
  for (int i = 0; i < kRegions * kPerRegion; ++i) {
    Worker w;
    w.id = absl::StrCat("w", 1000 + i);
    w.organisation = "vendor";
    w.pools = {"sales"};
    w.regions = {absl::StrCat("R", i % kRegions)};
    w.daily_cap = 1000;
    ASSERT_TRUE(engine->UpsertWorker(w).ok());
    ASSERT_TRUE(engine->StreamOpened(w.id).ok());
    ASSERT_TRUE(engine->SetStatus(w.id, WorkerStatus::kAvailable).ok());
  }
  std::map<std::string, int> counts;
  for (int n = 0; n < 2 * kPerRegion; ++n) {
    clock_.Advance(absl::Seconds(1));
    const std::string id = absl::StrCat("l", n);
    auto d = engine->Route(Lead(id, "acct-" + id, {{"region", "R3"}}));
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_EQ(d->offers.size(), 1u);
    const std::string& worker = d->offers[0].worker_id;
    EXPECT_EQ(engine->FindWorker(worker)->regions, std::set<std::string>{"R3"});
    auto a = engine->Accept(d->offers[0].offer_id, worker);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(engine->Complete(id, a->fencing_version).ok());
    counts[worker]++;
  }
  ASSERT_EQ(counts.size(), static_cast<size_t>(kPerRegion));  // every R3 worker, twice each
  for (const auto& [w, n] : counts) EXPECT_EQ(n, 2) << w;
  auto receipts = engine->Receipts("l0");
  ASSERT_TRUE(receipts.ok());
  EXPECT_NE(receipts->front().find("270 others: not in pool sales covering region R3"),
            std::string::npos)
      << receipts->front();
}

TEST_F(StrategiesTest, WeightedRoundRobinMatchesWeightsWithinOnePercent) {
  auto engine = MakeEngine(OneTarget("weighted_round_robin"));
  std::map<std::string, int> weights = {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}};
  for (const auto& [w, weight] : weights) AddWorker(*engine, w, {"sales"}, 5, weight);
  std::map<std::string, int> counts;
  constexpr int kItems = 10000;
  for (int i = 0; i < kItems; ++i) counts[RouteAndClose(*engine, absl::StrCat("l", i))]++;
  for (const auto& [w, weight] : weights) {
    double expected = kItems * weight / 10.0;
    EXPECT_NEAR(counts[w], expected, expected * 0.01) << w;
  }
  auto fairness = engine->Fairness("sales", absl::Hours(1));
  ASSERT_TRUE(fairness.ok()) << fairness.status();
  EXPECT_EQ(fairness->assignments["d"], counts["d"]);
  EXPECT_NEAR(fairness->gini, 0.25, 0.005) << "weights 1:2:3:4 have Gini 0.25";
}

// Weighted round robin keeps a pass per worker of the pool; these pin down what keeps it fair
// when the pool changes, each failing if that worker got a burst to catch up.
TEST_F(StrategiesTest, WeightedRoundRobinGivesNoBurstToAWorkerBackFromAway) {
  auto engine = MakeEngine(OneTarget("weighted_round_robin"));
  for (const char* w : {"a", "b", "c"}) AddWorker(*engine, w, {"sales"});
  ASSERT_TRUE(engine->SetStatus("c", WorkerStatus::kAway).ok());
  for (int i = 0; i < 40; ++i) {
    ASSERT_NE(RouteAndClose(*engine, absl::StrCat("away", i)), "c");
  }
  ASSERT_TRUE(engine->SetStatus("c", WorkerStatus::kAvailable).ok());
  std::map<std::string, int> counts;
  for (int i = 0; i < 30; ++i) counts[RouteAndClose(*engine, absl::StrCat("back", i))]++;
  for (const char* w : {"a", "b", "c"}) EXPECT_NEAR(counts[w], 10, 1) << w;
}

TEST_F(StrategiesTest, WeightedRoundRobinStartsAJoiningWorkerAtThePoolsVirtualTime) {
  auto engine = MakeEngine(OneTarget("weighted_round_robin"));
  AddWorker(*engine, "a", {"sales"}, 5, 1);
  AddWorker(*engine, "b", {"sales"}, 5, 1);
  for (int i = 0; i < 40; ++i) RouteAndClose(*engine, absl::StrCat("early", i));
  AddWorker(*engine, "c", {"sales"}, 5, 2);
  std::map<std::string, int> counts;
  for (int i = 0; i < 40; ++i) counts[RouteAndClose(*engine, absl::StrCat("late", i))]++;
  EXPECT_NEAR(counts["a"], 10, 1);
  EXPECT_NEAR(counts["b"], 10, 1);
  EXPECT_NEAR(counts["c"], 20, 1);
}

TEST_F(StrategiesTest, WeightedRoundRobinReceiptShowsThePassesItMoved) {
  auto engine = MakeEngine(OneTarget("weighted_round_robin"));
  AddWorker(*engine, "a", {"sales"}, 5, 4);
  AddWorker(*engine, "b", {"sales"}, 5, 1);
  ASSERT_TRUE(engine->SetStatus("b", WorkerStatus::kOffline).ok());
  RouteAndClose(*engine, "l1");  // a (before b at equal passes): pass 0 -> 0.25
  auto d = engine->Route(Lead("l2", "acct-l2"));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->offers.at(0).worker_id, "a");
  auto receipts = engine->Receipts("l2");
  ASSERT_TRUE(receipts.ok()) << receipts.status();
  auto receipt = nlohmann::json::parse(receipts->back());
  // b (pass 0, offline) came first and was lifted to the winner's pass; a moved on by 1/4.
  EXPECT_DOUBLE_EQ(receipt["state_before"]["b"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(receipt["state_after"]["b"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(receipt["state_before"]["a"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(receipt["state_after"]["a"].get<double>(), 0.5);
  bool b_noted = false;
  for (const auto& c : receipt["candidates"]) {
    if (c["id"] == "b")
      b_noted = c["excluded"].get<std::string>().find("offline") != std::string::npos;
  }
  EXPECT_TRUE(b_noted) << receipt.dump();
}

TEST_F(StrategiesTest, LeastLoadedPicksTheMostSpareCapacity) {
  auto engine = MakeEngine(OneTarget("least_loaded"));
  AddWorker(*engine, "small", {"sales"}, 2);
  clock_.Advance(absl::Seconds(1));
  AddWorker(*engine, "big", {"sales"}, 4);
  // big 4 spare, small 2: big, big (3 → 2 spare, tie broken by idle: small), ...
  auto d1 = engine->Route(Lead("l1", "a1"));
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->offers.at(0).worker_id, "big");
  auto d2 = engine->Route(Lead("l2", "a2"));
  EXPECT_EQ(d2->offers.at(0).worker_id, "big");
  clock_.Advance(absl::Seconds(1));
  auto d3 = engine->Route(Lead("l3", "a3"));
  EXPECT_EQ(d3->offers.at(0).worker_id, "small") << "2 spare each; small idled longer";
  EXPECT_EQ(Load("big"), 2);
  EXPECT_EQ(Load("small"), 1);
}

// Least loaded reads the pool's spare order: every change of a worker's load must move it there.
TEST_F(StrategiesTest, LeastLoadedFollowsLoadFreedByCompletionAndDecline) {
  auto engine = MakeEngine(OneTarget("least_loaded"));
  AddWorker(*engine, "a", {"sales"}, 5);
  AddWorker(*engine, "b", {"sales"}, 3);
  auto route = [&](const std::string& id) {
    clock_.Advance(absl::Seconds(1));
    auto d = engine->Route(Lead(id, "acct-" + id));
    EXPECT_TRUE(d.ok() && !d->offers.empty()) << id;
    return d.ok() && !d->offers.empty() ? d->offers[0] : OfferRef{};
  };
  OfferRef l1 = route("l1");
  ASSERT_EQ(l1.worker_id, "a");           // 5 spare against 3
  ASSERT_EQ(route("l2").worker_id, "a");  // 4 against 3
  ASSERT_EQ(route("l3").worker_id, "b");  // 3 each, b idle longer
  ASSERT_EQ(route("l4").worker_id, "a");  // 3 against 2
  clock_.Advance(absl::Seconds(1));
  auto accepted = engine->Accept(l1.offer_id, "a");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_TRUE(engine->Complete("l1", accepted->fencing_version).ok());
  // Before the completion a had 2 spare and had just worked; b has 2 and idled longer.
  OfferRef l5 = route("l5");
  EXPECT_EQ(l5.worker_id, "a") << "the completion freed a: 3 spare against 2";

  clock_.Advance(absl::Seconds(1));
  auto next = engine->Decline(l5.offer_id, "a", "busy");
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->offers.at(0).worker_id, "b") << "a declined l5";
  // The decline gave a its place back: 3 spare (score -3 plus the idle time's fraction).
  auto score = client_.Command({"ZSCORE", "{rt:test}:spare:sales", "a"});
  ASSERT_TRUE(score.ok());
  double a_score = 0;
  ASSERT_TRUE(absl::SimpleAtod(score->str, &a_score)) << score->str;
  EXPECT_LT(a_score, -2.5);
  EXPECT_GT(a_score, -3.0);

  // A worker missing from the order (as if added before it existed) is placed when met.
  ASSERT_TRUE(client_.Command({"DEL", "{rt:test}:spare:sales"}).ok());
  EXPECT_EQ(route("l6").worker_id, "a") << "3 spare against 1";
  auto placed = client_.Command({"ZCARD", "{rt:test}:spare:sales"});
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->integer, 2);
}

TEST_F(StrategiesTest, BroadcastOffersToNFirstAcceptWinsOthersRescinded) {
  auto engine = MakeEngine(OneTarget("broadcast", "        broadcast: 3\n"));
  for (const char* w : {"a", "b", "c", "d"}) AddWorker(*engine, w, {"sales"});
  auto d = engine->Route(Lead("p1", "acct"));
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->offers.size(), 3u);
  // Each offer has its own event, naming its offer and worker.
  std::set<std::string> event_ids;
  std::map<std::string, std::string> worker_of_offer;
  for (const auto& e : Events()) {
    if (e.type() != "WorkItemOffered") continue;
    event_ids.insert(e.event_id());
    const auto& o = e.work_item_offered();
    EXPECT_EQ(o.item().item_id(), "p1");
    EXPECT_EQ(o.item().account_id(), "acct");
    EXPECT_EQ(e.partition_key(), "acct");
    EXPECT_EQ(o.rule(), "default");
    EXPECT_EQ(o.strategy(), "broadcast");
    EXPECT_EQ(o.policy_version(), "v1");
    EXPECT_EQ(o.organisation_id(), "vendor");
    worker_of_offer[o.offer_id()] = o.worker_id();
  }
  EXPECT_EQ(event_ids.size(), 3u);
  for (const auto& offer : d->offers) {
    EXPECT_EQ(worker_of_offer[offer.offer_id], offer.worker_id);
  }
  // The receipt lists the three picked workers, each as a candidate that was not excluded,
  // with their idle times before and after, and says the fourth was not needed.
  auto receipts = engine->Receipts("p1");
  ASSERT_TRUE(receipts.ok());
  ASSERT_EQ(receipts->size(), 1u);
  auto receipt = nlohmann::json::parse(receipts->front());
  EXPECT_EQ(receipt["rule"], "default");
  EXPECT_EQ(receipt["target"], 0);
  EXPECT_EQ(receipt["strategy"], "broadcast");
  EXPECT_EQ(receipt["policy_version"], "v1");
  EXPECT_EQ(receipt["at"], absl::ToUnixMillis(clock_.Now()));
  ASSERT_EQ(receipt["picked"].size(), 3u);
  ASSERT_EQ(receipt["state_after"].size(), 3u);
  ASSERT_EQ(receipt["state_before"].size(), 3u);
  for (const auto& offer : d->offers) {
    EXPECT_NE(std::find(receipt["picked"].begin(), receipt["picked"].end(), offer.worker_id),
              receipt["picked"].end());
    EXPECT_EQ(receipt["state_after"][offer.worker_id], absl::ToUnixMillis(clock_.Now()));
  }
  int not_excluded = 0;
  bool fourth_noted = false;
  for (const auto& c : receipt["candidates"]) {
    if (c["excluded"] == false) ++not_excluded;
    if (c["excluded"].is_string() &&
        c["excluded"].get<std::string>().find("1 more fitting worker") != std::string::npos) {
      fourth_noted = true;
    }
  }
  EXPECT_EQ(not_excluded, 3);
  EXPECT_TRUE(fourth_noted) << receipt;
  auto first = engine->Accept(d->offers[1].offer_id, d->offers[1].worker_id);
  ASSERT_TRUE(first.ok()) << first.status();
  auto late = engine->Accept(d->offers[0].offer_id, d->offers[0].worker_id);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Load(d->offers[0].worker_id), 0);
  EXPECT_EQ(Load(d->offers[2].worker_id), 0);
  EXPECT_EQ(Load(d->offers[1].worker_id), 1);
  auto types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemOffered"), 3);
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemOfferRescinded"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "WorkItemAssigned"), 1);
}

TEST_F(StrategiesTest, ABroadcastReachesEveryWatchingWorkerThroughOneNudge) {
  // The offer script nudges once a call with every worker it offered to ("a|b|c"); a feed that
  // only reconciles hourly must still hear of each offer at once.
  auto engine = MakeEngine(OneTarget("broadcast", "        broadcast: 3\n"));
  for (const char* w : {"a", "b", "c"}) AddWorker(*engine, w, {"sales"});
  OfferFeed feed(*engine, redis_.Config(), absl::Hours(1));
  feed.Start();
  for (int i = 0; i < 200 && !feed.listening(); ++i) absl::SleepFor(absl::Milliseconds(10));
  ASSERT_TRUE(feed.listening());
  std::mutex mu;
  std::set<std::string> heard;
  for (const char* w : {"a", "b", "c"}) {
    feed.Watch(w, [&, w = std::string(w)](const std::vector<OfferNotice>& notices) {
      std::lock_guard lock(mu);
      for (const auto& n : notices) {
        if (n.item_id == "p9" && n.change == OfferNotice::Change::kOffered) heard.insert(w);
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));  // the feed's first full read is behind it
  auto d = engine->Route(Lead("p9", "acct"));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->offers.size(), 3u);
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mu);
      if (heard.size() == 3) break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  feed.Stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(heard, (std::set<std::string>{"a", "b", "c"}));
}

TEST_F(StrategiesTest, AReceiptStaysValidJsonWhateverTheRuleIsNamed) {
  // The script writes receipts piece by piece; names with quotes, backslashes and CJK text
  // must still come out as valid JSON that says the same.
  const std::string name = "\u5927\u5ba2\u6237 \"A\" \\ tier";
  auto engine = MakeEngine(absl::StrCat("version: v1\nrules:\n  - name: '", name,
                                        "'\n    default: true\n    targets:\n"
                                        "      - strategy: round_robin\n        pool: sales\n"));
  AddWorker(*engine, "a", {"sales"});
  auto d = engine->Route(Lead("q1", "acct"));
  ASSERT_TRUE(d.ok()) << d.status();
  auto receipts = engine->Receipts("q1");
  ASSERT_TRUE(receipts.ok());
  ASSERT_EQ(receipts->size(), 1u);
  auto receipt = nlohmann::json::parse(receipts->front(), nullptr, false);
  ASSERT_FALSE(receipt.is_discarded()) << receipts->front();
  EXPECT_EQ(receipt["rule"], name);
  EXPECT_EQ(receipt["picked"], nlohmann::json::array({"a"}));
}

constexpr char kOwnerPolicy[] = R"(version: v7
rules:
  - name: default
    default: true
    targets:
      - strategy: owner
        offer_timeout: 1m
      - strategy: round_robin
        pool: sales
        offer_timeout: 1m
)";

TEST_F(StrategiesTest, OwnerIsStickyAndAnAwayOwnerIsCoveredWithOwnershipKept) {
  auto engine = MakeEngine(kOwnerPolicy);
  AddWorker(*engine, "first", {"sales"});
  AddWorker(*engine, "other", {"sales"});
  // No owner yet: the owner target finds nobody, round robin offers, the acceptor becomes owner.
  auto d1 = engine->Route(Lead("l1", "acct-9"));
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->target_index, 1);
  auto a1 = engine->Accept(d1->offers[0].offer_id, d1->offers[0].worker_id);
  ASSERT_TRUE(a1.ok());
  EXPECT_TRUE(a1->became_owner);
  const std::string owner = d1->offers[0].worker_id;
  EXPECT_EQ(engine->Owner("acct-9").value().value_or(""), owner);
  // Later leads of the account go to the owner first.
  clock_.Advance(absl::Seconds(10));
  auto d2 = engine->Route(Lead("l2", "acct-9"));
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->target_index, 0);
  EXPECT_EQ(d2->strategy, "owner");
  EXPECT_EQ(d2->offers.at(0).worker_id, owner);
  ASSERT_TRUE(engine->Accept(d2->offers[0].offer_id, owner).ok());
  // Owner away: covered by the next target, ownership kept.
  ASSERT_TRUE(engine->SetStatus(owner, WorkerStatus::kAway).ok());
  auto d3 = engine->Route(Lead("l3", "acct-9"));
  ASSERT_TRUE(d3.ok());
  EXPECT_EQ(d3->target_index, 1);
  EXPECT_NE(d3->offers.at(0).worker_id, owner);
  auto a3 = engine->Accept(d3->offers[0].offer_id, d3->offers[0].worker_id);
  ASSERT_TRUE(a3.ok());
  EXPECT_FALSE(a3->became_owner);
  EXPECT_EQ(engine->Owner("acct-9").value().value_or(""), owner);
  // The receipt says why the owner was passed over.
  auto receipts = engine->Receipts("l3");
  ASSERT_TRUE(receipts.ok());
  EXPECT_NE(receipts->front().find("status away"), std::string::npos) << receipts->front();
  EXPECT_NE(receipts->front().find("\"policy_version\":\"v7\""), std::string::npos);
}

TEST_F(StrategiesTest, TheOwnerCheckRidesOnTheNextTargetsDecision) {
  auto engine = MakeEngine(kOwnerPolicy);
  AddWorker(*engine, "first", {"sales"});
  AddWorker(*engine, "other", {"sales"});
  ASSERT_TRUE(engine->Route(Lead("warm-up", "acct-0")).ok());  // the roster is loaded
  // An account without an owner: one round trip, the round robin decision that checks it.
  const uint64_t before = platform::RedisRoundTrips();
  auto d1 = engine->Route(Lead("l1", "acct-new"));
  EXPECT_EQ(platform::RedisRoundTrips() - before, 1u);
  ASSERT_TRUE(d1.ok()) << d1.status();
  EXPECT_EQ(d1->target_index, 1);
  auto r1 = engine->Receipts("l1");
  ASSERT_TRUE(r1.ok());
  EXPECT_NE(r1->front().find("account has no sales owner"), std::string::npos) << r1->front();
  // An account whose owner this engine has never seen: the checked decision steps aside, and
  // the owner target offers, with no note that the owner is missing.
  ASSERT_TRUE(engine->TransferOwner("acct-owned", "other", "op-1", "set by an operator").ok());
  auto d2 = engine->Route(Lead("l2", "acct-owned"));
  ASSERT_TRUE(d2.ok()) << d2.status();
  EXPECT_EQ(d2->target_index, 0);
  ASSERT_EQ(d2->offers.size(), 1u);
  EXPECT_EQ(d2->offers[0].worker_id, "other");
  auto r2 = engine->Receipts("l2");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->size(), 1u);  // the step-aside wrote no receipt
  EXPECT_EQ(r2->front().find("has no sales owner"), std::string::npos) << r2->front();
  // The owner busy: the next target covers, this time without checking again.
  ASSERT_TRUE(engine->SetStatus("other", WorkerStatus::kAway).ok());
  auto d3 = engine->Route(Lead("l3", "acct-owned"));
  ASSERT_TRUE(d3.ok()) << d3.status();
  EXPECT_EQ(d3->target_index, 1);
  EXPECT_EQ(d3->offers.at(0).worker_id, "first");
}

TEST_F(StrategiesTest, TransferIsAuditedAndChangesTheOwner) {
  auto engine = MakeEngine(kOwnerPolicy);
  AddWorker(*engine, "a", {"sales"});
  AddWorker(*engine, "b", {"sales"});
  EXPECT_EQ(engine->TransferOwner("acct", "b", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->TransferOwner("acct", "ghost", "op-1", "moved").status().code(),
            absl::StatusCode::kNotFound);
  auto first = engine->TransferOwner("acct", "a", "op-1", "first owner");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "");
  auto second = engine->TransferOwner("acct", "b", "op-1", "rep left the region");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, "a");
  EXPECT_EQ(engine->Owner("acct").value().value_or(""), "b");
  auto events = Events();
  ASSERT_FALSE(events.empty());
  const auto& changed = events.back().account_owner_changed();
  EXPECT_EQ(changed.owner_id(), "b");
  EXPECT_TRUE(changed.transfer());
  EXPECT_EQ(changed.changed_by(), "op-1");
  EXPECT_EQ(events.back().partition_key(), "acct");
}

}  // namespace
}  // namespace firstline::routing
