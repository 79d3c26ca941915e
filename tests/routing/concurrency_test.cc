// Several threads and two engine instances drive random offers, accepts, declines, expiries,
// completions and status changes against one real redis-server; an oracle then checks every
// invariant from the stored state and the event log.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "routing/engine_fixture.h"

namespace firstline::routing {
namespace {

constexpr char kPolicy[] = R"(version: c1
rules:
  - name: default
    default: true
    targets:
      - strategy: round_robin
        pool: sales
        offer_timeout: 20s
        max_offers: 2
      - strategy: weighted_round_robin
        pool: sales
        offer_timeout: 20s
        max_offers: 1
      - strategy: broadcast
        pool: sales
        broadcast: 3
        offer_timeout: 20s
        max_offers: 1
      - strategy: least_loaded
        pool: sales
        offer_timeout: 20s
)";

constexpr int kCapacity = 2;
constexpr int kDailyCap = 40;

class ConcurrencyTest : public EngineFixture {
 protected:
  struct Shared {
    std::mutex mu;
    std::vector<OfferRef> offers;             // offers seen (may be stale)
    std::map<std::string, int64_t> assigned;  // item -> fencing version
    std::map<std::string, int> accepts;       // item -> successful accepts
    std::vector<std::string> items;
  };

  // Mostly a recent offer (likely still live), sometimes any (likely stale).
  static std::optional<OfferRef> PickOffer(Shared& shared, std::mt19937& rng) {
    std::lock_guard lock(shared.mu);
    size_t n = shared.offers.size();
    if (n == 0) return std::nullopt;
    size_t lo = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? 0 : (n > 8 ? n - 8 : 0);
    return shared.offers[std::uniform_int_distribution<size_t>(lo, n - 1)(rng)];
  }

  void Record(Shared& shared, const Decision& d) {
    std::lock_guard lock(shared.mu);
    for (const auto& o : d.offers) shared.offers.push_back(o);
  }
};

TEST_F(ConcurrencyTest, InvariantsHoldUnderRandomConcurrentTraffic) {
  platform::RedisClient second_client(redis_.Config());
  auto first = MakeEngine(kPolicy);
  auto policy = ParsePolicy(kPolicy);
  ASSERT_TRUE(policy.ok());
  RoutingEngine second(second_client,
                       {.domain = "test",
                        .producer = "routing-test-2",
                        .topic = "firstline.leads.v1",
                        .owner_kind = "sales"},
                       std::make_shared<const Policy>(*policy), clock_);
  std::vector<std::string> toggling;
  for (int i = 0; i < 8; ++i) {
    Worker w;
    w.id = absl::StrCat("w", i);
    w.organisation = "vendor";
    w.pools = {"sales"};
    w.capacity = kCapacity;
    w.daily_cap = kDailyCap;
    ASSERT_TRUE(first->UpsertWorker(w).ok());
    ASSERT_TRUE(first->StreamOpened(w.id).ok());
    ASSERT_TRUE(first->SetStatus(w.id, WorkerStatus::kAvailable).ok());
    toggling.push_back(w.id);
  }
  // Never available: must never receive an offer.
  for (const char* id : {"off", "away"}) {
    Worker w;
    w.id = id;
    w.organisation = "vendor";
    w.pools = {"sales"};
    ASSERT_TRUE(first->UpsertWorker(w).ok());
    ASSERT_TRUE(first->StreamOpened(id).ok());
  }
  ASSERT_TRUE(first->SetStatus("away", WorkerStatus::kAway).ok());

  Shared shared;
  std::atomic<int> next_item{0};
  std::atomic<int> unexpected{0};
  std::atomic<bool> over_capacity{false};
  std::atomic<bool> done{false};
  auto expect_ok_or = [&](const absl::Status& st, std::initializer_list<absl::StatusCode> allowed,
                          int line = __builtin_LINE()) {
    if (st.ok()) return;
    for (auto code : allowed) {
      if (st.code() == code) return;
    }
    ADD_FAILURE() << st << " (call at line " << line << ")";
    unexpected++;
  };

  auto drive = [&](RoutingEngine& engine, unsigned seed) {
    std::mt19937 rng(seed);
    for (int step = 0; step < 400; ++step) {
      int op = std::uniform_int_distribution<int>(0, 99)(rng);
      if (op < 30) {
        std::string id = absl::StrCat("i", next_item.fetch_add(1));
        {
          std::lock_guard lock(shared.mu);
          shared.items.push_back(id);
        }
        auto d = engine.Route(Lead(id, absl::StrCat("acct-", id.size() + step % 13)));
        expect_ok_or(d.status(), {});
        if (d.ok()) Record(shared, *d);
      } else if (op < 55) {
        auto picked = PickOffer(shared, rng);
        if (!picked) continue;
        const OfferRef& offer = *picked;
        auto a = engine.Accept(offer.offer_id, offer.worker_id);
        expect_ok_or(a.status(), {absl::StatusCode::kFailedPrecondition});
        if (a.ok()) {
          std::lock_guard lock(shared.mu);
          shared.assigned[a->item_id] = a->fencing_version;
          shared.accepts[a->item_id]++;
        }
      } else if (op < 68) {
        auto picked = PickOffer(shared, rng);
        if (!picked) continue;
        const OfferRef& offer = *picked;
        auto d = engine.Decline(offer.offer_id, offer.worker_id, "random");
        expect_ok_or(d.status(), {absl::StatusCode::kFailedPrecondition});
        if (d.ok() && d->has_value()) Record(shared, **d);
      } else if (op < 78) {
        clock_.Advance(absl::Seconds(std::uniform_int_distribution<int>(1, 15)(rng)));
        auto expired = engine.ExpireDue();
        expect_ok_or(expired.status(), {});
        if (expired.ok()) {
          for (const auto& d : *expired) Record(shared, d);
        }
      } else if (op < 90) {
        std::string item;
        int64_t fence = 0;
        {
          std::lock_guard lock(shared.mu);
          if (shared.assigned.empty()) continue;
          auto it = shared.assigned.begin();
          std::advance(it,
                       std::uniform_int_distribution<size_t>(0, shared.assigned.size() - 1)(rng));
          item = it->first;
          fence = it->second;
        }
        expect_ok_or(engine.Complete(item, fence), {absl::StatusCode::kFailedPrecondition});
      } else {
        const std::string& w = toggling[std::uniform_int_distribution<size_t>(0, 7)(rng)];
        static constexpr WorkerStatus kStatuses[] = {WorkerStatus::kAvailable, WorkerStatus::kAway,
                                                     WorkerStatus::kOffline,
                                                     WorkerStatus::kAvailable};
        auto st = engine.SetStatus(w, kStatuses[std::uniform_int_distribution<int>(0, 3)(rng)]);
        expect_ok_or(st.status(), {});
      }
    }
  };
  // Samples every worker's load while the traffic runs.
  std::thread sampler([&] {
    platform::RedisClient probe(redis_.Config());
    while (!done.load()) {
      for (const auto& w : toggling) {
        auto load = probe.Command({"HGET", "{rt:test}:w:" + w, "load"});
        if (load.ok() && !load->is_nil() && std::stoi(load->str) > kCapacity) over_capacity = true;
      }
    }
  });
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back(drive, std::ref(t % 2 == 0 ? *first : second), 1000 + t);
  }
  for (auto& t : threads) t.join();
  done = true;
  sampler.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_FALSE(over_capacity.load()) << "a worker went over capacity during the run";

  // Let every offer run out and every worker come back: nothing may be dropped.
  clock_.Advance(absl::Hours(1));
  for (const auto& w : toggling) ASSERT_TRUE(first->SetStatus(w, WorkerStatus::kAvailable).ok());
  ASSERT_TRUE(first->ExpireDue().ok());

  // Oracle.
  std::map<std::string, int> assigned_events;
  std::set<std::string> offered_to;
  for (const auto& e : Events()) {
    if (e.has_work_item_assigned()) assigned_events[e.work_item_assigned().item().item_id()]++;
    if (e.has_work_item_offered()) offered_to.insert(e.work_item_offered().worker_id());
  }
  EXPECT_FALSE(offered_to.contains("off"));
  EXPECT_FALSE(offered_to.contains("away"));
  for (const auto& [item, n] : assigned_events) EXPECT_EQ(n, 1) << item << " assigned twice";
  for (const auto& [item, n] : shared.accepts) EXPECT_EQ(n, 1) << item << " accepted twice";
  EXPECT_EQ(assigned_events.size(), shared.accepts.size());

  std::map<std::string, int> expected_load;
  int states_checked = 0;
  for (const auto& item : shared.items) {
    auto h = client_.Command({"HMGET", "{rt:test}:item:" + item, "state", "assignee", "fence"});
    ASSERT_TRUE(h.ok());
    const std::string state = h->elements[0].str;
    auto live = client_.Command({"SMEMBERS", "{rt:test}:io:" + item});
    auto parked = client_.Command({"ZSCORE", "{rt:test}:parked", item});
    if (state == "assigned") {
      expected_load[h->elements[1].str]++;
      EXPECT_EQ(h->elements[2].str, "1") << item;
      EXPECT_TRUE(live->elements.empty()) << item;
    } else if (state == "offered") {
      EXPECT_FALSE(live->elements.empty()) << item << " offered without a live offer";
      for (const auto& o : live->elements) {
        auto worker = client_.Command({"HGET", "{rt:test}:offer:" + o.str, "worker"});
        expected_load[worker->str]++;
      }
    } else if (state == "parked") {
      EXPECT_FALSE(parked->is_nil()) << item << " parked but not queued";
    } else {
      EXPECT_EQ(state, "closed") << item << " is in no valid state: dropped";
    }
    ++states_checked;
  }
  EXPECT_GT(states_checked, 100);
  for (const auto& w : toggling) {
    auto h = client_.Command({"HMGET", "{rt:test}:w:" + w, "load", "dcount"});
    int load = std::stoi(h->elements[0].str);
    EXPECT_EQ(load, expected_load[w]) << w << ": stored load disagrees with its offers and items";
    EXPECT_LE(load, kCapacity) << w;
    EXPECT_LE(std::stoi(h->elements[1].str), kDailyCap) << w;
  }
  EXPECT_GT(shared.accepts.size(), 20u) << "the run must exercise assignments";
}

}  // namespace
}  // namespace firstline::routing
