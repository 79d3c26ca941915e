#pragma once

#include <string>

#include "absl/time/time.h"
#include "platform/grpc/server_host.h"
#include "platform/kafka/kafka_config.h"
#include "platform/outbox/outbox_relay.h"
#include "platform/redis/redis_client.h"

namespace CLI {
class App;
}

namespace firstline::platform {

// Everything the shared runtime needs; each component keeps its own section.
struct RuntimeConfig {
  std::string service_name;
  std::string log_level = "info";
  std::string http_address = "0.0.0.0";
  int metrics_port = 0;
  std::string auth_secret;
  int outbox_shards = 8;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration probe_interval = absl::Seconds(2);
  // Tests and demos only: the service's clock runs ahead by the seconds written in this file.
  std::string clock_shift_file;
  GrpcServerConfig grpc;
  RedisConfig redis;
  KafkaConfig kafka;
  OutboxRelayConfig relay;
};

// Registers the runtime's flags on `app`; each also reads FIRSTLINE_<FLAG> from the environment
// (e.g. --redis-port ↔ FIRSTLINE_REDIS_PORT). Defaults are the embedded stack's.
void BindRuntimeFlags(CLI::App& app, RuntimeConfig& config);

// Checks the parsed configuration; names every bad setting.
absl::Status ValidateRuntimeConfig(const RuntimeConfig& config);

}  // namespace firstline::platform
