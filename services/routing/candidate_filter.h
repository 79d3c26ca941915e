#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "routing/policy.h"
#include "routing/work_item.h"
#include "routing/worker.h"

namespace firstline::routing {

struct Candidate {
  const Worker* worker = nullptr;
  std::string local_day;  // "YYYY-MM-DD" in the worker's time zone (daily caps)
};

struct Exclusion {
  std::string worker_id;
  std::string reason;
};

struct FilterResult {
  std::vector<Candidate> candidates;
  std::vector<Exclusion> exclusions;  // the first `max_listed` of them
  size_t unlisted_exclusions = 0;     // the rest, only counted (no reason is formatted)
};

// The static half of candidate filtering, pure: the item's excluded workers, pool and
// organisation, every required skill (the target's and the item's), region, inside the shift
// now. Live state (status, presence, capacity, daily cap) is checked by the reservation
// script, atomically with the pick. `roster` is sorted by id, so results are deterministic.
// Candidates point into `roster`.
FilterResult FilterCandidates(const std::vector<Worker>& roster, const WorkItem& item,
                              const Target& target, absl::Time now, size_t max_listed = SIZE_MAX);
FilterResult FilterCandidates(const std::vector<const Worker*>& roster, const WorkItem& item,
                              const Target& target, absl::Time now, size_t max_listed = SIZE_MAX);

}  // namespace firstline::routing
