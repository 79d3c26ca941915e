#include "platform/kafka/event_consumer.h"

#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "platform/core/backoff.h"
#include "platform/core/log.h"
#include "platform/core/thread_name.h"
#include "platform/kafka/kafka_log.h"

namespace firstline::platform {

bool IsTransient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

class EventConsumer::StatsListener : public RdKafka::EventCb {
 public:
  explicit StatsListener(std::atomic<int64_t>* lag) : lag_(lag) {}
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) {
      UpdateLag(event.str());
    } else {
      LogKafkaEvent(event);
    }
  }

 private:
  void UpdateLag(const std::string& json_text) {
    auto stats = nlohmann::json::parse(json_text, nullptr, false);
    if (stats.is_discarded() || !stats.contains("topics")) return;
    int64_t total = 0;
    bool known = false;
    for (const auto& [topic, t] : stats["topics"].items()) {
      if (!t.contains("partitions")) continue;
      for (const auto& [partition, p] : t["partitions"].items()) {
        if (partition == "-1") continue;
        int64_t lag = p.value("consumer_lag", int64_t{-1});
        if (lag >= 0) {
          total += lag;
          known = true;
        }
      }
    }
    lag_->store(known ? total : -1);
  }
  std::atomic<int64_t>* lag_;
};

EventConsumer::EventConsumer(ConsumerConfig config, EventProducer* dead_letters,
                             BatchHandler handler)
    : config_(std::move(config)), dead_letters_(dead_letters), handler_(std::move(handler)) {}

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::Create(const KafkaConfig& kafka,
                                                                     ConsumerConfig config,
                                                                     EventProducer* dead_letters,
                                                                     MessageHandler handler) {
  config.max_batch = 1;
  return CreateBatched(kafka, std::move(config), dead_letters,
                       [handler = std::move(handler)](const std::vector<ConsumedMessage>& batch) {
                         return handler(batch.front());
                       });
}

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::CreateBatched(
    const KafkaConfig& kafka, ConsumerConfig config, EventProducer* dead_letters,
    BatchHandler handler) {
  if (config.max_batch == 0) return absl::InvalidArgumentError("consumer: max_batch is 0");
  if (config.group_id.empty()) return absl::InvalidArgumentError("consumer: group_id is empty");
  if (config.topics.empty()) return absl::InvalidArgumentError("consumer: no topics");
  if (dead_letters == nullptr) {
    return absl::InvalidArgumentError("consumer: a dead-letter producer is required");
  }
  auto bootstrap = ResolveBootstrap(kafka);
  if (!bootstrap.ok()) return bootstrap.status();
  std::unique_ptr<EventConsumer> self(
      new EventConsumer(std::move(config), dead_letters, std::move(handler)));
  self->stats_ = std::make_unique<StatsListener>(&self->lag_);
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", *bootstrap},
      {"client.id", kafka.client_id},
      {"group.id", self->config_.group_id},
      {"enable.auto.commit", "true"},
      {"enable.auto.offset.store", "false"},
      {"auto.commit.interval.ms", "500"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"statistics.interval.ms",
       std::to_string(absl::ToInt64Milliseconds(self->config_.stats_interval))},
  };
  for (const auto& [k, v] : kafka.properties) props.emplace_back(k, v);
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka consumer property ", k, ": ", err));
    }
  }
  if (conf->set("event_cb", self->stats_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka consumer event_cb: ", err));
  }
  self->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (self->consumer_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  }
  RdKafka::ErrorCode code = self->consumer_->subscribe(self->config_.topics);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("kafka consumer subscribe: ", RdKafka::err2str(code)));
  }
  return self;
}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    // "in:" and the first topic without its "firstline." prefix, e.g. "in:contracts.v1".
    absl::string_view topic;
    if (!config_.topics.empty()) topic = config_.topics.front();
    absl::ConsumePrefix(&topic, "firstline.");
    NameThisThread(absl::StrCat("in:", topic));
    Run();
  });
}

void EventConsumer::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (consumer_ != nullptr) {
    consumer_->commitSync();
    consumer_->close();
    consumer_.reset();
  }
}

namespace {

bool ToConsumed(RdKafka::Message& msg, ConsumedMessage& m) {
  if (msg.err() == RdKafka::ERR__TIMED_OUT || msg.err() == RdKafka::ERR__PARTITION_EOF) {
    return false;
  }
  if (msg.err() != RdKafka::ERR_NO_ERROR) {
    Log::Warn("kafka_consume_error", {{"error", msg.errstr()}});
    return false;
  }
  m.topic = msg.topic_name();
  m.partition = msg.partition();
  m.offset = msg.offset();
  if (msg.key() != nullptr) m.key = *msg.key();
  m.value.assign(static_cast<const char*>(msg.payload()), msg.len());
  if (RdKafka::Headers* headers = msg.headers(); headers != nullptr) {
    for (const auto& h : headers->get_all()) {
      m.headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
    }
  }
  return true;
}

}  // namespace

void EventConsumer::Run() {
  std::vector<ConsumedMessage> batch;
  while (!stop_.load()) {
    batch.clear();
    // Wait for one message, then take whatever else has already arrived.
    for (int timeout_ms = 100; batch.size() < config_.max_batch; timeout_ms = 0) {
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(timeout_ms));
      if (msg == nullptr) break;
      ConsumedMessage m;
      if (!ToConsumed(*msg, m)) break;
      batch.push_back(std::move(m));
    }
    if (batch.empty()) continue;
    if (!Process(batch)) break;
    std::map<std::pair<std::string, int32_t>, int64_t> next;
    for (const auto& m : batch) next[{m.topic, m.partition}] = m.offset + 1;
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [tp, offset] : next) {
      offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
    }
    consumer_->offsets_store(offsets);
    RdKafka::TopicPartition::destroy(offsets);
  }
}

std::optional<EventConsumer::Outcome> EventConsumer::Attempt(
    const std::vector<ConsumedMessage>& batch) {
  Backoff backoff(config_.retry_initial, config_.retry_max);
  for (int attempt = 1;; ++attempt) {
    absl::Status status = handler_(batch);
    if (status.ok() || !IsTransient(status) || attempt >= config_.max_attempts) {
      return Outcome{std::move(status), attempt};
    }
    retries_.fetch_add(1);
    absl::Time until = absl::Now() + backoff.DelayFor(attempt);
    while (absl::Now() < until) {
      if (stop_.load()) return std::nullopt;
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
}

bool EventConsumer::Process(const std::vector<ConsumedMessage>& batch) {
  if (batch.size() == 1) return ProcessOne(batch.front());
  auto tried = Attempt(batch);
  if (!tried.has_value()) return false;
  if (tried->status.ok()) {
    handled_.fetch_add(batch.size());
    return true;
  }
  Log::Warn("batch_failed_one_by_one", {{"messages", static_cast<int64_t>(batch.size())},
                                        {"error", tried->status.ToString()}});
  for (const auto& m : batch) {
    if (!ProcessOne(m)) return false;
  }
  return true;
}

bool EventConsumer::ProcessOne(const ConsumedMessage& message) {
  auto tried = Attempt({message});
  if (!tried.has_value()) return false;
  if (tried->status.ok()) {
    handled_.fetch_add(1);
    return true;
  }
  // Poison, or transient for too long: park it on the DLQ so the partition moves on. If even
  // the DLQ is unreachable the offset is not stored and the message comes back later.
  Backoff backoff(config_.retry_initial, config_.retry_max);
  for (int attempt = 1; !stop_.load(); ++attempt) {
    absl::Status dlq = DeadLetter(message, tried->status, tried->attempts);
    if (dlq.ok()) return true;
    Log::Error("dead_letter_failed", {{"topic", message.topic}, {"error", dlq.ToString()}});
    absl::SleepFor(backoff.DelayFor(attempt));
  }
  return false;
}

absl::Status EventConsumer::DeadLetter(const ConsumedMessage& message, const absl::Status& error,
                                       int attempts) {
  OutgoingMessage dlq;
  dlq.topic = config_.dead_letter_topic;
  dlq.key = message.key;
  dlq.value = message.value;
  for (const auto& [k, v] : message.headers) dlq.headers.emplace_back(k, v);
  dlq.headers.emplace_back("x-error", error.ToString());
  dlq.headers.emplace_back("x-error-code", absl::StatusCodeToString(error.code()));
  dlq.headers.emplace_back("x-attempts", std::to_string(attempts));
  dlq.headers.emplace_back("x-original-topic", message.topic);
  dlq.headers.emplace_back("x-original-partition", std::to_string(message.partition));
  dlq.headers.emplace_back("x-original-offset", std::to_string(message.offset));
  dlq.headers.emplace_back("x-consumer-group", config_.group_id);
  absl::Status st = dead_letters_->ProduceAndWait(std::move(dlq), absl::Seconds(10));
  if (st.ok()) {
    dead_lettered_.fetch_add(1);
    Log::Warn("message_dead_lettered", {{"topic", message.topic},
                                        {"partition", message.partition},
                                        {"offset", message.offset},
                                        {"error", error.ToString()}});
  }
  return st;
}

}  // namespace firstline::platform
