#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "firstline/v1/renewals.pb.h"

namespace firstline::renewal {

struct Holiday {
  absl::CivilDay day;
  std::string name;
  bool greeting = false;  // a greeting reminder is due on it
};

// When reminders fall due. Operators replace it (SetSchedulePolicy or a YAML file); every
// change bumps the version.
struct SchedulePolicy {
  int64_t version = 0;
  std::vector<int> renewal_offset_days;          // around the end of the service period
  std::map<v1::ValueTier, int> care_every_days;  // tiers without an entry get no care calls
  std::map<v1::ValueTier, int> inspection_every_days;
  std::vector<Holiday> holidays;  // sorted by day
  absl::Duration follow_up_delay = absl::Hours(24);
  int workday_start_minute = 9 * 60;  // local time of the account
  int workday_end_minute = 18 * 60;
  int referral_extension_days = 30;  // a referrer's reward when its referral signs

  // T-90, T-60, T-30, T-7, T-0, T+7, T+30; monthly care calls for VIP, KOL, benchmark and key
  // accounts; quarterly inspections for VIP; the 2026-2027 Chinese public holidays.
  static SchedulePolicy Default();
  const Holiday* HolidayOn(absl::CivilDay day) const;
};

// INVALID_ARGUMENT naming every bad field (offsets out of -365..365 or repeated, cadences
// outside 1..366 days, bad or repeated dates, a working day that ends before it starts).
absl::StatusOr<SchedulePolicy> SchedulePolicyFromProto(const v1::SchedulePolicy& proto);
v1::SchedulePolicy SchedulePolicyToProto(const SchedulePolicy& policy);

// The same from YAML (deploy/policies/reminders.yaml); errors name the line.
absl::StatusOr<SchedulePolicy> ParseSchedulePolicyYaml(const std::string& text);

}  // namespace firstline::renewal
