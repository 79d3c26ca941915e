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
// docs/architecture.md): journeys "{ca}:j:<account>" (v, d), aggregate hashes per grouping
// and UTC day/month, spend records "{ca}:spend", the catalogue "{ca}:catalog", applied event
// ids "{ca}:seen:<id>" and the outbox stream.
class AttributionStore {
 public:
  explicit AttributionStore(platform::RedisClient& redis,
                            absl::Duration seen_retention = absl::Hours(24 * 7));

  // Reads the journeys of `accounts` not in `set` yet (absent ones get version 0).
  absl::Status Load(const std::vector<std::string>& accounts, JourneySet& set);

  struct Outcome {
    enum class Kind { kCommitted, kSeen, kConflict } kind = Kind::kCommitted;
    std::vector<std::string> names;  // event ids seen before, or accounts changed since read
  };
  // Writes a folded batch atomically (see lua/fold_batch.lua).
  absl::StatusOr<Outcome> Commit(const std::vector<std::string>& event_ids,
                                 const JourneySet& journeys, const AggregateDelta& delta,
                                 const std::vector<OutboxEntry>& events);

  absl::StatusOr<std::optional<v1::StoredJourney>> Journey(const std::string& account);

  // Replaces one day's spend record; adds the difference to (key, field) targets. Returns
  // whether an earlier record was replaced.
  absl::StatusOr<bool> RecordSpend(const std::string& record, int64_t minor,
                                   const std::vector<std::pair<std::string, std::string>>& targets);

  absl::StatusOr<int> SetCatalog(const std::vector<v1::Channel>& channels);
  absl::StatusOr<std::map<std::string, v1::Channel>> Catalog();

  // Field-wise sums of hashes (numbers), read in one round trip.
  absl::StatusOr<std::map<std::string, double>> Sum(const std::vector<std::string>& keys);

 private:
  platform::RedisClient& redis_;
  absl::Duration seen_retention_;
  platform::RedisScript fold_;
  platform::RedisScript spend_;
  platform::RedisScript catalog_;
};

}  // namespace firstline::attribution
