
#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "bench_change.lua.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "platform/outbox/keyspace.h"
#include "platform/outbox/outbox_event.h"
#include "platform/outbox/outbox_relay.h"

namespace firstline::bench {
namespace {

namespace fp = firstline::platform;

fp::RedisConfig Redis(int port, int pool) {
  fp::RedisConfig c;
  c.port = port;
  c.pool_size = pool;
  return c;
}

absl::Status Change(fp::RedisClient& client, const fp::RedisScript& script,
                    const fp::Keyspace& keyspace, int64_t n) {
  std::string account = absl::StrCat("acct-", n % 5000);
  auto envelope = fp::NewEnvelope("bench", account, "", fp::SystemClock::Instance());
  envelope.mutable_work_item_parked()->mutable_item()->set_account_id(account);
  envelope.mutable_work_item_parked()->set_rule("bench");
  std::vector<std::string> args;
  if (auto st = fp::AppendOutboxArgs({std::string(fp::topics::kLeads), envelope}, args); !st.ok()) {
    return st;
  }
  int shard = keyspace.ShardOf(account);
  auto r = client.Eval(script, {keyspace.Key(shard, "acct:" + account), keyspace.OutboxKey(shard)},
                       args);
  return r.ok() ? absl::OkStatus() : r.status();
}

}  // namespace

absl::StatusOr<LatencyFigures> OutboxAppend(int redis_port, int threads, absl::Duration duration) {
  fp::RedisClient client(Redis(redis_port, threads));
  fp::RedisScript script("bench_change", kBenchChangeLua);
  fp::Keyspace keyspace("bench-append", 8);
  LatencyFigures f = ClosedLoop(
      threads, duration, [&](int64_t n) { return Change(client, script, keyspace, n).ok(); });
  for (const auto& key : keyspace.AllOutboxKeys()) (void)client.Command({"DEL", key});
  return f;
}

absl::StatusOr<double> RelayDrain(int redis_port, const std::string& bootstrap, int events) {
  fp::RedisClient client(Redis(redis_port, 8));
  fp::RedisScript script("bench_change", kBenchChangeLua);
  fp::Keyspace keyspace("bench-relay", 8);
  for (int64_t i = 0; i < events; ++i) {
    if (auto st = Change(client, script, keyspace, i); !st.ok()) return st;
  }
  fp::KafkaConfig kafka;
  kafka.bootstrap_servers = bootstrap;
  auto producer = fp::EventProducer::Create(kafka);
  if (!producer.ok()) return producer.status();
  fp::OutboxRelayConfig config;
  config.streams = keyspace.AllOutboxKeys();
  config.batch_size = 512;
  fp::OutboxRelay relay(client, **producer, config);
  absl::Time start = absl::Now();
  relay.Start();
  absl::Time deadline = start + absl::Minutes(5);
  while (absl::Now() < deadline && relay.published() < static_cast<uint64_t>(events)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  relay.Stop();
  if (relay.published() < static_cast<uint64_t>(events)) {
    return absl::DeadlineExceededError("relay did not drain the outbox within 5 minutes");
  }
  return static_cast<double>(events) / seconds;
}

}  // namespace firstline::bench
