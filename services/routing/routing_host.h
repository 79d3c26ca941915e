#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "platform/core/periodic_task.h"
#include "platform/core/work_pool.h"
#include "platform/runtime/service_runtime.h"
#include "routing/offer_feed.h"
#include "routing/policy_file.h"
#include "routing/routing_engine.h"

namespace firstline::routing {

// The section of a routing service's configuration this component reads.
struct RoutingHostConfig {
  std::string policy_path;
  int sweep_interval_ms = 1000;
  int rpc_threads = 32;
  int rpc_queue = 10'000;
  absl::Duration reconcile_interval = absl::Seconds(5);
  OfferBatcher::Limits offer_batching;  // replaces the engine configuration's
};

// --policy, --sweep-interval-ms, --rpc-threads and the offer batching limits
// (--offer-batch-decisions, --offer-batch-cost, --offer-calls-in-flight) with FIRSTLINE_*
// environment fallbacks.
void BindRoutingHostFlags(CLI::App& app, RoutingHostConfig& config);

// Redis connections a routing service's runtime should pool: every RPC thread, every offer
// delivery lane and the background work (sweep, feed, relay, consumers) block on one at a
// time. With fewer, offer delivery queued behind CreateTicket calls for seconds under load.
constexpr int RoutingRedisPoolSize(int rpc_threads) {
  return rpc_threads + static_cast<int>(OfferFeed::kDeliveryLanes) + 8;
}

// After parsing: unless --redis-pool-size (or its environment variable) was given, sizes the
// runtime's Redis pool for the RPC threads chosen (RoutingRedisPoolSize).
void SizeRedisPoolForRouting(const CLI::App& app, const RoutingHostConfig& routing,
                             platform::RuntimeConfig& runtime);

// What every service that routes work runs besides its own parts (lead-intake,
// ticket-dispatch): the policy file (reloaded when it changes), the engine on the service's
// runtime with its outbox relayed, the offer feed, the pool for blocking RPC work and the
// periodic sweep.
class RoutingHost {
 public:
  // FAILED_PRECONDITION / INVALID_ARGUMENT when the policy file cannot be used.
  static absl::StatusOr<std::unique_ptr<RoutingHost>> Create(platform::ServiceRuntime& runtime,
                                                             RoutingHostConfig config,
                                                             EngineConfig engine);
  ~RoutingHost();

  RoutingEngine& engine() { return engine_; }
  OfferFeed& feed() { return feed_; }
  platform::WorkPool& rpc_pool() { return pool_; }

  // After the runtime started: the feed and the sweeper (policy reload, then `sweep`).
  void Start(std::function<absl::Status()> sweep);
  void Stop();

 private:
  // `loaded` already read `policy` (it remembers the file's modification time).
  RoutingHost(platform::ServiceRuntime& runtime, RoutingHostConfig config, PolicyFile loaded,
              EngineConfig engine, std::shared_ptr<const Policy> policy);

  RoutingHostConfig config_;
  PolicyFile policy_file_;
  RoutingEngine engine_;
  OfferFeed feed_;
  platform::WorkPool pool_;
  std::unique_ptr<platform::PeriodicTask> sweeper_;
};

}  // namespace firstline::routing
