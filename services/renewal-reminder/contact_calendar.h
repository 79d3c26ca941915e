#pragma once

#include <optional>

#include "absl/time/time.h"
#include "renewal-reminder/schedule_policy.h"

namespace firstline::renewal {

// A daily window of the account's local time in which nobody calls; an end before the start
// spans midnight.
struct QuietWindow {
  int start_minute = 0;
  int end_minute = 0;
  bool Contains(int minute_of_day) const;
};

struct ContactRules {
  absl::TimeZone zone = absl::UTCTimeZone();
  std::optional<QuietWindow> quiet;
};

// When a task for an account may fall due, in the account's own time zone.
class ContactCalendar {
 public:
  explicit ContactCalendar(const SchedulePolicy& policy) : policy_(policy) {}

  // The first moment at or after `t` on a weekday that is no holiday, inside the working day
  // and outside the quiet hours: renewals, care calls, inspections, follow-ups.
  absl::Time NextWorkingSlot(absl::Time t, const ContactRules& rules) const {
    return Next(t, rules, true);
  }
  // The same on any day (a holiday greeting falls on the holiday itself).
  absl::Time NextContactSlot(absl::Time t, const ContactRules& rules) const {
    return Next(t, rules, false);
  }

 private:
  absl::Time Next(absl::Time t, const ContactRules& rules, bool business) const;
  const SchedulePolicy& policy_;
};

}  // namespace firstline::renewal
