#include "routing/routing_host.h"

#include <gtest/gtest.h>

#include <string>

#include "platform/runtime/runtime_config.h"

namespace firstline::routing {
namespace {

// The Redis pool a routing service ends up with for a command line.
int PoolFor(const std::string& command_line) {
  CLI::App app;
  platform::RuntimeConfig runtime;
  platform::BindRuntimeFlags(app, runtime);
  RoutingHostConfig routing;
  BindRoutingHostFlags(app, routing);
  app.parse(command_line, false);
  SizeRedisPoolForRouting(app, routing, runtime);
  return runtime.redis.pool_size;
}

TEST(RoutingRedisPoolTest, FollowsTheRpcThreadsUnlessThePoolSizeIsGiven) {
  const int lanes = static_cast<int>(OfferFeed::kDeliveryLanes);
  EXPECT_EQ(PoolFor(""), 32 + lanes + 8);
  EXPECT_EQ(PoolFor("--rpc-threads 100"), 100 + lanes + 8);
  EXPECT_EQ(PoolFor("--rpc-threads 100 --redis-pool-size 12"), 12) << "an explicit size wins";
}

TEST(RoutingHostFlagsTest, OfferBatchingLimitsAreSetByFlagsWithinRange) {
  auto parsed = [](const std::string& command_line) {
    CLI::App app;
    RoutingHostConfig routing;
    BindRoutingHostFlags(app, routing);
    app.parse(command_line, false);
    return routing.offer_batching;
  };
  const OfferBatcher::Limits defaults = parsed("");
  EXPECT_EQ(defaults.decisions, 16);
  EXPECT_EQ(defaults.cost, 2048);
  EXPECT_EQ(defaults.in_flight, 2);
  const OfferBatcher::Limits set =
      parsed("--offer-batch-decisions 4 --offer-batch-cost 500 --offer-calls-in-flight 1");
  EXPECT_EQ(set.decisions, 4);
  EXPECT_EQ(set.cost, 500);
  EXPECT_EQ(set.in_flight, 1);
  EXPECT_THROW(parsed("--offer-batch-decisions 0"), CLI::ValidationError);
  EXPECT_THROW(parsed("--offer-batch-cost -1"), CLI::ValidationError);
  EXPECT_THROW(parsed("--offer-calls-in-flight 17"), CLI::ValidationError);
}

}  // namespace
}  // namespace firstline::routing
