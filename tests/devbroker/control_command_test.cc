#include "devbroker/control_command.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "platform/kafka/event_producer.h"

namespace firstline::devbroker {
namespace {

TEST(ControlCommandTest, DownAndUpChangeWhatClientsSee) {
  auto cluster = MockCluster::Create(1);
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE((*cluster)->CreateTopic("t", 1).ok());
  platform::KafkaConfig config;
  config.bootstrap_servers = (*cluster)->bootstrap();
  auto producer = platform::EventProducer::Create(config);
  ASSERT_TRUE(producer.ok());
  EXPECT_TRUE((*producer)->CheckBrokers(absl::Seconds(5)).ok());

  EXPECT_EQ(ExecuteControl(**cluster, "down"), "ok");
  EXPECT_TRUE(absl::StartsWith(ExecuteControl(**cluster, "status"), "ok down"));
  EXPECT_FALSE((*producer)->CheckBrokers(absl::Milliseconds(500)).ok());
  EXPECT_EQ(ExecuteControl(**cluster, "up"), "ok");
  EXPECT_TRUE((*producer)->CheckBrokers(absl::Seconds(5)).ok());
}

TEST(ControlCommandTest, InjectedProduceErrorsAreRetriedByTheIdempotentProducer) {
  auto cluster = MockCluster::Create(1);
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE((*cluster)->CreateTopic("t", 1).ok());
  // Produce (api key 0) fails twice with NOT_LEADER_OR_FOLLOWER (6), a retriable error.
  EXPECT_EQ(ExecuteControl(**cluster, "errors 0 6 2"), "ok");
  platform::KafkaConfig config;
  config.bootstrap_servers = (*cluster)->bootstrap();
  auto producer = platform::EventProducer::Create(config);
  ASSERT_TRUE(producer.ok());
  EXPECT_TRUE((*producer)->ProduceAndWait({"t", "k", "v", {}}, absl::Seconds(20)).ok());
}

TEST(ControlCommandTest, BadCommandsAreExplained) {
  auto cluster = MockCluster::Create(1);
  ASSERT_TRUE(cluster.ok());
  EXPECT_TRUE(absl::StartsWith(ExecuteControl(**cluster, ""), "error empty"));
  EXPECT_TRUE(absl::StartsWith(ExecuteControl(**cluster, "reboot"), "error unknown command"));
  EXPECT_TRUE(absl::StartsWith(ExecuteControl(**cluster, "errors 0 x 1"), "error usage"));
  EXPECT_TRUE(absl::StartsWith(ExecuteControl(**cluster, "rtt -5"), "error rtt"));
  EXPECT_EQ(ExecuteControl(**cluster, "rtt 10"), "ok");
}

}  // namespace
}  // namespace firstline::devbroker
