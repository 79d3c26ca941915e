#include "routing/routing_host.h"

namespace firstline::routing {

void BindRoutingHostFlags(CLI::App& app, RoutingHostConfig& c) {
  app.add_option("--policy", c.policy_path, "routing policy YAML (reloaded when it changes)")
      ->envname("FIRSTLINE_POLICY")
      ->capture_default_str();
  app.add_option("--sweep-interval-ms", c.sweep_interval_ms,
                 "offer expiry / deadline / recovery sweep interval")
      ->envname("FIRSTLINE_SWEEP_INTERVAL_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--rpc-threads", c.rpc_threads, "threads serving calls (they block on Redis)")
      ->envname("FIRSTLINE_RPC_THREADS")
      ->check(CLI::Range(1, 512))
      ->capture_default_str();
  OfferBatcher::Limits& batching = c.offer_batching;
  app.add_option("--offer-batch-decisions", batching.decisions,
                 "offer decisions one Redis script call may carry (group commit)")
      ->envname("FIRSTLINE_OFFER_BATCH_DECISIONS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--offer-batch-cost", batching.cost,
                 "candidates the decisions of one offer script call may read in all (Redis "
                 "serves nothing else while a script runs); one larger decision still goes alone")
      ->envname("FIRSTLINE_OFFER_BATCH_COST")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--offer-calls-in-flight", batching.in_flight,
                 "offer script calls under way at once; later decisions queue and go together")
      ->envname("FIRSTLINE_OFFER_CALLS_IN_FLIGHT")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
}

void SizeRedisPoolForRouting(const CLI::App& app, const RoutingHostConfig& routing,
                             platform::RuntimeConfig& runtime) {
  const CLI::Option* given = app.get_option_no_throw("--redis-pool-size");
  if (given != nullptr && given->count() > 0) return;
  runtime.redis.pool_size = RoutingRedisPoolSize(routing.rpc_threads);
}

absl::StatusOr<std::unique_ptr<RoutingHost>> RoutingHost::Create(platform::ServiceRuntime& runtime,
                                                                 RoutingHostConfig config,
                                                                 EngineConfig engine) {
  PolicyFile file(config.policy_path);
  auto policy = file.Load();
  if (!policy.ok()) return policy.status();
  engine.offer_batching = config.offer_batching;
  return std::unique_ptr<RoutingHost>(new RoutingHost(runtime, std::move(config), std::move(file),
                                                      std::move(engine), std::move(*policy)));
}

RoutingHost::RoutingHost(platform::ServiceRuntime& runtime, RoutingHostConfig config,
                         PolicyFile loaded, EngineConfig engine,
                         std::shared_ptr<const Policy> policy)
    : config_(std::move(config)),
      policy_file_(std::move(loaded)),
      engine_(runtime.redis(), std::move(engine), std::move(policy), runtime.clock()),
      feed_(engine_, runtime.config().redis, config_.reconcile_interval),
      pool_(runtime.config().service_name + "-rpc", config_.rpc_threads,
            static_cast<size_t>(config_.rpc_queue)) {
  runtime.AddOutboxStream(engine_.OutboxKey());
}

RoutingHost::~RoutingHost() { Stop(); }

void RoutingHost::Start(std::function<absl::Status()> sweep) {
  sweeper_ = std::make_unique<platform::PeriodicTask>(
      "sweep", absl::Milliseconds(config_.sweep_interval_ms),
      [this, sweep = std::move(sweep)]() -> absl::Status {
        (void)policy_file_.ReloadIfChanged(engine_);  // refusals are logged; the policy stays
        return sweep();
      });
  sweeper_->Start();
  feed_.Start();
}

void RoutingHost::Stop() {
  feed_.Stop();
  if (sweeper_) sweeper_->Stop();
}

}  // namespace firstline::routing
