#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/kafka/event_producer.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::platform {

struct OutboxRelayConfig {
  std::vector<std::string> streams;  // outbox stream keys, e.g. Keyspace::AllOutboxKeys()
  std::string instance_id;           // unique per process; empty: a random id
  absl::Duration lease_ttl = absl::Seconds(5);
  int batch_size = 256;  // messages per round (a batch entry is never split)
  absl::Duration block = absl::Milliseconds(100);  // XREAD BLOCK while a stream is empty
  absl::Duration delivery_timeout = absl::Seconds(35);
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(5);
};

// Publishes outbox streams to Kafka. An entry is deleted only after the broker acknowledged
// it, so a broker outage delays events and a killed relay loses none (its successor
// republishes what was not yet deleted: at-least-once, deduplicated by consumers on event id).
// One thread per stream, each holding the stream's lease while it publishes.
class OutboxRelay {
 public:
  OutboxRelay(RedisClient& redis, EventProducer& producer, OutboxRelayConfig config);
  ~OutboxRelay();

  void Start();
  // Stops at once, also mid-round: what the broker acknowledged is deleted, the rest stays in
  // the outbox for the next relay (so a broker outage never holds up a shutdown). Then
  // releases the leases.
  void Stop();

  // Entries waiting in all streams (XLEN sum).
  absl::StatusOr<int64_t> Depth();
  // Messages (events), not stream entries: a batch entry counts as its events.
  uint64_t published() const { return published_.load(); }
  uint64_t failed() const { return failed_.load(); }
  const std::string& instance_id() const { return config_.instance_id; }

 private:
  struct Entry {
    std::string id;
    OutgoingMessage message;
  };
  void RunStream(const std::string& stream);
  // The messages of one stream entry: one, or a batch entry's many (all with the entry's id).
  void AppendMessages(const std::string& stream, const RedisValue& raw, std::vector<Entry>& out);
  struct Acked {
    std::vector<std::string> ids;  // stream entries whose every message the broker acknowledged
    size_t messages = 0;           // the acknowledged prefix of the batch
  };
  // Publishes a batch in order; what is acknowledged is an unbroken prefix of it. While it
  // waits for the broker, `keep_lease` is called (it renews when due) until it returns false:
  // the lease is lost, and the wait goes on, as what is acknowledged can still be deleted.
  Acked Publish(std::vector<Entry>& batch, const std::function<bool()>& keep_lease);
  void Pause(absl::Duration d);

  RedisClient& redis_;
  EventProducer& producer_;
  OutboxRelayConfig config_;
  RedisScript lease_script_;
  RedisScript release_script_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace firstline::platform
