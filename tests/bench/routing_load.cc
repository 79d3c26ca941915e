#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "routing/routing_engine.h"

namespace firstline::bench {

absl::StatusOr<LatencyFigures> RoutingDecisions(int redis_port, int workers, int threads,
                                                absl::Duration duration) {
  namespace fp = firstline::platform;
  namespace fr = firstline::routing;
  fp::RedisConfig redis;
  redis.port = redis_port;
  redis.pool_size = threads + 2;
  fp::RedisClient client(redis);
  auto policy = fr::ParsePolicy(R"(version: bench
rules:
  - name: default
    default: true
    targets:
      - strategy: round_robin
        pool: sales
        offer_timeout: 10m
)");
  if (!policy.ok()) return policy.status();
  fr::RoutingEngine engine(client,
                           {.domain = absl::StrCat("bench-", absl::ToUnixMillis(absl::Now())),
                            .producer = "bench",
                            .topic = "firstline.leads.v1",
                            .owner_kind = "sales"},
                           std::make_shared<const fr::Policy>(*policy),
                           fp::SystemClock::Instance());
  for (int i = 0; i < workers; ++i) {
    fr::Worker w;
    w.id = absl::StrCat("rep-", i);
    w.organisation = "vendor";
    w.pools = {"sales"};
    w.capacity = 1000;
    w.daily_cap = 100000;
    if (auto st = engine.UpsertWorker(w); !st.ok()) return st;
    if (auto st = engine.StreamOpened(w.id); !st.ok()) return st.status();
    if (auto st = engine.SetStatus(w.id, fr::WorkerStatus::kAvailable); !st.ok())
      return st.status();
  }
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<absl::Duration>> samples(threads);
  absl::Time start = absl::Now();
  absl::Time until = start + duration;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (absl::Now() < until) {
        int64_t n = next.fetch_add(1);
        fr::WorkItem item{
            absl::StrCat("lead-", n), "lead", absl::StrCat("acct-", n % 20000), {}, {}};
        absl::Time begin = absl::Now();
        auto d = engine.Route(item);
        if (d.ok() && d->outcome == fr::Decision::Outcome::kOffered) {
          samples[t].push_back(absl::Now() - begin);
        } else {
          errors.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  std::vector<absl::Duration> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  LatencyFigures f;
  f.count = static_cast<int64_t>(all.size());
  f.errors = errors.load();
  f.per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(absl::Now() - start);
  f.p50_ms = PercentileMs(all, 0.5);
  f.p99_ms = PercentileMs(all, 0.99);
  if (f.errors > 0) return absl::InternalError(absl::StrCat(f.errors, " routing decisions failed"));
  return f;
}

}  // namespace firstline::bench
