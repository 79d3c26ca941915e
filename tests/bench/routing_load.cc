
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/load.h"
#include "routing/routing_engine.h"

namespace firstline::bench {

absl::StatusOr<RoutingFigures> RoutingDecisions(int redis_port, int workers,
                                                const std::string& strategy, int threads,
                                                absl::Duration duration) {
  namespace fp = firstline::platform;
  namespace fr = firstline::routing;
  fp::RedisConfig redis;
  redis.port = redis_port;
  redis.pool_size = threads + 2;
  fp::RedisClient client(redis);
  auto policy = fr::ParsePolicy(absl::StrCat(R"(version: bench
rules:
  - name: default
    default: true
    targets:
      - strategy: )",
                                             strategy, R"(
        pool: sales
        offer_timeout: 10m
)"));
  if (!policy.ok()) return policy.status();
  const std::string domain = absl::StrCat("bench-", absl::ToUnixMillis(absl::Now()));
  fr::RoutingEngine engine(
      client,
      {.domain = domain, .producer = "bench", .topic = "firstline.leads.v1", .owner_kind = "sales"},
      std::make_shared<const fr::Policy>(*policy), fp::SystemClock::Instance());
  for (int i = 0; i < workers; ++i) {
    fr::Worker w;
    w.id = absl::StrCat("rep-", i);
    w.organisation = "vendor";
    w.pools = {"sales"};
    w.capacity = 1000;  // the most allowed
    w.daily_cap = 100000;
    if (auto st = engine.UpsertWorker(w); !st.ok()) return st;
    if (auto st = engine.StreamOpened(w.id); !st.ok()) return st.status();
    if (auto st = engine.SetStatus(w.id, fr::WorkerStatus::kAvailable); !st.ok())
      return st.status();
  }
  // Offers here are never answered, so the workers would fill after capacity x workers
  // decisions (50,000 for the harness's 50: five seconds at 10,000/s). As if they finished their
  // work at once, their counts are cleared a few times a second; a hundred HSETs a second
  // beside the thousands of decisions measured.
  std::atomic<bool> done{false};
  std::atomic<int64_t> freeing_trips{0};  // not the engine's: left out of its round trips
  const uint64_t trips_before = fp::RedisRoundTrips();
  std::thread freeing([&] {
    while (!done.load()) {
      for (int i = 0; i < workers && !done.load(); ++i) {
        (void)client.Command(
            {"HSET", absl::StrCat("{rt:", domain, "}:w:rep-", i), "load", "0", "dcount", "0"});
        ++freeing_trips;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
  });
  LatencyFigures f = ClosedLoop(threads, duration, [&](int64_t n) {
    fr::WorkItem item{absl::StrCat("lead-", n), "lead", absl::StrCat("acct-", n % 20000), {}, {}};
    auto d = engine.Route(item);
    return d.ok() && d->outcome == fr::Decision::Outcome::kOffered;
  });
  done = true;
  freeing.join();
  const double engine_trips =
      static_cast<double>(fp::RedisRoundTrips() - trips_before - freeing_trips.load());
  if (f.errors > 0) return absl::InternalError(absl::StrCat(f.errors, " routing decisions failed"));
  const auto batching = engine.offer_batching();
  return RoutingFigures{f,
                        batching.calls > 0 ? static_cast<double>(batching.decisions) /
                                                 static_cast<double>(batching.calls)
                                           : 0.0,
                        f.count > 0 ? engine_trips / static_cast<double>(f.count) : 0.0};
}

}  // namespace firstline::bench
