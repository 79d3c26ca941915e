#include "renewal-reminder/reminder_plan.h"

#include "absl/strings/str_cat.h"

namespace firstline::renewal {
namespace {

std::string OffsetName(int days) {
  return days < 0 ? absl::StrCat("T", days) : absl::StrCat("T+", days);
}

absl::Time LocalStart(absl::CivilDay day, int minute, const ContactRules& rules) {
  return absl::FromCivil(absl::CivilMinute(day) + minute, rules.zone);
}

}  // namespace

PlannedReminder ReminderPlanner::Make(const AccountView& account, std::string id,
                                      v1::ReminderKind kind, std::string title, absl::Time due,
                                      OwnerRole role) const {
  PlannedReminder r;
  r.id = std::move(id);
  r.account_id = account.account_id;
  r.kind = kind;
  r.internal_only = account.do_not_contact;
  r.title = account.do_not_contact ? title + " (internal: do not contact)" : std::move(title);
  r.due = due;
  r.role = role;
  return r;
}

std::vector<PlannedReminder> ReminderPlanner::Renewals(const ContractView& contract,
                                                       const AccountView& account,
                                                       absl::Time now) const {
  std::vector<PlannedReminder> out;
  if (contract.status == v1::CONTRACT_STATUS_CANCELLED) return out;
  const absl::CivilDay end = absl::ToCivilDay(contract.service_end, account.rules.zone);
  for (int offset : policy_.renewal_offset_days) {
    const absl::Time due = calendar_.NextWorkingSlot(
        LocalStart(end + offset, policy_.workday_start_minute, account.rules), account.rules);
    if (due < now) continue;
    PlannedReminder r = Make(account,
                             absl::StrCat("renewal:", contract.contract_id, ":",
                                          absl::FormatCivilTime(end), ":", OffsetName(offset)),
                             v1::REMINDER_KIND_RENEWAL,
                             absl::StrCat("renewal ", OffsetName(offset)), due, OwnerRole::kSales);
    r.contract_id = contract.contract_id;
    out.push_back(std::move(r));
  }
  return out;
}

void ReminderPlanner::AddPeriodic(const AccountView& account, v1::ReminderKind kind,
                                  const char* name, int every_days, absl::Time from,
                                  absl::Time until, OwnerRole role,
                                  std::vector<PlannedReminder>& out) const {
  // Periods count from the epoch in the account's days, so they stay put whatever `from` is.
  const absl::CivilDay epoch(1970, 1, 1);
  const int64_t first = (absl::ToCivilDay(from, account.rules.zone) - epoch) / every_days;
  for (int64_t period = first;; ++period) {
    const absl::CivilDay day = epoch + period * every_days;
    const absl::Time due = calendar_.NextWorkingSlot(
        LocalStart(day, policy_.workday_start_minute, account.rules), account.rules);
    if (due >= until) break;
    if (due < from) continue;
    out.push_back(Make(account,
                       absl::StrCat(name, ":", account.account_id, ":", every_days, "d:", period),
                       kind, absl::StrCat(name, " (every ", every_days, " days)"), due, role));
  }
}

std::vector<PlannedReminder> ReminderPlanner::Cadence(const AccountView& account, absl::Time from,
                                                      absl::Time until) const {
  std::vector<PlannedReminder> out;
  if (auto it = policy_.care_every_days.find(account.value_tier);
      it != policy_.care_every_days.end()) {
    AddPeriodic(account, v1::REMINDER_KIND_CARE_CALL, "care-call", it->second, from, until,
                OwnerRole::kSales, out);
  }
  if (auto it = policy_.inspection_every_days.find(account.value_tier);
      it != policy_.inspection_every_days.end()) {
    AddPeriodic(account, v1::REMINDER_KIND_INSPECTION, "inspection", it->second, from, until,
                OwnerRole::kService, out);
  }
  for (const Holiday& h : policy_.holidays) {
    if (!h.greeting) continue;
    // A greeting falls on the holiday itself; only the working day and quiet hours apply.
    const absl::Time due = calendar_.NextContactSlot(
        LocalStart(h.day, policy_.workday_start_minute, account.rules), account.rules);
    if (due < from || due >= until) continue;
    out.push_back(Make(
        account, absl::StrCat("greeting:", account.account_id, ":", absl::FormatCivilTime(h.day)),
        v1::REMINDER_KIND_HOLIDAY_GREETING, "greeting: " + h.name, due, OwnerRole::kSales));
  }
  return out;
}

PlannedReminder ReminderPlanner::FollowUp(const std::string& ticket_id, const AccountView& account,
                                          absl::Time resolved_at) const {
  return Make(account, absl::StrCat("follow-up:", ticket_id),
              v1::REMINDER_KIND_SATISFACTION_FOLLOW_UP,
              absl::StrCat("satisfaction call-back, ticket ", ticket_id),
              calendar_.NextWorkingSlot(resolved_at + policy_.follow_up_delay, account.rules),
              OwnerRole::kService);
}

}  // namespace firstline::renewal
