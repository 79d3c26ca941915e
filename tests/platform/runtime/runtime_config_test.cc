#include "platform/runtime/runtime_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>

#include "platform/kafka/event_consumer.h"

namespace firstline::platform {
namespace {

TEST(RuntimeConfigTest, FlagsAndEnvironmentBothConfigure) {
  setenv("FIRSTLINE_REDIS_PORT", "7001", 1);
  RuntimeConfig config;
  CLI::App app;
  BindRuntimeFlags(app, config);
  const char* argv[] = {"svc", "--grpc-port", "9999", "--redis-timeout-ms", "750"};
  app.parse(5, argv);
  unsetenv("FIRSTLINE_REDIS_PORT");
  EXPECT_EQ(config.grpc.port, 9999);
  EXPECT_EQ(config.redis.port, 7001);
  EXPECT_EQ(config.redis.command_timeout, absl::Milliseconds(750));
}

TEST(RuntimeConfigTest, ValidationNamesEveryBadSetting) {
  RuntimeConfig config;
  config.service_name = "svc";
  config.auth_secret = "short";
  config.redis.port = 0;
  config.outbox_shards = 0;
  absl::Status st = ValidateRuntimeConfig(config);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  for (const char* name : {"auth-secret", "redis-port", "outbox-shards", "kafka-bootstrap"}) {
    EXPECT_NE(st.message().find(name), absl::string_view::npos) << name;
  }
  config.auth_secret = std::string(32, 'x');
  config.redis.port = 6379;
  config.outbox_shards = 8;
  config.kafka.bootstrap_servers = "127.0.0.1:9092";
  EXPECT_TRUE(ValidateRuntimeConfig(config).ok());
}

TEST(ConsumerPolicyTest, TransientCodesAreRetriedOthersArePoison) {
  EXPECT_TRUE(IsTransient(absl::UnavailableError("")));
  EXPECT_TRUE(IsTransient(absl::AbortedError("")));
  EXPECT_TRUE(IsTransient(absl::DeadlineExceededError("")));
  EXPECT_FALSE(IsTransient(absl::InvalidArgumentError("")));
  EXPECT_FALSE(IsTransient(absl::InternalError("")));
}

}  // namespace
}  // namespace firstline::platform
