// The `reminders` scenario: contracts recorded through renewal-reminder's domain (plan and one
// script each), Redis memory per pending reminder, then every reminder due at once and fired
// (claimed, turned into a task and an event in the outbox) as fast as the scripts go.
#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/load.h"
#include "platform/core/proto_time.h"
#include "renewal-reminder/renewal_desk.h"

namespace firstline::bench {
namespace {

namespace fp = firstline::platform;
namespace fr = firstline::renewal;

// A number from an INFO section, e.g. ("memory", "used_memory").
absl::StatusOr<int64_t> InfoField(fp::RedisClient& client, const std::string& section,
                                  absl::string_view field) {
  auto info = client.Command({"INFO", section});
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    int64_t value = 0;
    if (absl::ConsumePrefix(&line, field) && absl::ConsumePrefix(&line, ":") &&
        absl::SimpleAtoi(line, &value)) {
      return value;
    }
  }
  return absl::InternalError(absl::StrCat("INFO ", section, " has no ", field));
}

absl::StatusOr<int64_t> UsedMemory(fp::RedisClient& client) {
  return InfoField(client, "memory", "used_memory");
}

// Scheduling a million contracts grows the AOF past Redis's automatic-rewrite threshold, so
// a rewrite (a fork of the whole dataset, then copy-on-write faults on every page a command
// touches) would otherwise overlap the firing run in some runs and not others. The rewrite
// is done here, before firing, and timed: firing is measured in the steady state it leaves.
absl::StatusOr<double> RewriteAof(fp::RedisClient& client) {
  auto enabled = InfoField(client, "persistence", "aof_enabled");
  if (!enabled.ok()) return enabled.status();
  if (*enabled == 0) return 0.0;
  const absl::Time t0 = absl::Now();
  auto started = client.Command({"BGREWRITEAOF"});
  if (!started.ok() && !absl::StrContains(started.status().message(), "already in progress")) {
    return started.status();
  }
  for (;;) {
    auto running = InfoField(client, "persistence", "aof_rewrite_in_progress");
    if (!running.ok()) return running.status();
    auto scheduled = InfoField(client, "persistence", "aof_rewrite_scheduled");
    if (!scheduled.ok()) return scheduled.status();
    if (*running == 0 && *scheduled == 0) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return absl::ToDoubleSeconds(absl::Now() - t0);
}

struct FiringRun {
  int64_t fired = 0;
  double per_second = 0;
};

// Two callers fire due reminders, 1,000 a call, until `length` is over or nothing is due.
absl::StatusOr<FiringRun> FireFor(firstline::renewal::ReminderBook& book, absl::Duration length) {
  std::atomic<int64_t> fired{0};
  const absl::Time f0 = absl::Now();
  const absl::Time stop = f0 + length;
  auto st = ParallelFor(0, 2, 2, [&](int64_t) -> absl::Status {
    while (absl::Now() < stop) {
      auto n = book.FireDue(1000, "");
      if (!n.ok()) return n.status();
      fired += *n;
      if (*n == 0) break;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  FiringRun run;
  run.fired = fired.load();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - f0);
  run.per_second = seconds > 0 ? static_cast<double>(run.fired) / seconds : 0;
  return run;
}

}  // namespace

absl::StatusOr<ReminderFigures> ReminderLoad(int redis_port, int64_t contracts, int threads,
                                             absl::Duration warm_up, absl::Duration fire_for) {
  fp::RedisConfig redis;
  redis.port = redis_port;
  redis.pool_size = threads + 2;
  fp::RedisClient client(redis);
  const absl::Time start = absl::FromUnixSeconds(1'795'392'000);  // 2026-11-23
  fp::FakeClock clock(start);
  fr::ReminderBook book(client, clock);
  fr::HealthBook health(client, clock);
  fr::RenewalDesk desk(book, health, clock, fr::SchedulePolicy::Default());
  if (auto st = client.Command({"DEL", "{rr}:due", fr::ReminderBook::OutboxKey()}); !st.ok()) {
    return st.status();
  }
  auto before = UsedMemory(client);
  if (!before.ok()) return before.status();

  ReminderFigures f;
  f.contracts = contracts;
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const absl::Time t0 = absl::Now();
  auto st = ParallelFor(0, contracts, threads, [&](int64_t i) -> absl::Status {
    firstline::v1::Contract c;
    c.set_contract_id(absl::StrCat("bench-", run, "-", i));
    c.set_account_id(absl::StrCat("bench-acct-", run, "-", i));
    c.add_product_lines("erp");
    // Terms end over the coming year, so every offset of every contract is still ahead.
    const absl::Time end = start + absl::Hours(24 * (100 + i % 365));
    *c.mutable_service_start() = platform::ToProtoTime(end - absl::Hours(24 * 365));
    *c.mutable_service_end() = platform::ToProtoTime(end);
    c.set_status(firstline::v1::CONTRACT_STATUS_ACTIVE);
    c.set_version(1);
    auto r = desk.RecordContract(c, "");
    return r.status();
  });
  if (!st.ok()) return st;
  f.contracts_per_second = static_cast<double>(contracts) / absl::ToDoubleSeconds(absl::Now() - t0);
  // The contract events wait in the outbox (no relay here): not reminder state.
  if (auto d = client.Command({"DEL", fr::ReminderBook::OutboxKey()}); !d.ok()) return d.status();
  auto after = UsedMemory(client);
  if (!after.ok()) return after.status();
  auto pending = client.Command({"ZCARD", "{rr}:due"});
  if (!pending.ok()) return pending.status();
  f.reminders = pending->integer;
  f.bytes_per_reminder =
      f.reminders > 0 ? static_cast<double>(*after - *before) / static_cast<double>(f.reminders)
                      : 0;
  auto rewrite = RewriteAof(client);
  if (!rewrite.ok()) return rewrite.status();
  f.aof_rewrite_seconds = *rewrite;

  clock.Set(start + absl::Hours(24 * 500));  // past every reminder
  // The first seconds after loading and the rewrite run two to three times slower (the
  // fork's copy-on-write faults, cold pages of a freshly written dataset). A sweep that runs
  // all day lives in the steady state after them, so they are fired and reported apart.
  auto warm = FireFor(book, warm_up);
  if (!warm.ok()) return warm.status();
  f.warmup_fired = warm->fired;
  f.warmup_fired_per_second = warm->per_second;
  auto steady = FireFor(book, fire_for);
  if (!steady.ok()) return steady.status();
  f.fired = steady->fired;
  f.fired_per_second = steady->per_second;
  return f;
}

}  // namespace firstline::bench
