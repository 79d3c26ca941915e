#include "support/mock_kafka.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/time/clock.h"
#include "platform/kafka/topics.h"

namespace firstline::testing {

MockKafka::MockKafka(int partitions) : partitions_(partitions) {
  auto cluster = devbroker::MockCluster::Create(1);
  if (!cluster.ok()) {
    ADD_FAILURE() << cluster.status();
    return;
  }
  cluster_ = std::move(*cluster);
  for (std::string_view topic : platform::topics::kAll) {
    auto st = cluster_->CreateTopic(absl::string_view(topic.data(), topic.size()), partitions);
    if (!st.ok()) ADD_FAILURE() << st;
  }
}

platform::KafkaConfig MockKafka::Config() const {
  platform::KafkaConfig c;
  c.bootstrap_servers = cluster_->bootstrap();
  c.client_id = "test";
  c.message_timeout = absl::Seconds(60);
  return c;
}

TopicReader::TopicReader(const platform::KafkaConfig& config, const std::string& topic,
                         int partitions) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  conf->set("bootstrap.servers", config.bootstrap_servers, err);
  conf->set("group.id", "test-reader", err);
  conf->set("enable.auto.commit", "false", err);
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (consumer_ == nullptr) {
    ADD_FAILURE() << "test reader: " << err;
    return;
  }
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) {
    parts.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer_->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
}

TopicReader::~TopicReader() {
  if (consumer_ != nullptr) consumer_->close();
}

void TopicReader::PollOnce(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> msg(consumer_->consume(timeout_ms));
  if (msg == nullptr || msg->err() != RdKafka::ERR_NO_ERROR) return;
  platform::ConsumedMessage m;
  m.topic = msg->topic_name();
  m.partition = msg->partition();
  m.offset = msg->offset();
  if (msg->key() != nullptr) m.key = *msg->key();
  m.value.assign(static_cast<const char*>(msg->payload()), msg->len());
  if (RdKafka::Headers* headers = msg->headers(); headers != nullptr) {
    for (const auto& h : headers->get_all()) {
      m.headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
    }
  }
  messages_.push_back(std::move(m));
}

const std::vector<platform::ConsumedMessage>& TopicReader::ReadAtLeast(size_t count,
                                                                       absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (consumer_ != nullptr && messages_.size() < count && absl::Now() < deadline) PollOnce(50);
  return messages_;
}

const std::vector<platform::ConsumedMessage>& TopicReader::Drain(absl::Duration quiet) {
  absl::Time deadline = absl::Now() + quiet;
  while (consumer_ != nullptr && absl::Now() < deadline) PollOnce(50);
  return messages_;
}

}  // namespace firstline::testing
