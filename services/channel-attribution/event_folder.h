#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "channel-attribution/attribution_store.h"
#include "channel-attribution/journey_fold.h"
#include "platform/core/clock.h"

namespace firstline::attribution {

// Folds a batch of inputs into journeys and aggregates and commits it in one transaction: read
// the journeys, fold in order, commit; journeys changed by another instance meanwhile are read
// again. Either the whole batch lands or none of it. An input whose event id its account's
// journey remembers (StoredJourney.applied, 7 days) was applied before and is dropped.
class EventFolder {
 public:
  EventFolder(AttributionStore& store, const AttributionSettings& settings,
              const platform::Clock& clock, std::string producer = "channel-attribution");

  // Per input: whether it changed anything (false: applied before, or nothing to do).
  absl::StatusOr<std::vector<bool>> Fold(const std::vector<FoldInput>& inputs,
                                         const std::string& trace_id = "");

 private:
  AttributionStore& store_;
  const AttributionSettings& settings_;
  JourneyFold fold_;
  const platform::Clock& clock_;
  std::string producer_;
};

}  // namespace firstline::attribution
