#include "platform/outbox/outbox_relay.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "outbox/outbox_lease.lua.h"
#include "outbox/outbox_release.lua.h"
#include "platform/core/backoff.h"
#include "platform/core/ids.h"
#include "platform/core/log.h"
#include "platform/core/thread_name.h"
#include "platform/outbox/outbox_event.h"

namespace firstline::platform {
namespace {

constexpr absl::Duration kStopCheck = absl::Milliseconds(50);

std::string LeaseKey(const std::string& stream) { return absl::StrCat(stream, ":lease"); }

const std::string* Field(const RedisValue& fields, absl::string_view name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].str == name) return &fields.elements[i + 1].str;
  }
  return nullptr;
}

}  // namespace

OutboxRelay::OutboxRelay(RedisClient& redis, EventProducer& producer, OutboxRelayConfig config)
    : redis_(redis),
      producer_(producer),
      config_(std::move(config)),
      lease_script_("outbox_lease", kOutboxLeaseLua),
      release_script_("outbox_release", kOutboxReleaseLua) {
  if (config_.instance_id.empty()) config_.instance_id = NewRandomId();
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  if (!threads_.empty()) return;
  stop_.store(false);
  // Threads are numbered in the order of `streams` ("relay-0"): stream keys are longer than
  // the 15 bytes a thread name keeps, and their logs name the stream.
  for (size_t i = 0; i < config_.streams.size(); ++i) {
    threads_.emplace_back([this, i] {
      NameThisThread(absl::StrCat("relay-", i));
      RunStream(config_.streams[i]);
    });
  }
}

void OutboxRelay::Stop() {
  stop_.store(true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void OutboxRelay::Pause(absl::Duration d) {
  absl::Time until = absl::Now() + d;
  while (!stop_.load() && absl::Now() < until) absl::SleepFor(absl::Milliseconds(10));
}

absl::StatusOr<int64_t> OutboxRelay::Depth() {
  int64_t total = 0;
  for (const auto& stream : config_.streams) {
    auto r = redis_.Command({"XLEN", stream});
    if (!r.ok()) return r.status();
    total += r->integer;
  }
  return total;
}

void OutboxRelay::RunStream(const std::string& stream) {
  auto conn = redis_.Dedicated();
  const std::string lease_key = LeaseKey(stream);
  const std::string ttl_ms = std::to_string(absl::ToInt64Milliseconds(config_.lease_ttl));
  int64_t entries_per_read = config_.batch_size;
  const std::string block_ms = std::to_string(absl::ToInt64Milliseconds(config_.block));
  const absl::Duration read_timeout = config_.block + absl::Seconds(2);
  Backoff backoff(config_.retry_initial, config_.retry_max);
  int failures = 0;
  // The lease is renewed once a third of its time has passed, not before every read: under
  // load a round carries a few events, and a renewal per round was a Redis round trip as
  // costly as the read itself. A round that outlasts the rest (a slow broker) renews it
  // while it waits for acknowledgements.
  absl::Time renewed = absl::InfinitePast();
  // Entries of the last round the broker acknowledged: deleted in the same round trip as the
  // next read (XDEL then XREAD, pipelined), or at once when the relay stops or loses the
  // lease. Until deleted they would be published again (consumers deduplicate).
  std::vector<std::string> acked_ids;
  auto xdel = [&] {
    std::vector<std::string> command = {"XDEL", stream};
    command.insert(command.end(), acked_ids.begin(), acked_ids.end());
    return command;
  };
  // If XDEL fails the entries are published again later; consumers deduplicate.
  auto deleted = [&](const absl::Status& st) {
    if (!st.ok()) Log::Warn("outbox_delete_failed", {{"stream", stream}, {"error", st.ToString()}});
    acked_ids.clear();
  };
  auto delete_now = [&] {
    if (!acked_ids.empty()) deleted(conn->Command(xdel()).status());
  };
  // The lease as of now: renewed once a third of its time has passed, and after a loss asked
  // for again (its holder may have let it go); kUnknown when Redis did not answer.
  enum class Lease { kHeld, kLost, kUnknown };
  bool lost = false;
  auto check_lease = [&]() -> Lease {
    if (!lost && absl::Now() - renewed < config_.lease_ttl / 3) return Lease::kHeld;
    const absl::Time asked = absl::Now();
    auto held = EvalOn(*conn, lease_script_, {lease_key}, {config_.instance_id, ttl_ms});
    if (!held.ok()) {
      Log::Warn("outbox_lease_failed", {{"stream", stream}, {"error", held.status().ToString()}});
      return Lease::kUnknown;
    }
    lost = held->integer != 1;
    if (lost) return Lease::kLost;
    renewed = asked;
    return Lease::kHeld;
  };
  while (!stop_.load()) {
    const Lease lease = check_lease();
    if (lease == Lease::kUnknown) {
      Pause(backoff.DelayFor(++failures));
      continue;
    }
    if (lease == Lease::kLost) {
      // What this relay had published is deleted now: the new holder would publish it again.
      delete_now();
      Pause(config_.lease_ttl / 3);
      continue;
    }
    // Entries are deleted once published, so reading from the start gives the oldest pending.
    const std::vector<std::string> xread = {"XREAD", "COUNT",  std::to_string(entries_per_read),
                                            "BLOCK", block_ms, "STREAMS",
                                            stream,  "0-0"};
    absl::StatusOr<RedisValue> read;
    if (acked_ids.empty()) {
      read = conn->Command(xread, read_timeout);
    } else if (auto replies = conn->Pipeline({xdel(), xread}, read_timeout); !replies.ok()) {
      read = replies.status();  // the connection broke: the deletion is tried again
    } else {
      deleted((*replies)[0].status());
      read = std::move((*replies)[1]);
    }
    if (!read.ok()) {
      Log::Warn("outbox_read_failed", {{"stream", stream}, {"error", read.status().ToString()}});
      Pause(backoff.DelayFor(++failures));
      continue;
    }
    if (read->is_nil() || read->elements.empty()) continue;
    std::vector<Entry> batch;
    const auto& entries = read->elements[0].elements[1].elements;
    for (const auto& raw : entries) AppendMessages(stream, raw, batch);
    // A batch entry carries many events: read fewer entries next time, so one round stays
    // near batch_size messages.
    entries_per_read = NextEntriesPerRead(config_.batch_size, static_cast<int64_t>(entries.size()),
                                          static_cast<int64_t>(batch.size()));
    // A slow broker may hold a round longer than the lease lives: it is renewed meanwhile, so
    // no standby starts publishing the same entries (and after them newer ones) alongside.
    Acked acked = Publish(batch, [&] { return check_lease() != Lease::kLost; });
    acked_ids.insert(acked_ids.end(), acked.ids.begin(), acked.ids.end());
    published_.fetch_add(acked.messages);
    if (acked.messages < batch.size()) {
      failed_.fetch_add(batch.size() - acked.messages);
      Pause(backoff.DelayFor(++failures));
    } else {
      failures = 0;
    }
  }
  delete_now();
  (void)EvalOn(*conn, release_script_, {lease_key}, {config_.instance_id});
}

void OutboxRelay::AppendMessages(const std::string& stream, const RedisValue& raw,
                                 std::vector<Entry>& out) {
  const std::string& entry_id = raw.elements[0].str;
  const RedisValue& fields = raw.elements[1];
  const std::string* topic = Field(fields, "t");
  auto dead_letter = [&](const std::string* value, const std::string& error) {
    // Cannot be published anywhere sensible; keep it visible rather than drop it silently.
    Log::Error("outbox_entry_malformed", {{"stream", stream}, {"id", entry_id}, {"error", error}});
    Entry e;
    e.id = entry_id;
    e.message.topic = "firstline.dlq.v1";
    e.message.value = value != nullptr ? *value : "";
    e.message.headers.emplace_back("x-error", error);
    out.push_back(std::move(e));
  };
  if (const std::string* records = Field(fields, "b")) {
    const std::string* n = Field(fields, "n");
    int64_t count = 0;
    if (topic == nullptr || n == nullptr || !absl::SimpleAtoi(*n, &count)) {
      dead_letter(records, "outbox batch entry lacks t/n fields");
      return;
    }
    auto decoded = DecodeOutboxBatch(*records, count);
    if (!decoded.ok()) {
      dead_letter(records, std::string(decoded.status().message()));
      return;
    }
    for (auto& r : *decoded) {
      Entry e;
      e.id = entry_id;
      e.message.topic = *topic;
      e.message.key = std::move(r.key);
      e.message.value = std::move(r.value);
      e.message.headers.emplace_back("event-id", std::move(r.id));
      e.message.headers.emplace_back("event-type", std::move(r.type));
      out.push_back(std::move(e));
    }
    return;
  }
  const std::string* key = Field(fields, "k");
  const std::string* value = Field(fields, "v");
  if (topic == nullptr || key == nullptr || value == nullptr) {
    dead_letter(value, "outbox entry lacks t/k/v fields");
    return;
  }
  Entry e;
  e.id = entry_id;
  e.message.topic = *topic;
  e.message.key = *key;
  e.message.value = *value;
  if (const std::string* id = Field(fields, "i")) e.message.headers.emplace_back("event-id", *id);
  if (const std::string* type = Field(fields, "y")) {
    e.message.headers.emplace_back("event-type", *type);
  }
  out.push_back(std::move(e));
}

OutboxRelay::Acked OutboxRelay::Publish(std::vector<Entry>& batch,
                                        const std::function<bool()>& keep_lease) {
  struct Tracker {
    std::mutex mu;
    std::condition_variable cv;
    size_t pending = 0;
    std::vector<bool> ok;
    absl::Status first_error;
  };
  auto tracker = std::make_shared<Tracker>();
  tracker->ok.assign(batch.size(), false);
  for (size_t i = 0; i < batch.size(); ++i) {
    {
      std::lock_guard lock(tracker->mu);
      ++tracker->pending;
    }
    absl::Status st = producer_.Produce(batch[i].message, [tracker, i](absl::Status s) {
      std::lock_guard lock(tracker->mu);
      if (s.ok()) {
        tracker->ok[i] = true;
      } else if (tracker->first_error.ok()) {
        tracker->first_error = s;
      }
      if (--tracker->pending == 0) tracker->cv.notify_all();
    });
    if (!st.ok()) {
      std::lock_guard lock(tracker->mu);
      --tracker->pending;
      if (tracker->first_error.ok()) tracker->first_error = st;
      break;  // later entries wait for the next round, keeping stream order
    }
  }
  std::unique_lock lock(tracker->mu);
  const absl::Time give_up = absl::Now() + config_.delivery_timeout;
  bool held = true;
  // Awake at least every 50 ms, so Stop never waits out a broker outage: what is not
  // acknowledged yet stays in the outbox for the next relay.
  while (tracker->pending > 0 && absl::Now() < give_up && !stop_.load()) {
    const absl::Time wake = std::min(give_up, absl::Now() + kStopCheck);
    if (tracker->cv.wait_until(lock, absl::ToChronoTime(wake),
                               [&] { return tracker->pending == 0; })) {
      break;
    }
    if (held) {
      lock.unlock();
      held = keep_lease();
      lock.lock();
    }
  }
  if (!tracker->first_error.ok()) {
    Log::Warn("outbox_publish_failed", {{"error", tracker->first_error.ToString()}});
  }
  // Only the acknowledged prefix is deleted: an entry after a failed one is republished with
  // it, so per-key order never inverts (at worst a duplicate, which consumers drop).
  // A batch entry's messages share its id: it is deleted only when all of them are in.
  size_t prefix = 0;
  while (prefix < batch.size() && tracker->ok[prefix]) ++prefix;
  Acked acked;
  for (size_t i = 0; i < prefix; ++i) {
    const bool entry_complete = i + 1 == batch.size() || batch[i + 1].id != batch[i].id;
    if (entry_complete) acked.ids.push_back(batch[i].id);
  }
  acked.messages = prefix;
  return acked;
}

}  // namespace firstline::platform
