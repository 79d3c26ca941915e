#pragma once

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
  std::vector<Exclusion> exclusions;
};

// The static half of candidate filtering, pure: pool and organisation, every required skill
// (the target's and the item's), region, inside the shift now. Live state (status, presence,
// capacity, daily cap) is checked by the reservation script, atomically with the pick.
// `roster` is sorted by id, so results are deterministic.
FilterResult FilterCandidates(const std::vector<Worker>& roster, const WorkItem& item,
                              const Target& target, absl::Time now);

}  // namespace firstline::routing
