#include "routing/routing_host.h"

namespace firstline::routing {

namespace {
// A numeric flag with its FIRSTLINE_* environment fallback, a range and its default shown.
template <typename T>
void RangedFlag(CLI::App& app, const std::string& name, T& value, const std::string& help,
                const std::string& env, T low, T high) {
  app.add_option(name, value, help)
      ->envname(env)
      ->check(CLI::Range(low, high))
      ->capture_default_str();
}
}  // namespace

void BindRoutingHostFlags(CLI::App& app, RoutingHostConfig& c) {
  app.add_option("--policy", c.policy_path, "routing policy YAML (reloaded when it changes)")
      ->envname("FIRSTLINE_POLICY")
      ->capture_default_str();
  RangedFlag(app, "--sweep-interval-ms", c.sweep_interval_ms,
             "offer expiry / deadline / recovery sweep interval", "FIRSTLINE_SWEEP_INTERVAL_MS", 50,
             60000);
  RangedFlag(app, "--rpc-threads", c.rpc_threads, "threads serving calls (they block on Redis)",
             "FIRSTLINE_RPC_THREADS", 1, 512);
  OfferBatcher::Limits& batching = c.offer_batching;
  RangedFlag(app, "--offer-batch-decisions", batching.decisions,
             "offer decisions one Redis script call may carry (group commit)",
             "FIRSTLINE_OFFER_BATCH_DECISIONS", 1, 256);
  RangedFlag(app, "--offer-batch-cost", batching.cost,
             "candidates the decisions of one offer script call may read in all (Redis serves "
             "nothing else while a script runs); one larger decision still goes alone",
             "FIRSTLINE_OFFER_BATCH_COST", int64_t{1}, int64_t{1'000'000});
  RangedFlag(app, "--offer-calls-in-flight", batching.in_flight,
             "offer script calls under way at once; later decisions queue and go together",
             "FIRSTLINE_OFFER_CALLS_IN_FLIGHT", 1, 16);
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
