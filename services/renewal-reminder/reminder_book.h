#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/renewals.pb.h"
#include "platform/core/clock.h"
#include "platform/outbox/outbox_event.h"
#include "platform/redis/redis_client.h"
#include "renewal-reminder/reminder_plan.h"

namespace firstline::renewal {

struct RecordOutcome {
  bool applied = false;  // false: this version was already recorded
  int scheduled = 0;
  int superseded = 0;
};

enum class ReminderChange { kComplete, kSnooze, kReassign };

// Contracts, account profiles and owners, and reminders in Redis (hash tag "{rr}"). Every
// change and its events are one Lua script; due reminders are claimed from a sorted set by
// one script, so several instances and restarts never lose or repeat a delivery.
//
// A done or superseded reminder is kept `finished_retention` (Redis TTL), then forgotten, so
// the keyspace does not grow with every year of every contract. The stable id must outlive
// whatever could plan it again. Renewal and cadence planning skip a time that has passed, and
// a done reminder's time had passed before it was done; follow-ups and at-risk tasks come from
// events, which only a redelivery older than the retention could repeat (Kafka keeps days;
// the default is 400 days). A superseded one was never delivered: planned again after it is
// forgotten, it is scheduled anew, as it should be.
class ReminderBook {
 public:
  static constexpr absl::Duration kDefaultRetention = absl::Hours(24 * 400);

  ReminderBook(platform::RedisClient& redis, const platform::Clock& clock,
               std::string producer = "renewal-reminder",
               absl::Duration finished_retention = kDefaultRetention);

  static std::string OutboxKey() { return "{rr}:outbox"; }
  static std::string FeedChannel() { return "{rr}:feed"; }
  static constexpr const char* kOperatorsQueue = "-ops";

  // Records a contract version with its events and reschedules its reminders to `planned`;
  // FAILED_PRECONDITION for a version older than the recorded one. With `reward_guard` (a
  // referred account) the change happens only if that referral was not rewarded yet.
  absl::StatusOr<RecordOutcome> RecordContract(const v1::Contract& contract,
                                               std::vector<platform::OutboxEvent> events,
                                               const std::vector<PlannedReminder>& planned,
                                               const std::string& trace_id,
                                               const std::string& reward_guard = "");
  // INVALID_ARGUMENT when an id or account holds NUL, which separates a timer member's parts
  // (reminder_prelude.lua); every path that schedules checks before writing.
  static absl::Status CheckStorable(const std::vector<PlannedReminder>& planned);
  // Schedules reminders of no contract; ids already known are left alone. Returns how many
  // were new.
  absl::StatusOr<int> Schedule(const std::vector<PlannedReminder>& planned);

  // Due inspections waiting for their ticket (oldest first), and marking one raised.
  absl::StatusOr<std::vector<std::string>> InspectionsToRaise(int limit);
  absl::Status InspectionRaised(const std::string& reminder_id, const std::string& ticket_id);

  // Referrals: who referred an account (first one wins), and whether it was rewarded.
  absl::Status NoteReferral(const std::string& account_id, const std::string& referrer_id);
  absl::StatusOr<std::string> Referrer(const std::string& account_id);
  absl::StatusOr<std::optional<v1::Contract>> Contract(const std::string& contract_id);
  absl::StatusOr<std::vector<v1::Contract>> ContractsOf(const std::string& account_id);

  // Fires up to `limit` (1..kMaxFireBatch) reminders due by now; returns how many.
  static constexpr int kMaxFireBatch = 10'000;
  absl::StatusOr<int> FireDue(int limit, const std::string& trace_id);

  // `value`: the outcome number, the snooze deadline in unix ms, or the new owner.
  absl::StatusOr<v1::Reminder> Change(ReminderChange change, const std::string& reminder_id,
                                      const std::string& caller, bool caller_is_operator,
                                      const std::string& value, const std::string& notes,
                                      const std::string& trace_id);
  absl::StatusOr<v1::Reminder> Get(const std::string& reminder_id);
  // Due tasks of an owner (kOperatorsQueue: the operators'), soonest first: `count` of them
  // from position `offset` (the operators' queue can hold millions; a page reads only itself).
  absl::StatusOr<std::vector<v1::Reminder>> Tasks(const std::string& owner, size_t offset = 0,
                                                  size_t count = SIZE_MAX);
  // The ids of the `newest` latest due of them, in the same order: what a feed compares
  // before loading only what is new.
  absl::StatusOr<std::vector<std::string>> TaskIds(const std::string& owner, size_t newest);
  // Reminders of an account not yet done, soonest first.
  absl::StatusOr<std::vector<v1::Reminder>> Upcoming(const std::string& account_id);

  // The schedule policy shared by every instance: stored with a version bumped on each save.
  absl::StatusOr<int64_t> SavePolicy(const v1::SchedulePolicy& policy);
  absl::StatusOr<std::optional<v1::SchedulePolicy>> LoadPolicy();

  absl::Status SetProfile(const v1::AccountProfile& profile);
  // A slice of the accounts with a profile (SSCAN): the next cursor ("0" once round) and ids.
  absl::StatusOr<std::pair<std::string, std::vector<std::string>>> ProfiledAccounts(
      const std::string& cursor, int count);
  absl::StatusOr<std::optional<v1::AccountProfile>> Profile(const std::string& account_id);
  // role: "sales" or "service". The account's due tasks of that role that no one reassigned
  // move to the new owner.
  absl::Status SetOwner(const std::string& account_id, const std::string& role,
                        const std::string& owner_id);
  absl::StatusOr<std::string> Owner(const std::string& account_id, const std::string& role);

  // The reminders with these ids, in order, read by one script; ids that no longer exist are left
  // out.
  absl::StatusOr<std::vector<v1::Reminder>> Load(const std::vector<std::string>& ids);

 private:
  // Ids of an owner's task list from rank `start` to `stop` (ZRANGE: negative from the end).
  absl::StatusOr<std::vector<std::string>> TaskRange(const std::string& owner, int64_t start,
                                                     int64_t stop);

  platform::RedisClient& redis_;
  const platform::Clock& clock_;
  std::string producer_;
  std::string retention_ms_;  // of done and superseded reminders, for the scripts
  platform::RedisScript record_;
  platform::RedisScript fire_;
  platform::RedisScript change_;
  platform::RedisScript schedule_;
  platform::RedisScript read_;
  platform::RedisScript owner_set_;
};

// The reminder hash's stored doc: everything but the live fields the scripts append.
std::string ReminderDoc(const PlannedReminder& planned);

}  // namespace firstline::renewal
