#include "renewal-reminder/reminder_book.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lua/contract_record.lua.h"
#include "lua/owner_set.lua.h"
#include "lua/reminder_change.lua.h"
#include "lua/reminders_fire.lua.h"
#include "lua/reminders_read.lua.h"
#include "lua/reminders_schedule.lua.h"
#include "platform/core/ids.h"
#include "platform/core/page_token.h"
#include "platform/kafka/topics.h"

namespace firstline::renewal {
namespace {

constexpr const char* kTag = "{rr}:";

std::string Key(const std::string& suffix) { return kTag + suffix; }
std::string EventIdBase() { return platform::NewRandomId().substr(0, 28); }

// A timer-set member joins a reminder's id, account and owner with NUL (reminder_prelude.lua).
absl::Status CheckNoNul(absl::string_view what, absl::string_view value) {
  if (!absl::StrContains(value, '\0')) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " holds a NUL character"));
}

}  // namespace

absl::Status ReminderBook::CheckStorable(const std::vector<PlannedReminder>& planned) {
  for (const auto& p : planned) {
    if (auto st = CheckNoNul("reminder id", p.id); !st.ok()) return st;
    if (auto st = CheckNoNul("reminder account", p.account_id); !st.ok()) return st;
  }
  return absl::OkStatus();
}

std::string ReminderDoc(const PlannedReminder& p) {
  v1::Reminder r;
  r.set_reminder_id(p.id);
  r.set_account_id(p.account_id);
  r.set_contract_id(p.contract_id);
  r.set_kind(p.kind);
  r.set_title(p.title);
  r.set_internal_only(p.internal_only);
  return r.SerializeAsString();
}

namespace {

absl::StatusOr<v1::Reminder> ParseReminder(const std::string& bytes, const std::string& id) {
  v1::Reminder r;
  if (!r.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("reminder ", id, " has an unreadable record"));
  }
  return r;
}

}  // namespace

ReminderBook::ReminderBook(platform::RedisClient& redis, const platform::Clock& clock,
                           std::string producer, absl::Duration finished_retention)
    : redis_(redis),
      clock_(clock),
      producer_(std::move(producer)),
      retention_ms_(
          std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(finished_retention)))),
      record_("contract_record", kContractRecordLua),
      fire_("reminders_fire", kRemindersFireLua),
      change_("reminder_change", kReminderChangeLua),
      schedule_("reminders_schedule", kRemindersScheduleLua),
      read_("reminders_read", kRemindersReadLua),
      owner_set_("owner_set", kOwnerSetLua) {}

absl::StatusOr<RecordOutcome> ReminderBook::RecordContract(
    const v1::Contract& contract, std::vector<platform::OutboxEvent> events,
    const std::vector<PlannedReminder>& planned, const std::string& trace_id,
    const std::string& reward_guard) {
  if (auto st = CheckStorable(planned); !st.ok()) return st;
  std::vector<std::string> args = {std::to_string(absl::ToUnixMillis(clock_.Now())),
                                   contract.contract_id(),
                                   contract.account_id(),
                                   std::to_string(contract.version()),
                                   contract.SerializeAsString(),
                                   EventIdBase(),
                                   producer_,
                                   trace_id,
                                   reward_guard,
                                   retention_ms_,
                                   std::to_string(events.size())};
  for (auto& e : events) {
    if (auto st = platform::AppendOutboxArgs(std::move(e), args); !st.ok()) return st;
  }
  args.push_back(std::to_string(planned.size()));
  for (const auto& p : planned) {
    args.insert(args.end(), {p.id, ReminderDoc(p), std::to_string(absl::ToUnixMillis(p.due)),
                             p.role == OwnerRole::kService ? "service" : "sales"});
  }
  auto r = redis_.Eval(record_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  RecordOutcome out;
  out.applied = r->elements.at(0).str == "applied";
  if (out.applied) {
    out.scheduled = static_cast<int>(r->elements.at(1).integer);
    out.superseded = static_cast<int>(r->elements.at(2).integer);
  }
  return out;
}

absl::StatusOr<int> ReminderBook::Schedule(const std::vector<PlannedReminder>& planned) {
  if (planned.empty()) return 0;
  if (auto st = CheckStorable(planned); !st.ok()) return st;
  std::vector<std::string> args = {std::to_string(planned.size())};
  for (const auto& p : planned) {
    args.insert(args.end(), {p.id, ReminderDoc(p), std::to_string(absl::ToUnixMillis(p.due)),
                             p.role == OwnerRole::kService ? "service" : "sales", p.account_id});
  }
  auto r = redis_.Eval(schedule_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer);
}

absl::StatusOr<std::vector<std::string>> ReminderBook::InspectionsToRaise(int limit) {
  auto r = redis_.Command({"LRANGE", Key("inspections"), "0", std::to_string(limit - 1)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& v : r->elements) ids.push_back(v.str);
  return ids;
}

absl::Status ReminderBook::InspectionRaised(const std::string& id, const std::string& ticket) {
  // Ticket first: a crash in between raises it again, which ticket-dispatch answers with the
  // same ticket (same idempotency key).
  auto r = redis_.Pipeline(
      {{"HSET", Key("r:" + id), "ticket", ticket}, {"LREM", Key("inspections"), "1", id}});
  return platform::FirstError(r);
}

absl::Status ReminderBook::NoteReferral(const std::string& account, const std::string& referrer) {
  return redis_.Command({"HSETNX", Key("referral:" + account), "referrer", referrer}).status();
}

absl::StatusOr<std::string> ReminderBook::Referrer(const std::string& account) {
  auto r = redis_.Command({"HGET", Key("referral:" + account), "referrer"});
  if (!r.ok()) return r.status();
  return r->is_nil() ? std::string() : r->str;
}

absl::StatusOr<std::optional<v1::Contract>> ReminderBook::Contract(const std::string& id) {
  auto r = redis_.Command({"HGET", Key("contract:" + id), "doc"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::Contract>();
  v1::Contract c;
  if (!c.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("contract ", id, " has an unreadable record"));
  }
  return std::optional<v1::Contract>(std::move(c));
}

absl::StatusOr<std::vector<v1::Contract>> ReminderBook::ContractsOf(const std::string& account) {
  auto ids = redis_.Command({"SMEMBERS", Key("contracts:" + account)});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) reads.push_back({"HGET", Key("contract:" + id.str), "doc"});
  auto docs = redis_.Pipeline(reads);
  if (!docs.ok()) return docs.status();
  std::vector<v1::Contract> out;
  for (auto& d : *docs) {
    if (!d.ok()) return d.status();
    v1::Contract c;
    if (!d->is_nil() && c.ParseFromString(d->str)) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const v1::Contract& a, const v1::Contract& b) {
    return a.contract_id() < b.contract_id();
  });
  return out;
}

absl::StatusOr<int> ReminderBook::FireDue(int limit, const std::string& trace_id) {
  // Event ids number the reminders of one call in 4 hex digits; and a call holds Redis.
  if (limit < 1 || limit > kMaxFireBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("fire batch: ", limit, " is outside 1..", kMaxFireBatch));
  }
  auto r = redis_.Eval(fire_, {OutboxKey()},
                       {std::to_string(absl::ToUnixMillis(clock_.Now())), std::to_string(limit),
                        EventIdBase(), producer_, trace_id});
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer);
}

absl::StatusOr<v1::Reminder> ReminderBook::Change(ReminderChange change, const std::string& id,
                                                  const std::string& caller,
                                                  bool caller_is_operator, const std::string& value,
                                                  const std::string& notes,
                                                  const std::string& trace_id) {
  const char* op = change == ReminderChange::kComplete ? "complete"
                   : change == ReminderChange::kSnooze ? "snooze"
                                                       : "reassign";
  if (change == ReminderChange::kReassign) {
    if (auto st = CheckNoNul("owner", value); !st.ok()) return st;
  }
  auto r = redis_.Eval(change_, {OutboxKey()},
                       {std::to_string(absl::ToUnixMillis(clock_.Now())), id, op, caller,
                        caller_is_operator ? "1" : "0", value, notes, EventIdBase(), producer_,
                        trace_id, retention_ms_});
  if (!r.ok()) return r.status();
  return ParseReminder(r->str, id);
}

absl::StatusOr<std::vector<v1::Reminder>> ReminderBook::Load(const std::vector<std::string>& ids) {
  // A script holds Redis while it runs: a long list is read a slice per call.
  constexpr size_t kSlice = 1000;
  std::vector<v1::Reminder> out;
  for (size_t from = 0; from < ids.size(); from += kSlice) {
    const std::vector<std::string> slice(
        ids.begin() + static_cast<std::ptrdiff_t>(from),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), from + kSlice)));
    auto replies = redis_.Eval(read_, {OutboxKey()}, slice);
    if (!replies.ok()) return replies.status();
    if (replies->elements.size() != slice.size()) {
      return absl::InternalError("reminders read: one reply per id expected");
    }
    for (size_t i = 0; i < slice.size(); ++i) {
      const auto& bytes = replies->elements[i].str;
      if (bytes.empty()) continue;  // gone between the index read and this one
      auto r = ParseReminder(bytes, slice[i]);
      if (!r.ok()) return r.status();
      out.push_back(std::move(*r));
    }
  }
  return out;
}

absl::StatusOr<v1::Reminder> ReminderBook::Get(const std::string& id) {
  auto r = Load({id});
  if (!r.ok()) return r.status();
  if (r->empty()) return absl::NotFoundError(absl::StrCat("reminder ", id, " does not exist"));
  return std::move(r->front());
}

absl::StatusOr<std::vector<std::string>> ReminderBook::TaskRange(const std::string& owner,
                                                                 int64_t start, int64_t stop) {
  auto ids = redis_.Command(
      {"ZRANGE", Key("tasks:" + owner), std::to_string(start), std::to_string(stop)});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> list;
  list.reserve(ids->elements.size());
  for (auto& v : ids->elements) list.push_back(std::move(v.str));
  return list;
}

absl::StatusOr<std::vector<std::string>> ReminderBook::TaskIds(const std::string& owner,
                                                               size_t newest) {
  if (newest == 0) return std::vector<std::string>();
  // Counted from the end; Redis clamps a start before the first.
  const auto n = static_cast<int64_t>(std::min<size_t>(newest, platform::kMaxPageOffset));
  return TaskRange(owner, -n, -1);
}

absl::StatusOr<std::vector<v1::Reminder>> ReminderBook::Tasks(const std::string& owner,
                                                              size_t offset, size_t count) {
  constexpr auto kMax = static_cast<size_t>(platform::kMaxPageOffset);
  if (count == 0) return std::vector<v1::Reminder>();
  if (offset > kMax) return absl::InvalidArgumentError("task offset out of range");
  const int64_t stop = count > kMax ? -1 : static_cast<int64_t>(offset + count - 1);
  auto ids = TaskRange(owner, static_cast<int64_t>(offset), stop);
  if (!ids.ok()) return ids.status();
  return Load(*ids);
}

absl::StatusOr<std::vector<v1::Reminder>> ReminderBook::Upcoming(const std::string& account) {
  auto ids = redis_.Command({"ZRANGE", Key("upcoming:" + account), "0", "-1"});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> list;
  for (const auto& v : ids->elements) list.push_back(v.str);
  return Load(list);
}

absl::StatusOr<int64_t> ReminderBook::SavePolicy(const v1::SchedulePolicy& policy) {
  v1::SchedulePolicy doc = policy;
  doc.clear_version();
  auto r = redis_.Pipeline({{"MULTI"},
                            {"HINCRBY", Key("policy"), "version", "1"},
                            {"HSET", Key("policy"), "doc", doc.SerializeAsString()},
                            {"EXEC"}});
  if (auto st = platform::FirstError(r); !st.ok()) return st;
  const auto& exec = *r->back();
  if (exec.elements.size() != 2) return absl::InternalError("policy save: no transaction result");
  return exec.elements[0].integer;
}

absl::StatusOr<std::optional<v1::SchedulePolicy>> ReminderBook::LoadPolicy() {
  auto r = redis_.Command({"HMGET", Key("policy"), "version", "doc"});
  if (!r.ok()) return r.status();
  if (r->elements.at(1).is_nil()) return std::optional<v1::SchedulePolicy>();
  v1::SchedulePolicy p;
  int64_t version = 0;
  if (!p.ParseFromString(r->elements[1].str) || !absl::SimpleAtoi(r->elements[0].str, &version)) {
    return absl::DataLossError("the stored schedule policy is unreadable");
  }
  p.set_version(version);
  return std::optional<v1::SchedulePolicy>(std::move(p));
}

absl::Status ReminderBook::SetProfile(const v1::AccountProfile& profile) {
  auto r = redis_.Pipeline(
      {{"HSET", Key("acct:" + profile.account_id()), "profile", profile.SerializeAsString()},
       {"SADD", Key("profiled"), profile.account_id()}});
  return platform::FirstError(r);
}

absl::StatusOr<std::pair<std::string, std::vector<std::string>>> ReminderBook::ProfiledAccounts(
    const std::string& cursor, int count) {
  auto r = redis_.Command({"SSCAN", Key("profiled"), cursor, "COUNT", std::to_string(count)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& v : r->elements.at(1).elements) ids.push_back(v.str);
  return std::make_pair(r->elements.at(0).str, std::move(ids));
}

absl::StatusOr<std::optional<v1::AccountProfile>> ReminderBook::Profile(
    const std::string& account) {
  auto r = redis_.Command({"HGET", Key("acct:" + account), "profile"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::AccountProfile>();
  v1::AccountProfile p;
  if (!p.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("account ", account, " has an unreadable profile"));
  }
  return std::optional<v1::AccountProfile>(std::move(p));
}

absl::Status ReminderBook::SetOwner(const std::string& account, const std::string& role,
                                    const std::string& owner) {
  if (auto st = CheckNoNul("owner", owner); !st.ok()) return st;
  return redis_.Eval(owner_set_, {OutboxKey()}, {account, role, owner}).status();
}

absl::StatusOr<std::string> ReminderBook::Owner(const std::string& account,
                                                const std::string& role) {
  auto r = redis_.Command({"HGET", Key("owners:" + role), account});
  if (!r.ok()) return r.status();
  return r->is_nil() ? std::string() : r->str;
}

}  // namespace firstline::renewal
