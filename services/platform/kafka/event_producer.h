#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/kafka/kafka_config.h"

namespace RdKafka {
class Producer;
}

namespace firstline::platform {

struct OutgoingMessage {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Idempotent producer (enable.idempotence, acks=all): per partition, messages land once and
// in order. Delivery reports run on the producer's own poll thread.
class EventProducer {
 public:
  using DeliveryCallback = std::function<void(absl::Status)>;

  static absl::StatusOr<std::unique_ptr<EventProducer>> Create(const KafkaConfig& config);
  ~EventProducer();

  // Queues a message; `on_delivery` gets OK once the broker acknowledged it, or the error.
  // Never blocks for long: a full local queue gives RESOURCE_EXHAUSTED.
  absl::Status Produce(OutgoingMessage message, DeliveryCallback on_delivery);

  // Produces and waits for the acknowledgement.
  absl::Status ProduceAndWait(OutgoingMessage message, absl::Duration timeout);

  // Waits until everything queued is acknowledged or failed.
  absl::Status Flush(absl::Duration timeout);

  // A metadata round trip to the cluster: OK while a broker answers.
  absl::Status CheckBrokers(absl::Duration timeout);

  // Messages queued or in flight.
  int OutQueueLength() const;

 private:
  explicit EventProducer(std::unique_ptr<RdKafka::Producer> producer);
  class DeliveryReporter;
  class EventLogger;

  std::unique_ptr<DeliveryReporter> reporter_;
  std::unique_ptr<EventLogger> logger_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stop_{false};
  std::thread poller_;
};

}  // namespace firstline::platform
