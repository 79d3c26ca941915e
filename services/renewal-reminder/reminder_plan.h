#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "firstline/v1/renewals.pb.h"
#include "renewal-reminder/contact_calendar.h"
#include "renewal-reminder/schedule_policy.h"

namespace firstline::renewal {

// Who a reminder is for: the account's sales owner (renewals, care calls, greetings) or its
// service owner (follow-ups, inspections).
enum class OwnerRole { kSales, kService };

struct ContractView {
  std::string contract_id;
  std::string account_id;
  absl::Time service_end;
  v1::ContractStatus status = v1::CONTRACT_STATUS_ACTIVE;
};

struct AccountView {
  std::string account_id;
  v1::ValueTier value_tier = v1::VALUE_TIER_STANDARD;
  ContactRules rules;
  bool do_not_contact = false;
  v1::RelationshipType relationship = v1::RELATIONSHIP_TYPE_UNSPECIFIED;  // weighs into health
};

// A reminder as the schedule wants it. The id is stable (contract, term end and offset, or
// kind and period), so planning twice gives the same ids and scheduling is idempotent.
struct PlannedReminder {
  std::string id;
  std::string account_id;
  std::string contract_id;
  v1::ReminderKind kind = v1::REMINDER_KIND_UNSPECIFIED;
  std::string title;
  absl::Time due;
  bool internal_only = false;
  OwnerRole role = OwnerRole::kSales;
};

// Turns contracts and account profiles into reminders, pure (no clock of its own, no I/O).
class ReminderPlanner {
 public:
  explicit ReminderPlanner(const SchedulePolicy& policy) : policy_(policy), calendar_(policy) {}

  // One reminder per renewal offset around the end of the service period, each moved to a
  // working slot of the account; none for a cancelled contract, none already past at `now`.
  std::vector<PlannedReminder> Renewals(const ContractView& contract, const AccountView& account,
                                        absl::Time now) const;
  // Care calls and inspections (by the account's value tier) and holiday greetings falling
  // due in [from, until).
  std::vector<PlannedReminder> Cadence(const AccountView& account, absl::Time from,
                                       absl::Time until) const;
  // The satisfaction call-back of a resolved ticket.
  PlannedReminder FollowUp(const std::string& ticket_id, const AccountView& account,
                           absl::Time resolved_at) const;

 private:
  PlannedReminder Make(const AccountView& account, std::string id, v1::ReminderKind kind,
                       std::string title, absl::Time due, OwnerRole role) const;
  void AddPeriodic(const AccountView& account, v1::ReminderKind kind, const char* name,
                   int every_days, absl::Time from, absl::Time until, OwnerRole role,
                   std::vector<PlannedReminder>& out) const;

  const SchedulePolicy& policy_;
  ContactCalendar calendar_;
};

}  // namespace firstline::renewal
