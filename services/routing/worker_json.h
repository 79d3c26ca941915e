#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "routing/worker.h"

namespace firstline::routing {

// Roster entries travel and are stored as JSON:
// {"id","organisation","pools":[],"skills":[],"regions":[],"capacity","daily_cap","weight",
//  "shift":{"time_zone":"Asia/Shanghai","weekly":[[["09:00","18:00"]], ... 7 days from Monday],
//           "exceptions":{"2026-10-01":[]}}}
// "shift" may be omitted (always on shift). Status is live state and not part of the entry.
std::string WorkerToJson(const Worker& worker);
absl::StatusOr<Worker> WorkerFromJson(absl::string_view json);

}  // namespace firstline::routing
