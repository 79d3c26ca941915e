#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "devbroker/mock_cluster.h"
#include "platform/kafka/event_consumer.h"
#include "platform/kafka/kafka_config.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace firstline::testing {

// An in-process librdkafka mock cluster with every suite topic created.
class MockKafka {
 public:
  explicit MockKafka(int partitions = 4);
  devbroker::MockCluster& cluster() { return *cluster_; }
  platform::KafkaConfig Config() const;
  int partitions() const { return partitions_; }

 private:
  std::unique_ptr<devbroker::MockCluster> cluster_;
  int partitions_;
};

// Reads a topic from the beginning without joining a group (assign, not subscribe), so tests
// see exactly what is on the log.
class TopicReader {
 public:
  TopicReader(const platform::KafkaConfig& config, const std::string& topic, int partitions);
  ~TopicReader();
  // Reads until `count` messages arrived in total or `timeout` passed; returns all so far.
  const std::vector<platform::ConsumedMessage>& ReadAtLeast(size_t count, absl::Duration timeout);
  // Reads for `quiet` more and returns everything (to catch unexpected extra messages).
  const std::vector<platform::ConsumedMessage>& Drain(absl::Duration quiet);

 private:
  void PollOnce(int timeout_ms);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::vector<platform::ConsumedMessage> messages_;
};

}  // namespace firstline::testing
