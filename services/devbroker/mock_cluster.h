#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace firstline::devbroker {

// librdkafka's in-memory mock Kafka cluster (real Kafka wire protocol on loopback ports) with
// the fault controls tests need. It is a transport, not a store: about 5 MiB or 100,000
// messages are kept per partition and nothing survives the process.
class MockCluster {
 public:
  static absl::StatusOr<std::unique_ptr<MockCluster>> Create(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return brokers_; }

  absl::Status CreateTopic(absl::string_view topic, int partitions);
  // Every broker stops answering (connections are closed) / answers again.
  absl::Status SetDown();
  absl::Status SetUp();
  bool down() const { return down_; }
  // The next `count` requests of Kafka API `api_key` (0 = Produce, 1 = Fetch, ...) fail with
  // Kafka error code `error`.
  absl::Status InjectRequestErrors(int api_key, int error, int count);
  // Adds round-trip latency to every broker.
  absl::Status SetRtt(int milliseconds);
  void ClearRequestErrors(int api_key);

 private:
  MockCluster() = default;
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
  bool down_ = false;
};

}  // namespace firstline::devbroker
