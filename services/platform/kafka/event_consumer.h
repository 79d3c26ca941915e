#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/kafka/event_producer.h"
#include "platform/kafka/kafka_config.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace firstline::platform {

struct ConsumedMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// A handler returns OK when done, a transient code (UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED,
// RESOURCE_EXHAUSTED) to be retried with backoff, anything else for a poison message.
using MessageHandler = std::function<absl::Status(const ConsumedMessage&)>;
// A batch handler applies the messages in order, all or none; a failure that is not transient
// (or stays transient) makes the consumer hand them over one by one, so a poison message is
// dead-lettered alone and the rest are applied.
using BatchHandler = std::function<absl::Status(const std::vector<ConsumedMessage>&)>;

struct ConsumerConfig {
  std::string group_id;
  std::vector<std::string> topics;
  std::string dead_letter_topic = "firstline.dlq.v1";
  int max_attempts = 5;  // transient failures are retried this often, then dead-lettered
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(5);
  absl::Duration stats_interval = absl::Seconds(1);
  // Batches take what has arrived, up to this many messages (CreateBatched only).
  size_t max_batch = 500;
};

bool IsTransient(const absl::Status& status);

// Consumer-group wrapper: at-least-once (offsets stored only after a message was handled or
// dead-lettered), retries transient failures, dead-letters poison messages with the error in
// headers and goes on. One bad message never stops it.
class EventConsumer {
 public:
  static absl::StatusOr<std::unique_ptr<EventConsumer>> Create(const KafkaConfig& kafka,
                                                               ConsumerConfig config,
                                                               EventProducer* dead_letters,
                                                               MessageHandler handler);
  static absl::StatusOr<std::unique_ptr<EventConsumer>> CreateBatched(const KafkaConfig& kafka,
                                                                      ConsumerConfig config,
                                                                      EventProducer* dead_letters,
                                                                      BatchHandler handler);
  ~EventConsumer();

  void Start();
  // Stops consuming, commits stored offsets and leaves the group.
  void Stop();

  uint64_t handled() const { return handled_.load(); }
  uint64_t dead_lettered() const { return dead_lettered_.load(); }
  uint64_t retries() const { return retries_.load(); }
  // Sum of consumer lag over assigned partitions from the last statistics; -1 when unknown.
  int64_t lag() const { return lag_.load(); }
  const ConsumerConfig& config() const { return config_; }

 private:
  class StatsListener;
  EventConsumer(ConsumerConfig config, EventProducer* dead_letters, BatchHandler handler);
  void Run();
  // Returns false when stopping interrupted the work (the offsets must not be stored).
  bool Process(const std::vector<ConsumedMessage>& batch);
  bool ProcessOne(const ConsumedMessage& message);
  struct Outcome {
    absl::Status status;
    int attempts = 0;
  };
  // Runs the handler, retrying transient failures; nullopt when stopping interrupted it.
  std::optional<Outcome> Attempt(const std::vector<ConsumedMessage>& batch);
  absl::Status DeadLetter(const ConsumedMessage& message, const absl::Status& error, int attempts);

  ConsumerConfig config_;
  EventProducer* dead_letters_;
  BatchHandler handler_;
  std::unique_ptr<StatsListener> stats_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::atomic<uint64_t> handled_{0};
  std::atomic<uint64_t> dead_lettered_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<int64_t> lag_{-1};
};

}  // namespace firstline::platform
