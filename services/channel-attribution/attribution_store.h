#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "channel-attribution/journey_fold.h"
#include "firstline/v1/attribution.pb.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::attribution {

// An event for the outbox, fully built (the relay publishes it as is).
struct OutboxEntry {
  std::string topic;
  std::string partition_key;
  std::string event_id;
  std::string type;
  std::string envelope;
};

// What channel-attribution keeps in Redis, all under the hash tag "{ca}" (see
// docs/architecture.md): journeys "{ca}:j:<account>" (a 12-digit version, then the
// StoredJourney), aggregates per grouping and UTC day/month (strings of appended entries, see
// tally.h, with their compaction state in "{ca}:tally"), spend records "{ca}:spend", the
// catalogue "{ca}:catalog" and the outbox stream.
class AttributionStore {
 public:
  // An aggregate is compacted once it has at least `compact_min_bytes` and twice its size at
  // the last compaction.
  explicit AttributionStore(platform::RedisClient& redis, int64_t compact_min_bytes = 64 * 1024);

  // Reads the journeys of `accounts` not in `set` yet (absent ones get version 0).
  absl::Status Load(const std::vector<std::string>& accounts, JourneySet& set);

  struct Outcome {
    enum class Kind { kCommitted, kConflict } kind = Kind::kCommitted;
    // kConflict: journey keys changed since read; kCommitted: aggregates due for compaction
    // (see Compact).
    std::vector<std::string> names;
  };
  // Writes a folded batch atomically (see lua/fold_batch.lua).
  absl::StatusOr<Outcome> Commit(const JourneySet& journeys, const AggregateDelta& delta,
                                 const std::vector<OutboxEntry>& events);

  // Rewrites an aggregate with one entry per field; what was appended meanwhile is kept after
  // them. Returns false when another writer compacted it first (nothing is written then).
  absl::StatusOr<bool> Compact(const std::string& key);

  absl::StatusOr<std::optional<v1::StoredJourney>> Journey(const std::string& account);

  // Replaces one day's spend record; adds the difference to (key, field) targets. Returns
  // whether an earlier record was replaced.
  absl::StatusOr<bool> RecordSpend(const std::string& record, int64_t minor,
                                   const std::vector<std::pair<std::string, std::string>>& targets);

  absl::StatusOr<int> SetCatalog(const std::vector<v1::Channel>& channels);
  absl::StatusOr<std::map<std::string, v1::Channel>> Catalog();

  // Field-wise sums of aggregates, read in one round trip.
  absl::StatusOr<std::map<std::string, double>> Sum(const std::vector<std::string>& keys);

 private:
  platform::RedisClient& redis_;
  int64_t compact_min_bytes_;
  platform::RedisScript fold_;
  platform::RedisScript compact_;
  platform::RedisScript spend_;
  platform::RedisScript catalog_;
};

}  // namespace firstline::attribution
