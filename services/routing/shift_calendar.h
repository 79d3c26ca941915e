#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace firstline::routing {

// Minutes since local midnight: [start, end).
struct ShiftSpan {
  int start_minute = 0;
  int end_minute = 0;
};

// "HH:MM" (00:00..24:00) to minutes since midnight; nullopt when malformed.
std::optional<int> ParseClockMinute(absl::string_view hh_mm);
std::string FormatClockMinute(int minute);

// Weekly working hours plus dated exceptions, in an IANA time zone. A dated exception
// replaces that day's weekly hours (an empty list: day off). Without any weekly hours a worker
// is on duty all day except on the days a dated exception rules: an on-duty roster for one
// day (SetShiftRoster) must not take a worker with no weekly pattern off every other day.
class ShiftCalendar {
 public:
  ShiftCalendar() = default;  // always on shift

  // `weekly[0]` is Monday. Fails on a bad zone or spans outside 0..1440 / ending before start.
  static absl::StatusOr<ShiftCalendar> Create(
      const std::string& time_zone, std::array<std::vector<ShiftSpan>, 7> weekly,
      std::map<absl::CivilDay, std::vector<ShiftSpan>> exceptions = {});

  bool always() const { return always_; }
  bool OnShift(absl::Time now) const;
  // The worker's local calendar day (daily caps reset at local midnight).
  absl::CivilDay LocalDay(absl::Time now) const;
  const std::string& time_zone_name() const { return zone_name_; }
  const std::array<std::vector<ShiftSpan>, 7>& weekly() const { return weekly_; }
  const std::map<absl::CivilDay, std::vector<ShiftSpan>>& exceptions() const { return exceptions_; }

 private:
  bool always_ = true;
  bool has_weekly_ = false;  // some weekday has hours
  std::string zone_name_ = "UTC";
  absl::TimeZone zone_ = absl::UTCTimeZone();
  std::array<std::vector<ShiftSpan>, 7> weekly_;
  std::map<absl::CivilDay, std::vector<ShiftSpan>> exceptions_;
};

}  // namespace firstline::routing
