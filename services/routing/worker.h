#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/core/field_errors.h"
#include "routing/shift_calendar.h"

namespace firstline::routing {

enum class WorkerStatus { kAvailable, kAway, kOffline };

absl::string_view StatusName(WorkerStatus s);
std::optional<WorkerStatus> ParseStatus(absl::string_view name);

// A rep or engineer as the roster describes them. Live state (load, presence, today's count)
// lives in Redis and is read by the reservation script itself.
struct Worker {
  std::string id;
  std::string organisation;
  std::set<std::string> pools;
  std::set<std::string> skills;
  std::set<std::string> regions;  // empty: every region
  int capacity = 5;               // open items (offers count while pending)
  int daily_cap = 50;             // assignments per calendar day (worker's time zone)
  int weight = 1;                 // for weighted_round_robin
  WorkerStatus status = WorkerStatus::kOffline;
  ShiftCalendar shift;  // empty calendar: always on shift

  bool HasAllSkills(const std::vector<std::string>& required) const;
};

// INVALID_ARGUMENT naming every bad field.
absl::Status ValidateWorker(const Worker& worker);
void AddWorkerErrors(const Worker& worker, platform::FieldErrors& errors);

}  // namespace firstline::routing
