#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "firstline/v1/lead_intake.pb.h"
#include "platform/core/field_errors.h"
#include "routing/shift_calendar.h"
#include "routing/worker.h"

namespace firstline::routing {

// The roster entries of the APIs (lead-intake's Rep, ticket-dispatch's Engineer) carry the
// same fields: organisation_id, pools, skills, regions, capacity, daily_cap, weight,
// time_zone, weekly_hours (ShiftSpan: weekday 1-7, "HH:MM" start and end). One mapping serves
// both; errors name the API's fields ("<prefix>.capacity", "<prefix>.weekly_hours[2].end").
template <typename Spec>
absl::StatusOr<Worker> WorkerFromProto(const Spec& spec, const std::string& id,
                                       absl::string_view prefix, absl::string_view id_field) {
  platform::FieldErrors errors;
  Worker w;
  w.id = id;
  w.organisation = spec.organisation_id();
  w.pools.insert(spec.pools().begin(), spec.pools().end());
  w.skills.insert(spec.skills().begin(), spec.skills().end());
  w.regions.insert(spec.regions().begin(), spec.regions().end());
  w.capacity = spec.capacity();
  w.daily_cap = spec.daily_cap();
  w.weight = spec.weight() == 0 ? 1 : spec.weight();
  std::array<std::vector<ShiftSpan>, 7> weekly;
  for (int i = 0; i < spec.weekly_hours_size(); ++i) {
    const auto& span = spec.weekly_hours(i);
    const std::string field = absl::StrCat(prefix, ".weekly_hours[", i, "]");
    auto start = ParseClockMinute(span.start());
    auto end = ParseClockMinute(span.end());
    if (span.weekday() < 1 || span.weekday() > 7) errors.Add(field + ".weekday", "must be 1-7");
    if (!start) errors.Add(field + ".start", "must be HH:MM");
    if (!end) errors.Add(field + ".end", "must be HH:MM");
    if (start && end && *end <= *start) errors.Add(field + ".end", "must be after the start");
    if (start && end && span.weekday() >= 1 && span.weekday() <= 7) {
      weekly[span.weekday() - 1].push_back({*start, *end});
    }
  }
  if (!spec.time_zone().empty() || spec.weekly_hours_size() > 0) {
    auto shift = ShiftCalendar::Create(spec.time_zone().empty() ? "UTC" : spec.time_zone(),
                                       std::move(weekly));
    if (!shift.ok()) {
      errors.Add(absl::StrCat(prefix, ".time_zone"), std::string(shift.status().message()));
    } else {
      w.shift = std::move(*shift);
    }
  }
  platform::FieldErrors worker_errors;
  AddWorkerErrors(w, worker_errors);
  for (const auto& [field, description] : worker_errors.violations()) {
    // The engine names worker fields; the API names them its own way.
    std::string name = field == "id"             ? std::string(id_field)
                       : field == "organisation" ? "organisation_id"
                                                 : field;
    errors.Add(absl::StrCat(prefix, ".", name), description);
  }
  if (!errors.empty()) return errors.ToStatus();
  return w;
}

// Fills every field but the id (the caller sets rep_id / engineer_id).
template <typename Spec>
void WorkerToProto(const Worker& w, Spec* spec) {
  spec->set_organisation_id(w.organisation);
  for (const auto& p : w.pools) spec->add_pools(p);
  for (const auto& s : w.skills) spec->add_skills(s);
  for (const auto& r : w.regions) spec->add_regions(r);
  spec->set_capacity(w.capacity);
  spec->set_daily_cap(w.daily_cap);
  spec->set_weight(w.weight);
  if (w.shift.always()) return;
  spec->set_time_zone(w.shift.time_zone_name());
  for (int day = 0; day < 7; ++day) {
    for (const auto& span : w.shift.weekly()[day]) {
      auto* s = spec->add_weekly_hours();
      s->set_weekday(day + 1);
      s->set_start(FormatClockMinute(span.start_minute));
      s->set_end(FormatClockMinute(span.end_minute));
    }
  }
}

// A worker's own availability from the API (shared by reps and engineers).
inline absl::StatusOr<WorkerStatus> StatusFromAvailability(firstline::v1::Availability a) {
  switch (a) {
    case firstline::v1::AVAILABILITY_AVAILABLE:
      return WorkerStatus::kAvailable;
    case firstline::v1::AVAILABILITY_AWAY:
      return WorkerStatus::kAway;
    case firstline::v1::AVAILABILITY_OFFLINE:
      return WorkerStatus::kOffline;
    default:
      return absl::InvalidArgumentError("availability: must be AVAILABLE, AWAY or OFFLINE");
  }
}

}  // namespace firstline::routing
