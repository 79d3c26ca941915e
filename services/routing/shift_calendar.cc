#include "routing/shift_calendar.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace firstline::routing {

std::optional<int> ParseClockMinute(absl::string_view s) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !absl::SimpleAtoi(s.substr(0, 2), &h) ||
      !absl::SimpleAtoi(s.substr(3, 2), &m) || h > 24 || m > 59 || (h == 24 && m != 0)) {
    return std::nullopt;
  }
  return h * 60 + m;
}

std::string FormatClockMinute(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}
namespace {

int MondayBasedIndex(absl::Weekday d) {
  switch (d) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

absl::Status CheckSpans(const std::vector<ShiftSpan>& spans, absl::string_view where) {
  for (const auto& s : spans) {
    if (s.start_minute < 0 || s.end_minute > 24 * 60 || s.end_minute <= s.start_minute) {
      return absl::InvalidArgumentError(
          absl::StrCat("shift ", where, ": span must lie in 00:00-24:00 and end after it starts"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ShiftCalendar> ShiftCalendar::Create(
    const std::string& time_zone, std::array<std::vector<ShiftSpan>, 7> weekly,
    std::map<absl::CivilDay, std::vector<ShiftSpan>> exceptions) {
  ShiftCalendar c;
  if (!absl::LoadTimeZone(time_zone, &c.zone_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("shift.time_zone: unknown zone '", time_zone, "'"));
  }
  for (int d = 0; d < 7; ++d) {
    if (auto st = CheckSpans(weekly[d], absl::StrCat("weekday ", d)); !st.ok()) return st;
  }
  for (const auto& [day, spans] : exceptions) {
    if (auto st = CheckSpans(spans, absl::FormatCivilTime(day)); !st.ok()) return st;
  }
  c.always_ = false;
  c.has_weekly_ =
      std::any_of(weekly.begin(), weekly.end(), [](const auto& d) { return !d.empty(); });
  c.zone_name_ = time_zone;
  c.weekly_ = std::move(weekly);
  c.exceptions_ = std::move(exceptions);
  return c;
}

absl::CivilDay ShiftCalendar::LocalDay(absl::Time now) const {
  return absl::ToCivilDay(now, zone_);
}

bool ShiftCalendar::OnShift(absl::Time now) const {
  if (always_) return true;
  absl::CivilSecond local = absl::ToCivilSecond(now, zone_);
  absl::CivilDay day(local);
  int minute = local.hour() * 60 + local.minute();
  auto it = exceptions_.find(day);
  if (it == exceptions_.end() && !has_weekly_) return true;
  const auto& spans =
      it != exceptions_.end() ? it->second : weekly_[MondayBasedIndex(absl::GetWeekday(day))];
  for (const auto& s : spans) {
    if (minute >= s.start_minute && minute < s.end_minute) return true;
  }
  return false;
}

}  // namespace firstline::routing
