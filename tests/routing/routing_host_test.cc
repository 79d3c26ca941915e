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

}  // namespace
}  // namespace firstline::routing
