// Runs only an outbox relay, as its own process, so tests can SIGKILL it mid-batch.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/core/log.h"
#include "platform/outbox/keyspace.h"
#include "platform/outbox/outbox_relay.h"

int main(int argc, char** argv) {
  namespace fp = firstline::platform;
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s REDIS_PORT BOOTSTRAP SERVICE SHARDS LEASE_MS BATCH\n", argv[0]);
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  fp::Log::Init("relay-runner", "warn");
  fp::RedisConfig redis;
  redis.port = std::atoi(argv[1]);
  fp::KafkaConfig kafka;
  kafka.bootstrap_servers = argv[2];
  kafka.message_timeout = absl::Seconds(60);
  fp::Keyspace keyspace(argv[3], std::atoi(argv[4]));
  fp::RedisClient client(redis);
  auto producer = fp::EventProducer::Create(kafka);
  if (!producer.ok()) return 1;
  fp::OutboxRelayConfig config;
  config.streams = keyspace.AllOutboxKeys();
  config.lease_ttl = absl::Milliseconds(std::atoi(argv[5]));
  config.batch_size = std::atoi(argv[6]);
  fp::OutboxRelay relay(client, **producer, config);
  relay.Start();
  int sig = 0;
  sigwait(&signals, &sig);
  relay.Stop();
  return 0;
}
