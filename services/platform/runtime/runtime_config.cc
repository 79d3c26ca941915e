#include "platform/runtime/runtime_config.h"

#include <CLI/CLI.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "platform/auth/tokens.h"
#include "platform/core/field_errors.h"

namespace firstline::platform {
namespace {

std::string EnvName(absl::string_view flag) {
  return "FIRSTLINE_" + absl::AsciiStrToUpper(absl::StrReplaceAll(flag, {{"-", "_"}}));
}

template <typename T>
void Option(CLI::App& app, absl::string_view name, T& target, std::string help) {
  app.add_option(std::string("--") + std::string(name), target, std::move(help))
      ->envname(EnvName(name))
      ->capture_default_str();
}

// Durations travel as milliseconds on the command line.
void DurationOption(CLI::App& app, absl::string_view name, absl::Duration& target,
                    std::string help) {
  app.add_option_function<int64_t>(
         std::string("--") + std::string(name),
         [&target](int64_t ms) { target = absl::Milliseconds(ms); }, std::move(help))
      ->envname(EnvName(name))
      ->default_str(std::to_string(absl::ToInt64Milliseconds(target)));
}

}  // namespace

void BindRuntimeFlags(CLI::App& app, RuntimeConfig& c) {
  Option(app, "log-level", c.log_level, "trace, debug, info, warn, error");
  Option(app, "grpc-address", c.grpc.address, "gRPC listen address");
  Option(app, "grpc-port", c.grpc.port, "gRPC listen port (0: any free port)");
  Option(app, "grpc-max-message-bytes", c.grpc.max_message_bytes, "largest accepted message");
  Option(app, "tls-cert", c.grpc.tls_cert_file, "PEM server certificate (enables TLS)");
  Option(app, "tls-key", c.grpc.tls_key_file, "PEM server key");
  Option(app, "tls-client-ca", c.grpc.client_ca_file, "PEM CA for client certificates (mTLS)");
  Option(app, "http-address", c.http_address, "metrics/health HTTP listen address");
  Option(app, "metrics-port", c.metrics_port, "HTTP port for /metrics and /healthz");
  Option(app, "auth-secret", c.auth_secret, "HS256 secret for bearer tokens (>= 32 bytes)");
  Option(app, "redis-host", c.redis.host, "Redis host");
  Option(app, "redis-port", c.redis.port, "Redis port");
  Option(app, "redis-password", c.redis.password, "Redis password (AUTH)");
  Option(app, "redis-pool-size", c.redis.pool_size, "Redis connections in the pool");
  DurationOption(app, "redis-timeout-ms", c.redis.command_timeout, "Redis command timeout");
  Option(app, "kafka-bootstrap", c.kafka.bootstrap_servers, "Kafka bootstrap servers");
  Option(app, "kafka-bootstrap-file", c.kafka.bootstrap_file,
         "file holding the bootstrap servers (written by the dev broker)");
  DurationOption(app, "kafka-message-timeout-ms", c.kafka.message_timeout,
                 "how long one publish attempt may take");
  Option(app, "outbox-shards", c.outbox_shards, "key shards (hash tags) of this service");
  DurationOption(app, "outbox-lease-ms", c.relay.lease_ttl, "relay lease per outbox stream");
  DurationOption(app, "drain-timeout-ms", c.drain_timeout, "graceful shutdown budget");
  DurationOption(app, "probe-interval-ms", c.probe_interval, "dependency probe period");
  Option(app, "clock-shift-file", c.clock_shift_file,
         "tests and demos only: run the clock ahead by the seconds written in this file");
}

absl::Status ValidateRuntimeConfig(const RuntimeConfig& c) {
  FieldErrors errors;
  if (c.service_name.empty()) errors.Add("service_name", "must be set");
  if (auto st = ValidateSecret(c.auth_secret); !st.ok()) {
    errors.Add("auth-secret", std::string(st.message()));
  }
  if (c.grpc.port < 0 || c.grpc.port > 65535) errors.Add("grpc-port", "must be 0..65535");
  if (c.metrics_port < 0 || c.metrics_port > 65535) errors.Add("metrics-port", "must be 0..65535");
  if (c.redis.port <= 0 || c.redis.port > 65535) errors.Add("redis-port", "must be 1..65535");
  if (c.redis.pool_size < 1) errors.Add("redis-pool-size", "must be at least 1");
  if (c.outbox_shards < 1 || c.outbox_shards > 1024) {
    errors.Add("outbox-shards", "must be 1..1024");
  }
  if (c.kafka.bootstrap_servers.empty() && c.kafka.bootstrap_file.empty()) {
    errors.Add("kafka-bootstrap", "set it or --kafka-bootstrap-file");
  }
  if (c.grpc.max_message_bytes < 1024) {
    errors.Add("grpc-max-message-bytes", "must be at least 1024");
  }
  return errors.ToStatus();
}

}  // namespace firstline::platform
