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
