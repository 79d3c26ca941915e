#include "channel-attribution/event_folder.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"

namespace firstline::attribution {
namespace {
constexpr int kAttempts = 8;
}

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
  std::set<std::string> applied_before;
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
    std::vector<std::string> ids;
    std::set<std::string> in_batch;  // a redelivered event may sit twice in one batch
    std::fill(changed.begin(), changed.end(), false);
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (applied_before.count(inputs[i].event_id) > 0) continue;
      if (!in_batch.insert(inputs[i].event_id).second) continue;
      ids.push_back(inputs[i].event_id);
      changed[i] = fold_.Apply(inputs[i], journeys, delta, conversions);
    }
    if (ids.empty()) return changed;
    std::vector<OutboxEntry> events;
    for (auto& c : conversions) {
      v1::Envelope e = platform::NewEnvelope(producer_, c.account_id(), trace_id, clock_);
      *e.mutable_conversion_attributed() = std::move(c);
      if (auto st = platform::Seal(e); !st.ok()) return st;
      events.push_back({std::string(platform::topics::kAttribution), e.partition_key(),
                        e.event_id(), e.type(), e.SerializeAsString()});
    }
    auto outcome = store_.Commit(ids, journeys, delta, events);
    if (!outcome.ok()) return outcome.status();
    switch (outcome->kind) {
      case AttributionStore::Outcome::Kind::kCommitted:
        return changed;
      case AttributionStore::Outcome::Kind::kSeen:
        applied_before.insert(outcome->names.begin(), outcome->names.end());
        break;
      case AttributionStore::Outcome::Kind::kConflict:
        break;  // read again and fold again
    }
  }
  return absl::AbortedError("attribution: journeys kept changing while the batch was folded");
}

}  // namespace firstline::attribution
