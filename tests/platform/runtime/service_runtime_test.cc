// The runtime in-process against a real redis-server and the mock Kafka cluster.
#include "platform/runtime/service_runtime.h"

#include <gtest/gtest.h>

#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "platform/outbox/outbox_event.h"
#include "support/http_probe.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

TEST(ServiceRuntimeTest, PublishesItsOwnAndAddedOutboxStreamsAndReportsReady) {
  testing::RedisServer redis;
  testing::MockKafka kafka;
  RuntimeConfig config;
  config.service_name = "runtime-test";
  config.auth_secret = std::string(32, 's');
  config.grpc.address = "127.0.0.1";
  config.http_address = "127.0.0.1";
  config.redis = redis.Config();
  config.kafka = kafka.Config();
  config.outbox_shards = 2;
  config.probe_interval = absl::Milliseconds(100);
  config.log_level = "warn";
  FakeClock clock;
  auto runtime = ServiceRuntime::Create(config, clock);
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  (*runtime)->AddOutboxStream("{rt:extra}:outbox");
  ASSERT_TRUE((*runtime)->Start().ok());
  EXPECT_TRUE((*runtime)->ready());
  EXPECT_EQ(testing::HttpGetStatus((*runtime)->metrics_port(), "/healthz"), 200);

  // One event in a keyspace shard stream, one in the added stream.
  std::vector<std::string> streams = {(*runtime)->keyspace().OutboxKey(1), "{rt:extra}:outbox"};
  std::set<std::string> ids;
  for (const auto& stream : streams) {
    auto e = NewEnvelope("runtime-test", "acct-1", "", clock);
    e.mutable_work_item_parked()->set_rule(stream);
    std::vector<std::string> args;
    ASSERT_TRUE(AppendOutboxArgs({std::string(topics::kLeads), e}, args).ok());
    ids.insert(e.event_id());
    ASSERT_TRUE((*runtime)
                    ->redis()
                    .Command({"XADD", stream, "*", "t", args[0], "k", args[1], "i", args[2], "y",
                              args[3], "v", args[4]})
                    .ok());
  }
  testing::TopicReader reader(kafka.Config(), std::string(topics::kLeads), kafka.partitions());
  const auto& messages = reader.ReadAtLeast(2, absl::Seconds(20));
  std::set<std::string> got;
  for (const auto& m : messages) got.insert(m.headers.at("event-id"));
  EXPECT_EQ(got, ids);
  (*runtime)->Shutdown();
  EXPECT_FALSE((*runtime)->ready());
}

}  // namespace
}  // namespace firstline::platform
