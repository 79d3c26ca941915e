#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/renewals.pb.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "renewal-reminder/health_book.h"
#include "renewal-reminder/inspection_tickets.h"
#include "renewal-reminder/reminder_book.h"
#include "renewal-reminder/schedule_policy.h"

namespace firstline::renewal {

// The terms a contract event carries.
v1::ContractTerms ContractTermsOf(const v1::Contract& contract);

struct RenewalDeskConfig {
  int fire_batch = 1000;  // reminders claimed per script call
};

// The renewal-reminder domain: validates, plans and records; knows nothing of gRPC.
class RenewalDesk {
 public:
  RenewalDesk(ReminderBook& book, HealthBook& health, const platform::Clock& clock,
              SchedulePolicy policy, RenewalDeskConfig config = {});

  // INVALID_ARGUMENT naming every bad field; FAILED_PRECONDITION for an older version.
  absl::StatusOr<v1::RecordContractResponse> RecordContract(const v1::Contract& contract,
                                                            const std::string& trace_id);
  // INVALID_ARGUMENT for an unknown time zone or a bad quiet-hours range.
  absl::StatusOr<v1::AccountProfile> SetProfile(const v1::AccountProfile& profile);
  // NOT_FOUND for an account with neither profile, contract nor owner.
  absl::StatusOr<v1::GetAccountResponse> GetAccount(const std::string& account_id);
  // OK when the account has a profile, a contract or an owner; NOT_FOUND otherwise.
  absl::Status CheckKnown(const std::string& account_id);

  // Puts the next slice of profiled accounts' care calls, inspections and greetings of the
  // coming `horizon` on the timer (idempotent); a pass over every account then rests for
  // `rest`. Returns how many reminders were new.
  absl::StatusOr<int> PlanCadenceSlice(int accounts, absl::Duration horizon, absl::Duration rest);

  // Raises the tickets of due inspections (up to `limit`); a failing call stops the round and
  // is retried at the next one. Returns how many were raised.
  absl::StatusOr<int> RaiseInspections(InspectionTickets& tickets, int limit);

  // Fires every reminder due by now (in batches); returns how many.
  absl::StatusOr<int> FireDue(const std::string& trace_id);

  absl::StatusOr<v1::Reminder> Complete(const platform::Principal& caller,
                                        const std::string& reminder_id, v1::ReminderOutcome outcome,
                                        const std::string& notes, const std::string& trace_id);
  absl::StatusOr<v1::Reminder> Snooze(const platform::Principal& caller,
                                      const std::string& reminder_id, absl::Time until,
                                      const std::string& trace_id);
  absl::StatusOr<v1::Reminder> Reassign(const platform::Principal& caller,
                                        const std::string& reminder_id, const std::string& owner_id,
                                        const std::string& trace_id);

  // Applies one consumed event: owners from AccountOwnerChanged, referrals from LeadReceived,
  // follow-ups from TicketResolved, health signals from ticket events. Idempotent.
  absl::Status ApplyEvent(const v1::Envelope& event);
  // Recomputes and records an account's health (band changes and turning red emit events).
  absl::StatusOr<v1::AccountHealth> RecomputeHealth(const std::string& account_id,
                                                    const std::string& trace_id);
  absl::StatusOr<std::vector<v1::AccountHealth>> AtRisk(size_t offset, size_t limit) {
    return health_.AtRisk(offset, limit);
  }

  std::shared_ptr<const SchedulePolicy> policy() const;
  // Validates, stores (every instance adopts it) and applies a new schedule policy.
  absl::StatusOr<v1::SchedulePolicy> ReplacePolicy(const v1::SchedulePolicy& proposed);
  // Adopts the stored policy when another instance replaced it (or stores this one's when none
  // is stored yet).
  absl::Status SyncPolicy();

 private:
  absl::StatusOr<AccountView> ViewOf(const std::string& account_id);
  // Extends the referrer's latest service period when a referred account signs (once).
  absl::Status RewardReferral(const std::string& referrer, const v1::Contract& signed_contract,
                              const std::string& trace_id);

  ReminderBook& book_;
  HealthBook& health_;
  const platform::Clock& clock_;
  RenewalDeskConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<const SchedulePolicy> policy_;
  std::string cadence_cursor_ = "0";  // guarded by mu_
  absl::Time cadence_resume_;         // guarded by mu_; after a full pass
};

}  // namespace firstline::renewal
