#include "platform/kafka/event_producer.h"

#include <librdkafka/rdkafkacpp.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "platform/core/log.h"
#include "platform/core/thread_name.h"
#include "platform/kafka/kafka_log.h"

namespace firstline::platform {
namespace {

absl::Status KafkaError(RdKafka::ErrorCode code, absl::string_view what) {
  std::string text = absl::StrCat("kafka: ", what, ": ", RdKafka::err2str(code));
  switch (code) {
    case RdKafka::ERR__QUEUE_FULL:
      return absl::ResourceExhaustedError(text);
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
      return absl::DeadlineExceededError(text);
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
      return absl::InvalidArgumentError(text);
    default:
      return absl::UnavailableError(text);
  }
}

}  // namespace

class EventProducer::DeliveryReporter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* callback = static_cast<DeliveryCallback*>(message.msg_opaque());
    if (callback == nullptr) return;
    absl::Status status = message.err() == RdKafka::ERR_NO_ERROR
                              ? absl::OkStatus()
                              : KafkaError(message.err(), "delivery");
    (*callback)(std::move(status));
    delete callback;
  }
};

class EventProducer::EventLogger : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override { LogKafkaEvent(event); }
};

absl::StatusOr<std::unique_ptr<EventProducer>> EventProducer::Create(const KafkaConfig& config) {
  auto bootstrap = ResolveBootstrap(config);
  if (!bootstrap.ok()) return bootstrap.status();
  auto reporter = std::make_unique<DeliveryReporter>();
  auto logger = std::make_unique<EventLogger>();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", *bootstrap},
      {"client.id", config.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // No lingering: the outbox relay hands over a whole round at once and waits for its
      // acknowledgements, so batching comes from the round (and from what queues while a
      // request is in flight), and a wait here only delays every event.
      {"linger.ms", "0"},
      {"message.timeout.ms", std::to_string(absl::ToInt64Milliseconds(config.message_timeout))},
      {"compression.type", "lz4"},
  };
  for (const auto& [k, v] : config.properties) props.emplace_back(k, v);
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka producer property ", k, ": ", err));
    }
  }
  if (conf->set("event_cb", logger.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka producer event_cb: ", err));
  }
  if (conf->set("dr_cb", reporter.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka producer dr_cb: ", err));
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
  auto result = std::unique_ptr<EventProducer>(new EventProducer(std::move(producer)));
  result->reporter_ = std::move(reporter);
  result->logger_ = std::move(logger);
  return result;
}

EventProducer::EventProducer(std::unique_ptr<RdKafka::Producer> producer)
    : producer_(std::move(producer)) {
  poller_ = std::thread([this] {
    NameThisThread("kafka-producer");
    while (!stop_.load()) producer_->poll(50);
  });
}

EventProducer::~EventProducer() {
  (void)Flush(absl::Seconds(5));
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  // Undelivered messages still own callbacks; purging fires them with an error so none leak.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  producer_->poll(0);
}

absl::Status EventProducer::Produce(OutgoingMessage message, DeliveryCallback on_delivery) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [k, v] : message.headers) headers->add(k, v);
  auto* callback = new DeliveryCallback(std::move(on_delivery));
  RdKafka::ErrorCode code =
      producer_->produce(message.topic, RdKafka::Topic::PARTITION_UA,
                         RdKafka::Producer::RK_MSG_COPY, message.value.data(), message.value.size(),
                         message.key.data(), message.key.size(), 0, headers, callback);
  if (code != RdKafka::ERR_NO_ERROR) {
    delete headers;  // ownership passes to librdkafka only on success
    delete callback;
    return KafkaError(code, absl::StrCat("produce to ", message.topic));
  }
  return absl::OkStatus();
}

absl::Status EventProducer::ProduceAndWait(OutgoingMessage message, absl::Duration timeout) {
  auto done = std::make_shared<std::promise<absl::Status>>();
  auto future = done->get_future();
  auto st = Produce(std::move(message), [done](absl::Status s) { done->set_value(std::move(s)); });
  if (!st.ok()) return st;
  if (future.wait_for(absl::ToChronoNanoseconds(timeout)) != std::future_status::ready) {
    return absl::DeadlineExceededError("kafka: no delivery report within the timeout");
  }
  return future.get();
}

absl::Status EventProducer::Flush(absl::Duration timeout) {
  RdKafka::ErrorCode code = producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (code != RdKafka::ERR_NO_ERROR) return KafkaError(code, "flush");
  return absl::OkStatus();
}

absl::Status EventProducer::CheckBrokers(absl::Duration timeout) {
  RdKafka::Metadata* metadata = nullptr;
  RdKafka::ErrorCode code = producer_->metadata(
      false, nullptr, &metadata, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  std::unique_ptr<RdKafka::Metadata> owned(metadata);
  if (code != RdKafka::ERR_NO_ERROR) return KafkaError(code, "metadata");
  return absl::OkStatus();
}

int EventProducer::OutQueueLength() const { return producer_->outq_len(); }

}  // namespace firstline::platform
