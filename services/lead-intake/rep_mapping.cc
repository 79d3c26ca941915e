#include "lead-intake/rep_mapping.h"

#include "absl/strings/str_cat.h"
#include "platform/core/field_errors.h"
#include "routing/shift_calendar.h"

namespace firstline::lead_intake {

absl::StatusOr<routing::Worker> WorkerFromRep(const firstline::v1::Rep& rep) {
  platform::FieldErrors errors;
  routing::Worker w;
  w.id = rep.rep_id();
  w.organisation = rep.organisation_id();
  w.pools.insert(rep.pools().begin(), rep.pools().end());
  w.skills.insert(rep.skills().begin(), rep.skills().end());
  w.regions.insert(rep.regions().begin(), rep.regions().end());
  w.capacity = rep.capacity();
  w.daily_cap = rep.daily_cap();
  w.weight = rep.weight() == 0 ? 1 : rep.weight();
  std::array<std::vector<routing::ShiftSpan>, 7> weekly;
  for (int i = 0; i < rep.weekly_hours_size(); ++i) {
    const auto& span = rep.weekly_hours(i);
    const std::string field = absl::StrCat("rep.weekly_hours[", i, "]");
    auto start = routing::ParseClockMinute(span.start());
    auto end = routing::ParseClockMinute(span.end());
    if (span.weekday() < 1 || span.weekday() > 7) errors.Add(field + ".weekday", "must be 1-7");
    if (!start) errors.Add(field + ".start", "must be HH:MM");
    if (!end) errors.Add(field + ".end", "must be HH:MM");
    if (start && end && *end <= *start) errors.Add(field + ".end", "must be after the start");
    if (start && end && span.weekday() >= 1 && span.weekday() <= 7) {
      weekly[span.weekday() - 1].push_back({*start, *end});
    }
  }
  if (!rep.time_zone().empty() || rep.weekly_hours_size() > 0) {
    auto shift = routing::ShiftCalendar::Create(rep.time_zone().empty() ? "UTC" : rep.time_zone(),
                                                std::move(weekly));
    if (!shift.ok()) {
      errors.Add("rep.time_zone", std::string(shift.status().message()));
    } else {
      w.shift = std::move(*shift);
    }
  }
  platform::FieldErrors worker_errors;
  routing::AddWorkerErrors(w, worker_errors);
  for (const auto& [field, description] : worker_errors.violations()) {
    // The engine names worker fields; the API calls them rep fields.
    std::string name = field == "id"             ? "rep_id"
                       : field == "organisation" ? "organisation_id"
                                                 : field;
    errors.Add("rep." + name, description);
  }
  if (!errors.empty()) return errors.ToStatus();
  return w;
}

firstline::v1::Rep RepFromWorker(const routing::Worker& w) {
  firstline::v1::Rep rep;
  rep.set_rep_id(w.id);
  rep.set_organisation_id(w.organisation);
  for (const auto& p : w.pools) rep.add_pools(p);
  for (const auto& s : w.skills) rep.add_skills(s);
  for (const auto& r : w.regions) rep.add_regions(r);
  rep.set_capacity(w.capacity);
  rep.set_daily_cap(w.daily_cap);
  rep.set_weight(w.weight);
  if (!w.shift.always()) {
    rep.set_time_zone(w.shift.time_zone_name());
    for (int day = 0; day < 7; ++day) {
      for (const auto& span : w.shift.weekly()[day]) {
        auto* s = rep.add_weekly_hours();
        s->set_weekday(day + 1);
        s->set_start(routing::FormatClockMinute(span.start_minute));
        s->set_end(routing::FormatClockMinute(span.end_minute));
      }
    }
  }
  return rep;
}

}  // namespace firstline::lead_intake
