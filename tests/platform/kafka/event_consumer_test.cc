#include "platform/kafka/event_consumer.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "platform/events/envelope.h"
#include "platform/events/envelope_handler.h"
#include "platform/kafka/topics.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

const std::string kTopic(topics::kContracts);
const std::string kDlq(topics::kDeadLetter);

class EventConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto producer = EventProducer::Create(kafka_.Config());
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  firstline::v1::Envelope Event(const std::string& account, const std::string& owner) {
    auto e = NewEnvelope("test", account, "", clock_);
    e.mutable_account_owner_changed()->set_account_id(account);
    e.mutable_account_owner_changed()->set_owner_id(owner);
    EXPECT_TRUE(Seal(e).ok());
    return e;
  }

  void Publish(const std::string& key, const std::string& bytes) {
    ASSERT_TRUE(producer_->ProduceAndWait({kTopic, key, bytes, {}}, absl::Seconds(10)).ok());
  }

  std::unique_ptr<EventConsumer> Consumer(const std::string& group, MessageHandler handler) {
    ConsumerConfig config;
    config.group_id = group;
    config.topics = {kTopic};
    config.max_attempts = 4;
    config.retry_initial = absl::Milliseconds(20);
    config.retry_max = absl::Milliseconds(100);
    KafkaConfig kafka = kafka_.Config();
    auto c = EventConsumer::Create(kafka, config, producer_.get(), std::move(handler));
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Waits until `done` holds; false on timeout.
  static bool Eventually(const std::function<bool()>& done, absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return done();
  }

  // The group's committed offset of partition 0 (OffsetFetch; needs no group join).
  int64_t CommittedOffset(const std::string& group) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    conf->set("bootstrap.servers", kafka_.Config().bootstrap_servers, err);
    conf->set("group.id", group, err);
    std::unique_ptr<RdKafka::KafkaConsumer> probe(RdKafka::KafkaConsumer::create(conf.get(), err));
    std::vector<RdKafka::TopicPartition*> parts = {RdKafka::TopicPartition::create(kTopic, 0)};
    int64_t offset = -1;
    if (probe->committed(parts, 5000) == RdKafka::ERR_NO_ERROR) offset = parts[0]->offset();
    RdKafka::TopicPartition::destroy(parts);
    probe->close();
    return offset;
  }

  FakeClock clock_;
  testing::MockKafka kafka_{1};
  std::unique_ptr<EventProducer> producer_;
  std::mutex mu_;
  std::vector<std::string> applied_;  // owner ids, in apply order
};

TEST_F(EventConsumerTest, PoisonGoesToDeadLetterWithItsErrorAndTheNextIsProcessed) {
  Publish("acct-1", "\xff\xff not an envelope");
  Publish("acct-1", Event("acct-1", "rep-after-poison").SerializeAsString());
  auto consumer =
      Consumer("g-poison", EnvelopeHandler(
                               [&](const firstline::v1::Envelope& e) {
                                 std::lock_guard lock(mu_);
                                 applied_.push_back(e.account_owner_changed().owner_id());
                                 return absl::OkStatus();
                               },
                               nullptr));
  consumer->Start();
  ASSERT_TRUE(Eventually([&] { return consumer->handled() >= 1; }, absl::Seconds(30)));
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(applied_, std::vector<std::string>{"rep-after-poison"});
  }
  EXPECT_EQ(consumer->dead_lettered(), 1u);
  testing::TopicReader dlq(kafka_.Config(), kDlq, 1);
  const auto& dead = dlq.ReadAtLeast(1, absl::Seconds(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, "\xff\xff not an envelope");
  EXPECT_NE(dead[0].headers.at("x-error").find("malformed envelope"), std::string::npos);
  EXPECT_EQ(dead[0].headers.at("x-error-code"), "INVALID_ARGUMENT");
  EXPECT_EQ(dead[0].headers.at("x-original-topic"), kTopic);
  EXPECT_EQ(dead[0].headers.at("x-consumer-group"), "g-poison");
  consumer->Stop();
}

TEST_F(EventConsumerTest, BatchesTakeWhatArrivedAndAPoisonMessageIsIsolated) {
  // Published before the consumer starts, so its first batches hold several messages.
  for (int i = 0; i < 30; ++i) {
    if (i == 12) Publish("acct-b", "\xff\xff poison inside a batch");
    Publish("acct-b", Event("acct-b", "rep-" + std::to_string(i)).SerializeAsString());
  }
  size_t largest = 0;
  ConsumerConfig config;
  config.group_id = "g-batch";
  config.topics = {kTopic};
  config.max_batch = 8;
  config.retry_initial = absl::Milliseconds(20);
  auto consumer = EventConsumer::CreateBatched(
      kafka_.Config(), config, producer_.get(),
      EnvelopeBatchHandler([&](const std::vector<firstline::v1::Envelope>& batch) {
        std::lock_guard lock(mu_);
        largest = std::max(largest, batch.size());
        for (const auto& e : batch) applied_.push_back(e.account_owner_changed().owner_id());
        return absl::OkStatus();
      }));
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  ASSERT_TRUE(Eventually([&] { return (*consumer)->handled() >= 30; }, absl::Seconds(30)));
  EXPECT_EQ((*consumer)->dead_lettered(), 1u);
  {
    std::lock_guard lock(mu_);
    // Every good message once, in order, though the poison failed the batch it came in.
    ASSERT_EQ(applied_.size(), 30u);
    for (int i = 0; i < 30; ++i) EXPECT_EQ(applied_[i], "rep-" + std::to_string(i));
    EXPECT_GT(largest, 1u);
    EXPECT_LE(largest, 8u);
  }
  testing::TopicReader dlq(kafka_.Config(), kDlq, 1);
  const auto& dead = dlq.ReadAtLeast(1, absl::Seconds(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, "\xff\xff poison inside a batch");
  EXPECT_EQ(dead[0].headers.at("x-attempts"), "1");
  (*consumer)->Stop();
}

TEST_F(EventConsumerTest, TransientFailureIsRetriedThenApplied) {
  Publish("acct-2", Event("acct-2", "rep-retry").SerializeAsString());
  int calls = 0;
  auto consumer = Consumer("g-retry", [&](const ConsumedMessage&) {
    std::lock_guard lock(mu_);
    return ++calls < 3 ? absl::UnavailableError("redis blip") : absl::OkStatus();
  });
  consumer->Start();
  ASSERT_TRUE(Eventually([&] { return consumer->handled() == 1; }, absl::Seconds(30)));
  EXPECT_EQ(consumer->retries(), 2u);
  EXPECT_EQ(consumer->dead_lettered(), 0u);
  consumer->Stop();
}

TEST_F(EventConsumerTest, TransientForTooLongIsDeadLetteredAndTheConsumerGoesOn) {
  Publish("acct-3", Event("acct-3", "rep-stuck").SerializeAsString());
  Publish("acct-3", Event("acct-3", "rep-next").SerializeAsString());
  auto consumer =
      Consumer("g-stuck", EnvelopeHandler(
                              [&](const firstline::v1::Envelope& e) {
                                if (e.account_owner_changed().owner_id() == "rep-stuck") {
                                  return absl::UnavailableError("downstream down");
                                }
                                std::lock_guard lock(mu_);
                                applied_.push_back(e.account_owner_changed().owner_id());
                                return absl::OkStatus();
                              },
                              nullptr));
  consumer->Start();
  ASSERT_TRUE(Eventually([&] { return consumer->handled() == 1; }, absl::Seconds(30)));
  EXPECT_EQ(consumer->dead_lettered(), 1u);
  testing::TopicReader dlq(kafka_.Config(), kDlq, 1);
  const auto& dead = dlq.ReadAtLeast(1, absl::Seconds(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].headers.at("x-attempts"), "4");
  EXPECT_EQ(dead[0].headers.at("x-error-code"), "UNAVAILABLE");
  consumer->Stop();
}

// Names of this process's threads (/proc/self/task/<tid>/comm).
std::vector<std::string> ThreadNames() {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  return names;
}

TEST_F(EventConsumerTest, ItsThreadIsNamedAfterItsTopicSoOperatorsCanTellConsumersApart) {
  auto consumer = Consumer("g-named", [](const ConsumedMessage&) { return absl::OkStatus(); });
  consumer->Start();
  // "in:" and the topic without "firstline.", as much as a thread name keeps (15 bytes).
  const std::string expected = "in:contracts.v1";
  EXPECT_TRUE(Eventually(
      [&] {
        auto names = ThreadNames();
        return std::find(names.begin(), names.end(), expected) != names.end();
      },
      absl::Seconds(5)));
  consumer->Stop();
}

TEST_F(EventConsumerTest, EventDeliveredTwiceIsAppliedOnce) {
  testing::RedisServer redis;
  RedisClient client(redis.Config());
  ProcessedEvents processed(client, "g-dedup");
  auto event = Event("acct-4", "rep-once");
  Publish("acct-4", event.SerializeAsString());
  Publish("acct-4", event.SerializeAsString());  // a relay republishing after a crash
  Publish("acct-4", Event("acct-4", "rep-other").SerializeAsString());
  auto consumer =
      Consumer("g-dedup", EnvelopeHandler(
                              [&](const firstline::v1::Envelope& e) {
                                std::lock_guard lock(mu_);
                                applied_.push_back(e.account_owner_changed().owner_id());
                                return absl::OkStatus();
                              },
                              &processed));
  consumer->Start();
  ASSERT_TRUE(Eventually([&] { return consumer->handled() == 3; }, absl::Seconds(30)));
  std::lock_guard lock(mu_);
  EXPECT_EQ(applied_, (std::vector<std::string>{"rep-once", "rep-other"}));
  EXPECT_TRUE(processed.IsProcessed(event.event_id()).value_or(false));
  consumer->Stop();
}

TEST_F(EventConsumerTest, OffsetIsCommittedOnlyAfterProcessing) {
  Publish("acct-5", Event("acct-5", "rep-a").SerializeAsString());
  Publish("acct-5", Event("acct-5", "rep-b").SerializeAsString());
  std::atomic<bool> release{false};
  auto consumer = Consumer("g-commit", [&](const ConsumedMessage& m) {
    // The second message blocks until released: its offset must not be committed before.
    while (m.offset == 1 && !release.load()) absl::SleepFor(absl::Milliseconds(10));
    return absl::OkStatus();
  });
  consumer->Start();
  ASSERT_TRUE(Eventually([&] { return consumer->handled() == 1; }, absl::Seconds(30)));
  absl::SleepFor(absl::Seconds(1));  // several auto-commit intervals
  EXPECT_EQ(CommittedOffset("g-commit"), 1) << "only the first message is done";
  release.store(true);
  ASSERT_TRUE(Eventually([&] { return consumer->handled() == 2; }, absl::Seconds(10)));
  // Lag comes from librdkafka's statistics (every second): nothing left behind.
  EXPECT_TRUE(Eventually([&] { return consumer->lag() == 0; }, absl::Seconds(10)))
      << "lag " << consumer->lag();
  consumer->Stop();
  EXPECT_EQ(CommittedOffset("g-commit"), 2);
}

}  // namespace
}  // namespace firstline::platform
