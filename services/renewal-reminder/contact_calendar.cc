#include "renewal-reminder/contact_calendar.h"

namespace firstline::renewal {

bool QuietWindow::Contains(int minute) const {
  if (start_minute == end_minute) return false;
  if (start_minute < end_minute) return minute >= start_minute && minute < end_minute;
  return minute >= start_minute || minute < end_minute;
}

absl::Time ContactCalendar::Next(absl::Time t, const ContactRules& rules, bool business) const {
  absl::CivilSecond at = absl::ToCivilSecond(t, rules.zone);
  bool moved = false;
  auto move_to = [&](absl::CivilDay day, int minute) {
    at = absl::CivilSecond(absl::CivilMinute(day) + minute);
    moved = true;
  };
  // Each step moves forward to a boundary; a year of steps is more than any calendar needs.
  for (int step = 0; step < 2000; ++step) {
    const absl::CivilDay day(at);
    const int minute = static_cast<int>((at - absl::CivilSecond(day)) / 60);
    const absl::Weekday wd = absl::GetWeekday(day);
    if (business && (wd == absl::Weekday::saturday || wd == absl::Weekday::sunday ||
                     policy_.HolidayOn(day) != nullptr)) {
      move_to(day + 1, policy_.workday_start_minute);
    } else if (minute < policy_.workday_start_minute) {
      move_to(day, policy_.workday_start_minute);
    } else if (minute >= policy_.workday_end_minute) {
      move_to(day + 1, policy_.workday_start_minute);
    } else if (rules.quiet && rules.quiet->Contains(minute)) {
      const int end = rules.quiet->end_minute;
      move_to(end > minute ? day : day + 1, end);
    } else {
      return moved ? absl::FromCivil(at, rules.zone) : t;
    }
  }
  return absl::FromCivil(at, rules.zone);  // unreachable with a sane policy
}

}  // namespace firstline::renewal
