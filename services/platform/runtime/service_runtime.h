#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/auth/tokens.h"
#include "platform/core/clock.h"
#include "platform/events/envelope_handler.h"
#include "platform/events/processed_events.h"
#include "platform/grpc/server_host.h"
#include "platform/http/http_endpoint.h"
#include "platform/http/metrics.h"
#include "platform/kafka/event_consumer.h"
#include "platform/kafka/event_producer.h"
#include "platform/outbox/keyspace.h"
#include "platform/outbox/outbox_relay.h"
#include "platform/redis/redis_client.h"
#include "platform/runtime/runtime_config.h"

namespace firstline::platform {

// The process-level wiring every service shares: logs, metrics endpoint, Redis, Kafka producer,
// outbox relay, consumers, gRPC server with health and reflection, dependency probe and
// graceful shutdown. A service's main() creates it, adds its services and consumers, and runs.
class ServiceRuntime {
 public:
  // Blocks SIGINT/SIGTERM in the calling thread first, so every thread started later inherits
  // the mask and only RunUntilSignal() receives them.
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(RuntimeConfig config,
                                                                const Clock& clock);
  ~ServiceRuntime();

  const RuntimeConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  RedisClient& redis() { return *redis_; }
  EventProducer& producer() { return *producer_; }
  const Keyspace& keyspace() const { return keyspace_; }
  RpcAuthorizer& authorizer() { return authorizer_; }
  const TokenVerifier& verifier() const { return verifier_; }
  prometheus::Registry& registry() { return *registry_; }
  ServerHost& grpc() { return grpc_; }
  OutboxRelay& relay() { return *relay_; }  // after Start()
  int grpc_port() const { return grpc_.port(); }
  int metrics_port() const { return http_ != nullptr ? http_->port() : 0; }

  void AddConsumer(std::unique_ptr<EventConsumer> consumer);
  // A consumer of envelopes on `topics` in consumer group `group`: each event id is applied
  // once (remembered in Redis), poison and exhausted messages go to the dead-letter topic.
  absl::Status AddEnvelopeConsumer(const std::string& group, std::vector<std::string> topics,
                                   EnvelopeApply apply);
  // A batched consumer: `apply` gets up to `max_batch` envelopes at once and applies each event
  // id once itself (see EnvelopeBatchHandler).
  absl::Status AddBatchEnvelopeConsumer(const std::string& group, std::vector<std::string> topics,
                                        size_t max_batch, EnvelopeBatchApply apply);
  // Publishes another outbox stream (e.g. a routing engine's) besides the keyspace's own;
  // before Start().
  void AddOutboxStream(std::string stream_key);

  // Starts HTTP, relay, consumers, gRPC and the probe. Health turns SERVING once Redis and
  // Kafka answer.
  absl::Status Start();
  // Waits for SIGTERM or SIGINT, then Shutdown(); returns the process exit code.
  int RunUntilSignal();
  // Stop accepting, drain in-flight calls, stop consumers, publish what the outbox holds (within
  // the drain budget), flush the producer.
  void Shutdown();
  bool ready() const { return ready_.load(); }

 private:
  ServiceRuntime(RuntimeConfig config, const Clock& clock);
  void Probe();
  void RefreshMetrics();

  RuntimeConfig config_;
  std::unique_ptr<Clock> shifted_clock_;  // with --clock-shift-file
  const Clock& clock_;
  std::shared_ptr<prometheus::Registry> registry_;
  PlatformMetrics metrics_;
  TokenVerifier verifier_;
  RpcAuthorizer authorizer_;
  Keyspace keyspace_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<EventProducer> producer_;
  std::unique_ptr<OutboxRelay> relay_;
  std::vector<std::string> extra_streams_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  std::vector<std::unique_ptr<ProcessedEvents>> processed_;
  ServerHost grpc_;
  std::unique_ptr<HttpEndpoint> http_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  std::thread prober_;
  bool shut_down_ = false;
};

}  // namespace firstline::platform
