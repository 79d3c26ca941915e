#include "channel-attribution/event_folder.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "platform/core/log.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"

namespace firstline::attribution {
namespace {
constexpr int kAttempts = 8;
// Redeliveries come within minutes of the first delivery; a week is far beyond any consumer
// lag worth replaying, and the bound keeps a busy account's journey small.
constexpr absl::Duration kAppliedRetention = absl::Hours(24 * 7);
constexpr int kMaxApplied = 1000;

bool AppliedBefore(const v1::StoredJourney& j, const std::string& event_id) {
  for (const auto& a : j.applied()) {
    if (a.event_id() == event_id) return true;
  }
  return false;
}

void Remember(v1::StoredJourney& j, const std::string& event_id, int64_t now_ms) {
  auto* applied = j.mutable_applied();
  const int64_t forget_before = now_ms - absl::ToInt64Milliseconds(kAppliedRetention);
  int drop = 0;
  while (drop < applied->size() && applied->Get(drop).applied_ms() < forget_before) ++drop;
  drop = std::max(drop, applied->size() + 1 - kMaxApplied);
  if (drop > 0) applied->DeleteSubrange(0, drop);
  auto* a = applied->Add();
  a->set_event_id(event_id);
  a->set_applied_ms(now_ms);
}
}  // namespace

EventFolder::EventFolder(AttributionStore& store, const AttributionSettings& settings,
                         const platform::Clock& clock, std::string producer)
    : store_(store),
      settings_(settings),
      fold_(settings),
      clock_(clock),
      producer_(std::move(producer)) {}

absl::StatusOr<std::vector<bool>> EventFolder::Fold(const std::vector<FoldInput>& inputs,
                                                    const std::string& trace_id) {
  std::vector<bool> changed(inputs.size(), false);
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::vector<std::string> accounts;
    for (const auto& in : inputs) {
      accounts.push_back(in.account_id);
      accounts.insert(accounts.end(), in.contact_journeys.begin(), in.contact_journeys.end());
    }
    JourneySet journeys;
    if (auto st = store_.Load(accounts, journeys); !st.ok()) return st;
    AggregateDelta delta;
    std::vector<v1::ConversionAttributed> conversions;
    absl::flat_hash_set<absl::string_view> in_batch;  // a redelivered event may sit twice
    std::fill(changed.begin(), changed.end(), false);
    bool any = false;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const FoldInput& in = inputs[i];
      if (!in_batch.insert(in.event_id).second) continue;
      v1::StoredJourney& journey = journeys[in.account_id].journey;  // map: stays put
      if (AppliedBefore(journey, in.event_id)) continue;
      changed[i] = fold_.Apply(in, journeys, delta, conversions);
      // The id is kept in the journey it changed, written in the same commit: a redelivery
      // finds it there. An event that changed nothing leaves nothing behind.
      if (changed[i]) Remember(journey, in.event_id, now_ms);
      any = any || changed[i];
    }
    if (!any) return changed;
    std::vector<OutboxEntry> events;
    for (auto& c : conversions) {
      v1::Envelope e = platform::NewEnvelope(producer_, c.account_id(), trace_id, clock_);
      *e.mutable_conversion_attributed() = std::move(c);
      if (auto st = platform::Seal(e); !st.ok()) return st;
      events.push_back({std::string(platform::topics::kAttribution), e.partition_key(),
                        e.event_id(), e.type(), e.SerializeAsString()});
    }
    auto outcome = store_.Commit(journeys, delta, events);
    if (!outcome.ok()) return outcome.status();
    if (outcome->kind == AttributionStore::Outcome::Kind::kCommitted) {
      // Best effort: a key left uncompacted is asked for again by the next commit that
      // appends to it, and reads are right either way. One that cannot be read is worth a
      // warning: its reports fail too (AttributionStore::Sum names it).
      for (const auto& key : outcome->names) {
        if (auto compacted = store_.Compact(key); !compacted.ok()) {
          platform::Log::Warn("aggregate_compaction_failed",
                              {{"key", key}, {"error", compacted.status().ToString()}});
        }
      }
      return changed;
    }
    // Another instance changed a journey since it was read: read again and fold again.
  }
  return absl::AbortedError("attribution: journeys kept changing while the batch was folded");
}

}  // namespace firstline::attribution
