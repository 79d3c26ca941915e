#include "platform/outbox/outbox_relay.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "platform/outbox/batch_change.lua.h"
#include "platform/outbox/counter_change.lua.h"
#include "platform/outbox/keyspace.h"
#include "platform/outbox/outbox_event.h"
#include "support/mock_kafka.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

const std::string kTopic(topics::kLeads);

class OutboxRelayTest : public ::testing::Test {
 protected:
  // The test's event: item "<account>#<seq>" parked, so VerifyDelivered can check the order.
  firstline::v1::Envelope Event(const std::string& account, int seq) {
    auto envelope = NewEnvelope("outbox-test", account, "", clock_);
    auto* parked = envelope.mutable_work_item_parked();
    parked->mutable_item()->set_account_id(account);
    parked->mutable_item()->set_item_id(absl::StrCat(account, "#", seq));
    return envelope;
  }

  // One state change (a counter) and its event, in one script, as services do it.
  absl::StatusOr<int64_t> Change(const std::string& account, int seq) {
    auto envelope = Event(account, seq);
    std::vector<std::string> args;
    if (auto st = AppendOutboxArgs({kTopic, envelope}, args); !st.ok()) return st;
    int shard = keyspace_.ShardOf(account);
    auto r = client_.Eval(
        script_, {keyspace_.Key(shard, "counter:" + account), keyspace_.OutboxKey(shard)}, args);
    if (!r.ok()) return r.status();
    expected_ids_.insert(envelope.event_id());
    return r->integer;
  }

  // `events` events of `account` (sequence numbers from `first_seq` on) as one batch entry,
  // the way a sweep appends thousands at once.
  absl::Status BatchChange(const std::string& account, int first_seq, int events) {
    std::vector<std::string> args = {kTopic};
    for (int seq = first_seq; seq < first_seq + events; ++seq) {
      auto envelope = Event(account, seq);
      std::vector<std::string> one;
      if (auto st = AppendOutboxArgs({kTopic, envelope}, one); !st.ok()) return st;
      args.insert(args.end(), one.begin() + 1, one.end());  // key, id, type, value
      expected_ids_.insert(envelope.event_id());
    }
    auto r = client_.Eval(batch_script_, {keyspace_.OutboxKey(keyspace_.ShardOf(account))}, args);
    if (!r.ok()) return r.status();
    if (r->integer != events) return absl::InternalError("batch script appended a wrong count");
    return absl::OkStatus();
  }

  int64_t Depth() {
    int64_t total = 0;
    for (const auto& key : keyspace_.AllOutboxKeys()) {
      total += client_.Command({"XLEN", key}).value_or(RedisValue{}).integer;
    }
    return total;
  }

  // Every expected event is there; per account the sequence numbers arrive in order; returns
  // how many duplicates (same event id again) were seen.
  size_t VerifyDelivered(const std::vector<ConsumedMessage>& messages) {
    std::set<std::string> seen;
    std::map<std::string, int> last_seq;
    size_t duplicates = 0;
    for (const auto& m : messages) {
      firstline::v1::Envelope e;
      EXPECT_TRUE(e.ParseFromString(m.value));
      EXPECT_EQ(m.key, e.partition_key());
      EXPECT_EQ(m.headers.at("event-id"), e.event_id());
      if (!seen.insert(e.event_id()).second) {
        ++duplicates;
        continue;
      }
      std::vector<std::string> parts = absl::StrSplit(e.work_item_parked().item().item_id(), '#');
      int seq = 0;
      EXPECT_TRUE(absl::SimpleAtoi(parts.at(1), &seq));
      auto it = last_seq.find(parts[0]);
      if (it != last_seq.end()) {
        EXPECT_GT(seq, it->second) << "out of order for " << parts[0];
      }
      last_seq[parts[0]] = seq;
    }
    EXPECT_EQ(seen, expected_ids_);
    return duplicates;
  }

  OutboxRelayConfig Relaying(absl::Duration lease_ttl) {
    OutboxRelayConfig config;
    config.streams = keyspace_.AllOutboxKeys();
    config.lease_ttl = lease_ttl;
    return config;
  }

  // One producer for every relay of a test (relays are the test's locals, gone before it).
  EventProducer& Producer() {
    if (producer_ == nullptr) {
      auto made = EventProducer::Create(kafka_.Config());
      EXPECT_TRUE(made.ok()) << made.status();
      producer_ = std::move(made).value();  // a failure ends the test here
    }
    return *producer_;
  }

  // Starts a relay and waits for its first event: the producer's first delivery waits for the
  // broker's metadata, longer than a short lease.
  void StartWarm(OutboxRelay& relay) {
    relay.Start();
    ASSERT_TRUE(Change("acct-0", 1).ok());
    for (int i = 0; i < 500 && relay.published() == 0; ++i) absl::SleepFor(absl::Milliseconds(20));
    ASSERT_EQ(relay.published(), 1u);
  }

  FakeClock clock_;
  testing::RedisServer redis_;
  testing::MockKafka kafka_;
  RedisClient client_{redis_.Config()};
  Keyspace keyspace_{"outbox-test", 4};
  RedisScript script_{"counter_change", kCounterChangeLua};
  RedisScript batch_script_{"batch_change", kBatchChangeLua};
  std::set<std::string> expected_ids_;
  std::unique_ptr<EventProducer> producer_;
};

TEST_F(OutboxRelayTest, BrokerDownDelaysEventsNeverLosesThem) {
  auto producer = EventProducer::Create(kafka_.Config());
  ASSERT_TRUE(producer.ok()) << producer.status();
  OutboxRelayConfig config;
  config.streams = keyspace_.AllOutboxKeys();
  config.batch_size = 100;
  OutboxRelay relay(client_, **producer, config);

  ASSERT_TRUE(kafka_.cluster().SetDown().ok());
  relay.Start();
  for (int seq = 1; seq <= 1000; ++seq) {
    auto n = Change(absl::StrCat("acct-", seq % 10), seq);
    ASSERT_TRUE(n.ok()) << n.status();
  }
  // Every state change landed although Kafka is down.
  auto counter =
      client_.Command({"GET", keyspace_.Key(keyspace_.ShardOf("acct-3"), "counter:acct-3")});
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(counter->str, "100");
  absl::SleepFor(absl::Seconds(1));
  auto waiting = relay.Depth();
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(*waiting, 1000) << "nothing may leave the outbox while the broker is down";

  ASSERT_TRUE(kafka_.cluster().SetUp().ok());
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(1000, absl::Seconds(60));
  const auto& messages = reader.Drain(absl::Seconds(1));
  EXPECT_EQ(messages.size(), 1000u);
  EXPECT_EQ(VerifyDelivered(messages), 0u) << "the idempotent producer sends each event once";
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline && relay.Depth().value_or(-1) != 0) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(relay.Depth().value_or(-1), 0);
  relay.Stop();
}

TEST_F(OutboxRelayTest, StoppingDuringABrokerOutageIsPromptAndLeavesTheEntriesForTheNextRelay) {
  OutboxRelay relay(client_, Producer(), Relaying(absl::Seconds(5)));
  ASSERT_TRUE(kafka_.cluster().SetDown().ok());
  relay.Start();
  for (int seq = 1; seq <= 20; ++seq) ASSERT_TRUE(Change("acct-1", seq).ok());
  absl::SleepFor(absl::Seconds(1));  // the relay has read them and waits for the broker
  const absl::Time asked = absl::Now();
  relay.Stop();
  EXPECT_LT(absl::Now() - asked, absl::Seconds(2)) << "Stop waited out the delivery timeout";
  EXPECT_EQ(relay.published(), 0u);
  EXPECT_EQ(Depth(), 20) << "what was not acknowledged stays for the next relay";
  // The next relay publishes them once the broker is back.
  ASSERT_TRUE(kafka_.cluster().SetUp().ok());
  OutboxRelay next(client_, Producer(), Relaying(absl::Seconds(5)));
  next.Start();
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(20, absl::Seconds(60));
  const auto& messages = reader.Drain(absl::Milliseconds(500));
  VerifyDelivered(messages);  // every event, in order (the stopped producer may add copies)
  next.Stop();
}

TEST_F(OutboxRelayTest, BatchEntriesArePublishedAsTheirEventsInOrderAndOnce) {
  auto producer = EventProducer::Create(kafka_.Config());
  ASSERT_TRUE(producer.ok()) << producer.status();
  OutboxRelayConfig config;
  config.streams = keyspace_.AllOutboxKeys();
  config.batch_size = 100;  // smaller than a batch entry: an entry is never split
  OutboxRelay relay(client_, **producer, config);
  ASSERT_TRUE(kafka_.cluster().SetDown().ok());
  relay.Start();
  // Per account: a single entry, a batch of 250, a single, a batch of 3.
  int entries = 0;
  for (int a = 0; a < 5; ++a) {
    const std::string account = absl::StrCat("acct-", a);
    ASSERT_TRUE(Change(account, 1).ok());
    ASSERT_TRUE(BatchChange(account, 2, 250).ok());
    ASSERT_TRUE(Change(account, 252).ok());
    ASSERT_TRUE(BatchChange(account, 253, 3).ok());
    entries += 4;
  }
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Depth(), entries) << "nothing may leave the outbox while the broker is down";

  ASSERT_TRUE(kafka_.cluster().SetUp().ok());
  constexpr size_t kEvents = 5 * 255;
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(kEvents, absl::Seconds(60));
  const auto& messages = reader.Drain(absl::Seconds(1));
  EXPECT_EQ(messages.size(), kEvents);
  EXPECT_EQ(VerifyDelivered(messages), 0u);
  for (const auto& m : messages) EXPECT_EQ(m.headers.at("event-type"), "WorkItemParked");
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline && Depth() != 0) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(Depth(), 0);
  relay.Stop();
  EXPECT_EQ(relay.published(), kEvents) << "counted in events, not stream entries";
}

TEST_F(OutboxRelayTest, AMalformedBatchEntryGoesToTheDeadLetterTopic) {
  auto producer = EventProducer::Create(kafka_.Config());
  ASSERT_TRUE(producer.ok()) << producer.status();
  OutboxRelayConfig config;
  config.streams = keyspace_.AllOutboxKeys();
  OutboxRelay relay(client_, **producer, config);
  // Says 2 records; the second is cut short after its key.
  const std::string records = std::string("\x01k\x02id\x01y\x01v") + "\x01k";
  ASSERT_TRUE(
      client_.Command({"XADD", keyspace_.OutboxKey(0), "*", "t", kTopic, "n", "2", "b", records})
          .ok());
  relay.Start();
  testing::TopicReader dlq(kafka_.Config(), "firstline.dlq.v1", kafka_.partitions());
  const auto& dead = dlq.ReadAtLeast(1, absl::Seconds(30));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, records);
  EXPECT_EQ(dead[0].headers.at("x-error"), "outbox batch: record 2 is cut short");
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline && Depth() != 0) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(Depth(), 0) << "a dead-lettered entry leaves the outbox";
  relay.Stop();
}

TEST_F(OutboxRelayTest, KilledRelayIsReplacedAndNothingIsLost) {
  constexpr int kEvents = 3000;
  for (int seq = 1; seq <= kEvents; ++seq) {
    ASSERT_TRUE(Change(absl::StrCat("acct-", seq % 25), seq).ok());
  }
  // Slow the broker so the relay is caught mid-way.
  ASSERT_TRUE(kafka_.cluster().SetRtt(40).ok());
  auto run_relay = [&] {
    return std::make_unique<testing::ChildProcess>(std::vector<std::string>{
        testing::BinaryPath("tests/outbox_relay_runner"), std::to_string(redis_.port()),
        kafka_.Config().bootstrap_servers, "outbox-test", "4", "1000", "50"});
  };
  auto depth = [&] {
    int64_t total = 0;
    for (const auto& key : keyspace_.AllOutboxKeys()) {
      total += client_.Command({"XLEN", key}).value_or(RedisValue{}).integer;
    }
    return total;
  };
  auto first = run_relay();
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline && depth() > kEvents * 3 / 4) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(first->Stop(SIGKILL), 128 + SIGKILL);
  int64_t left = depth();
  EXPECT_GT(left, 0) << "the relay should have been killed halfway";
  EXPECT_LT(left, kEvents);

  ASSERT_TRUE(kafka_.cluster().SetRtt(0).ok());
  auto second = run_relay();
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  deadline = absl::Now() + absl::Seconds(90);
  while (absl::Now() < deadline && depth() > 0) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(depth(), 0);
  reader.ReadAtLeast(kEvents, absl::Seconds(30));
  const auto& messages = reader.Drain(absl::Seconds(1));
  size_t duplicates = VerifyDelivered(messages);
  // At-least-once: only a batch that was in flight at the kill may be published again.
  EXPECT_LE(duplicates, 4u * 50u);
  EXPECT_EQ(second->Stop(SIGTERM), 0);
}

TEST_F(OutboxRelayTest, OnlyOneRelayPublishesAStreamAtATime) {
  const OutboxRelayConfig config = Relaying(absl::Seconds(30));
  OutboxRelay a(client_, Producer(), config);
  OutboxRelay b(client_, Producer(), config);
  a.Start();
  absl::SleepFor(absl::Milliseconds(200));
  b.Start();
  for (int seq = 1; seq <= 200; ++seq)
    ASSERT_TRUE(Change(absl::StrCat("acct-", seq % 7), seq).ok());
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(200, absl::Seconds(30));
  const auto& messages = reader.Drain(absl::Milliseconds(500));
  EXPECT_EQ(VerifyDelivered(messages), 0u);
  EXPECT_EQ(a.published(), 200u);
  EXPECT_EQ(b.published(), 0u) << "b never held a lease while a was alive";
  a.Stop();
  b.Stop();
}

TEST_F(OutboxRelayTest, AHolderKeepsItsLeasePastItsTimeToLiveAndAStandbyTakesOverWhenItStops) {
  // Renewed not per read but every 200 ms.
  OutboxRelay a(client_, Producer(), Relaying(absl::Milliseconds(600)));
  OutboxRelay b(client_, Producer(), Relaying(absl::Milliseconds(600)));
  ASSERT_NO_FATAL_FAILURE(StartWarm(a));
  b.Start();
  // Four lease lifetimes of steady writes: a keeps the lease throughout.
  for (int seq = 2; seq <= 24; ++seq) {
    ASSERT_TRUE(Change(absl::StrCat("acct-", seq % 7), seq).ok());
    absl::SleepFor(absl::Milliseconds(100));
  }
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(24, absl::Seconds(30));
  EXPECT_EQ(a.published(), 24u);
  EXPECT_EQ(b.published(), 0u) << "b took a lease a was still renewing";
  a.Stop();  // releases its leases: b takes over
  for (int seq = 25; seq <= 30; ++seq) {
    ASSERT_TRUE(Change(absl::StrCat("acct-", seq % 7), seq).ok());
  }
  reader.ReadAtLeast(30, absl::Seconds(30));
  const auto& messages = reader.Drain(absl::Milliseconds(300));
  EXPECT_EQ(VerifyDelivered(messages), 0u);
  EXPECT_EQ(b.published(), 6u);
  b.Stop();
  EXPECT_EQ(Depth(), 0) << "a stopped relay leaves nothing it published behind";
}

TEST_F(OutboxRelayTest, ARoundSlowerThanTheLeaseKeepsItSoNoStandbyPublishesAlongside) {
  OutboxRelay a(client_, Producer(), Relaying(absl::Milliseconds(600)));
  OutboxRelay b(client_, Producer(), Relaying(absl::Milliseconds(600)));
  ASSERT_NO_FATAL_FAILURE(StartWarm(a));
  b.Start();
  // Every acknowledgement now takes longer than the lease lives.
  ASSERT_TRUE(kafka_.cluster().SetRtt(1500).ok());
  ASSERT_TRUE(BatchChange("acct-0", 2, 5).ok());
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline && Depth() != 0) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(Depth(), 0);
  const std::string stream = keyspace_.OutboxKey(keyspace_.ShardOf("acct-0"));
  auto holder = client_.Command({"GET", stream + ":lease"});
  ASSERT_TRUE(holder.ok());
  EXPECT_EQ(holder->str, a.instance_id()) << "b took the lease while a waited for the broker";
  ASSERT_TRUE(kafka_.cluster().SetRtt(0).ok());  // reading it back need not be slow
  testing::TopicReader reader(kafka_.Config(), kTopic, kafka_.partitions());
  reader.ReadAtLeast(6, absl::Seconds(30));
  EXPECT_EQ(a.published(), 6u);
  EXPECT_EQ(b.published(), 0u) << "b took the lease while a waited for the broker";
  EXPECT_EQ(VerifyDelivered(reader.Drain(absl::Milliseconds(300))), 0u);
  a.Stop();
  b.Stop();
}

TEST_F(OutboxRelayTest, ARelayThatLosesItsLeaseDeletesWhatItPublishedAndPublishesNoMore) {
  OutboxRelay a(client_, Producer(), Relaying(absl::Milliseconds(600)));
  ASSERT_NO_FATAL_FAILURE(StartWarm(a));
  ASSERT_TRUE(kafka_.cluster().SetRtt(1500).ok());
  ASSERT_TRUE(BatchChange("acct-0", 2, 5).ok());
  // a reads the batch at once and then waits at least the 1.5 s round trip for the broker.
  absl::SleepFor(absl::Milliseconds(600));
  // Another relay (as far as Redis can tell) takes the lease over meanwhile.
  const std::string stream = keyspace_.OutboxKey(keyspace_.ShardOf("acct-0"));
  ASSERT_TRUE(client_.Command({"SET", stream + ":lease", "thief", "PX", "60000"}).ok());
  ASSERT_TRUE(Change("acct-0", 7).ok());
  ASSERT_TRUE(Change("acct-0", 8).ok());
  // The batch a published is deleted (the new holder would publish it again); the two
  // entries that came after are the new holder's to publish.
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline && Depth() != 2) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(Depth(), 2);
  EXPECT_EQ(a.published(), 6u);
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(Depth(), 2) << "a went on publishing without the lease";
  EXPECT_EQ(a.published(), 6u);
  auto holder = client_.Command({"GET", stream + ":lease"});
  ASSERT_TRUE(holder.ok());
  EXPECT_EQ(holder->str, "thief");
  a.Stop();
}

}  // namespace
}  // namespace firstline::platform
