#include "renewal-reminder/health_book.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lua/health_record.lua.h"
#include "platform/core/ids.h"
#include "renewal-reminder/reminder_book.h"

namespace firstline::renewal {
namespace {

const char* SignalName(HealthSignal s) {
  switch (s) {
    case HealthSignal::kTicket:
      return "tickets";
    case HealthSignal::kBreach:
      return "breaches";
    case HealthSignal::kSatisfaction:
      return "satisfaction";
    case HealthSignal::kCareCall:
      return "care";
    case HealthSignal::kDeclined:
      return "declined";
    default:
      return "unanswered";
  }
}

std::string SignalKey(const std::string& account, HealthSignal s) {
  return absl::StrCat("{rr}:h:", SignalName(s), ":", account);
}

}  // namespace

HealthBook::HealthBook(platform::RedisClient& redis, const platform::Clock& clock,
                       std::string producer)
    : redis_(redis),
      clock_(clock),
      producer_(std::move(producer)),
      record_("health_record", kHealthRecordLua) {}

absl::Status HealthBook::Note(const std::string& account, HealthSignal signal,
                              const std::string& member, absl::Time when, int score) {
  const std::string m =
      signal == HealthSignal::kSatisfaction ? absl::StrCat(member, "|", score) : member;
  const std::string key = SignalKey(account, signal);
  // Trimmed after the add, so a redelivered event older than that is dropped again at once.
  auto r = redis_.Pipeline({{"ZADD", key, std::to_string(absl::ToUnixMillis(when)), m},
                            {"ZREMRANGEBYSCORE", key, "-inf",
                             absl::StrCat("(", absl::ToUnixMillis(clock_.Now() - kSignalsKept))}});
  return platform::FirstError(r);
}

absl::StatusOr<HealthInputs> HealthBook::Inputs(const std::string& account, absl::Duration window) {
  const std::string from = std::to_string(absl::ToUnixMillis(clock_.Now() - window));
  std::vector<std::vector<std::string>> reads;
  for (auto s : {HealthSignal::kTicket, HealthSignal::kBreach, HealthSignal::kCareCall,
                 HealthSignal::kDeclined, HealthSignal::kUnanswered}) {
    reads.push_back({"ZCOUNT", SignalKey(account, s), from, "+inf"});
  }
  reads.push_back({"ZRANGEBYSCORE", SignalKey(account, HealthSignal::kSatisfaction), from, "+inf"});
  auto r = redis_.Pipeline(reads);
  if (auto st = platform::FirstError(r); !st.ok()) return st;
  HealthInputs in;
  in.tickets = static_cast<int>((*r)[0]->integer);
  in.sla_breaches = static_cast<int>((*r)[1]->integer);
  in.care_calls_done = static_cast<int>((*r)[2]->integer);
  in.renewals_declined = static_cast<int>((*r)[3]->integer);
  in.reminders_unanswered = static_cast<int>((*r)[4]->integer);
  double sum = 0;
  int n = 0;
  for (const auto& m : (*r)[5]->elements) {
    int score = 0;
    if (absl::SimpleAtoi(m.str.substr(m.str.rfind('|') + 1), &score)) {
      sum += score;
      ++n;
    }
  }
  in.satisfaction_average = n > 0 ? sum / n : 0;
  return in;
}

absl::StatusOr<v1::HealthBand> HealthBook::Record(const v1::AccountHealth& health,
                                                  const PlannedReminder& task,
                                                  const std::string& trace_id) {
  PlannedReminder stored = task;  // scheduled under the health's account
  stored.account_id = health.account_id();
  if (auto st = ReminderBook::CheckStorable({stored}); !st.ok()) return st;
  auto r = redis_.Eval(
      record_, {ReminderBook::OutboxKey()},
      {std::to_string(absl::ToUnixMillis(clock_.Now())), health.account_id(),
       std::to_string(health.score()), std::to_string(static_cast<int>(health.band())),
       health.SerializeAsString(), platform::NewRandomId().substr(0, 28), producer_, trace_id,
       task.id, ReminderDoc(task), std::to_string(absl::ToUnixMillis(task.due))});
  if (!r.ok()) return r.status();
  return static_cast<v1::HealthBand>(r->integer);
}

absl::StatusOr<std::optional<v1::AccountHealth>> HealthBook::Stored(const std::string& account) {
  auto r = redis_.Command({"HGET", absl::StrCat("{rr}:health:", account), "doc"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::AccountHealth>();
  v1::AccountHealth h;
  if (!h.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("health of ", account, " is unreadable"));
  }
  return std::optional<v1::AccountHealth>(std::move(h));
}

absl::StatusOr<std::vector<v1::AccountHealth>> HealthBook::AtRisk(size_t offset, size_t limit) {
  auto ids = redis_.Command(
      {"ZRANGE", "{rr}:at-risk", std::to_string(offset), std::to_string(offset + limit - 1)});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) {
    reads.push_back({"HGET", absl::StrCat("{rr}:health:", id.str), "doc"});
  }
  auto docs = redis_.Pipeline(reads);
  if (!docs.ok()) return docs.status();
  std::vector<v1::AccountHealth> out;
  for (auto& d : *docs) {
    if (!d.ok()) return d.status();
    v1::AccountHealth h;
    if (!d->is_nil() && h.ParseFromString(d->str)) out.push_back(std::move(h));
  }
  return out;
}

}  // namespace firstline::renewal
