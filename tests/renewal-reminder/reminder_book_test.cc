// Contracts and reminders against a real redis-server with a fake clock: the full schedule
// delivered, a renewal superseding stale reminders, restarts and replicas firing once.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "renewal-reminder/reminder_feed.h"
#include "renewal-reminder/renewal_fixture.h"

namespace firstline::renewal {
namespace {

using ReminderBookTest = RenewalFixture;

TEST_F(ReminderBookTest, FullScheduleIsDeliveredOnceEachInOrderToTheOwner) {
  auto recorded = desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "trace-1");
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_TRUE(recorded->applied());
  EXPECT_EQ(recorded->reminders_scheduled(), 7);
  ASSERT_EQ(Events("ContractSigned").size(), 1u);
  EXPECT_EQ(Events("ContractSigned")[0].contract_signed().terms().version(), 1);
  ASSERT_EQ(*desk_.FireDue("t"), 0);  // nothing due yet

  clock_.Set(At("2027-03-12T01:00:00Z"));  // T-90, 09:00 Shanghai
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  auto tasks = book_.Tasks("rep-1");  // the closing rep became the sales owner
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().reminder_id(), "renewal:c-1:2027-06-10:T-90");
  EXPECT_EQ(tasks->front().state(), v1::REMINDER_STATE_DUE);
  EXPECT_EQ(tasks->front().owner_id(), "rep-1");
  auto due_event = Events("ReminderDue");
  ASSERT_EQ(due_event.size(), 1u);
  // The event's reminder is whole: fixed parts stored with the timer, owner and state added
  // when it fired.
  const auto& fired_reminder = due_event[0].reminder_due().reminder();
  EXPECT_EQ(fired_reminder.reminder_id(), "renewal:c-1:2027-06-10:T-90");
  EXPECT_EQ(fired_reminder.contract_id(), "c-1");
  EXPECT_EQ(fired_reminder.kind(), v1::REMINDER_KIND_RENEWAL);
  EXPECT_EQ(fired_reminder.state(), v1::REMINDER_STATE_DUE);
  EXPECT_EQ(fired_reminder.owner_id(), "rep-1");
  EXPECT_EQ(due_event[0].reminder_due().reminder().due_at().seconds(),
            absl::ToUnixSeconds(At("2027-03-12T01:00:00Z")));
  EXPECT_EQ(due_event[0].partition_key(), "acct-1");

  clock_.Set(At("2027-08-01T00:00:00Z"));  // past T+30
  ASSERT_EQ(*desk_.FireDue("t"), 6);
  ASSERT_EQ(*desk_.FireDue("t"), 0);
  EXPECT_EQ(Delivered(),
            (std::vector<std::string>{"renewal:c-1:2027-06-10:T-90", "renewal:c-1:2027-06-10:T-60",
                                      "renewal:c-1:2027-06-10:T-30", "renewal:c-1:2027-06-10:T-7",
                                      "renewal:c-1:2027-06-10:T+0", "renewal:c-1:2027-06-10:T+7",
                                      "renewal:c-1:2027-06-10:T+30"}));

  auto done = desk_.Complete(rep_, "renewal:c-1:2027-06-10:T-90", v1::REMINDER_OUTCOME_WILL_RENEW,
                             "asked for a quote", "t");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), v1::REMINDER_STATE_DONE);
  EXPECT_EQ(done->outcome(), v1::REMINDER_OUTCOME_WILL_RENEW);
  EXPECT_EQ(book_.Tasks("rep-1")->size(), 6u);
  EXPECT_EQ(Events("ReminderCompleted").size(), 1u);
  auto again =
      desk_.Complete(rep_, "renewal:c-1:2027-06-10:T-90", v1::REMINDER_OUTCOME_DONE, "", "t");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  platform::Principal other{"rep-2", platform::PrincipalKind::kRep, "vendor"};
  EXPECT_EQ(desk_.Complete(other, "renewal:c-1:2027-06-10:T-60", v1::REMINDER_OUTCOME_DONE, "", "t")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReminderBookTest, RenewalThatMovesTheDatesSupersedesTheOldRemindersNeverDelivered) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  clock_.Set(At("2027-03-12T02:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);  // T-90 of the old term is already a task
  // Renewed early for another year: the old term's remaining reminders go, the new ones come.
  auto renewed =
      desk_.RecordContract(Contract(2, "2028-06-10T04:00:00Z", v1::CONTRACT_STATUS_RENEWED), "t");
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_EQ(renewed->reminders_superseded(), 7);  // the due T-90 task too: renewal settled it
  EXPECT_EQ(renewed->reminders_scheduled(), 7);
  EXPECT_EQ(Events("ContractRenewed").size(), 1u);
  EXPECT_EQ(Events("ReminderSuperseded").size(), 7u);
  EXPECT_TRUE(book_.Tasks("rep-1")->empty());

  clock_.Set(At("2028-08-01T00:00:00Z"));  // past every date of both terms
  ASSERT_EQ(*desk_.FireDue("t"), 7);
  std::vector<std::string> delivered = Delivered();
  ASSERT_EQ(delivered.size(), 8u);  // the old T-90 (before the renewal) + the new term's 7
  for (size_t i = 1; i < delivered.size(); ++i) {
    EXPECT_NE(delivered[i].find(":2028-06-10:"), std::string::npos) << delivered[i];
  }
  // Replaying version 2 changes nothing; an older version is refused, naming the field.
  auto replay =
      desk_.RecordContract(Contract(2, "2028-06-10T04:00:00Z", v1::CONTRACT_STATUS_RENEWED), "t");
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(replay->applied());
  auto older = desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t");
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(older.status().message().find("contract.version"), std::string::npos);
  // Cancelling supersedes whatever is left.
  clock_.Set(At("2027-01-01T00:00:00Z"));
  auto cancelled =
      desk_.RecordContract(Contract(3, "2028-06-10T04:00:00Z", v1::CONTRACT_STATUS_CANCELLED), "t");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->reminders_scheduled(), 0);
  EXPECT_EQ(Events("ContractCancelled").size(), 1u);
}

// Milliseconds a reminder's hash has left in Redis (-1: kept for good, -2: gone).
int64_t TimeToLiveMs(platform::RedisClient& client, const std::string& id) {
  auto r = client.Command({"PTTL", "{rr}:r:" + id});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->integer : -3;
}

TEST_F(ReminderBookTest, FinishedRemindersAreKeptForTheirRetentionLiveOnesForGood) {
  constexpr int64_t kRetentionMs = int64_t{400} * 24 * 3600 * 1000;
  const std::string t90 = "renewal:c-1:2027-06-10:T-90", t60 = "renewal:c-1:2027-06-10:T-60";
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  clock_.Set(At("2027-03-12T02:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  ASSERT_TRUE(desk_.Complete(rep_, t90, v1::REMINDER_OUTCOME_WILL_RENEW, "", "t").ok());
  EXPECT_GT(TimeToLiveMs(client_, t90), kRetentionMs - 60'000) << "done: kept 400 days";
  EXPECT_LE(TimeToLiveMs(client_, t90), kRetentionMs);
  EXPECT_EQ(TimeToLiveMs(client_, t60), -1) << "scheduled: kept until it is finished";

  // Dates moved: the term's six open reminders are superseded, and kept as long.
  ASSERT_TRUE(desk_.RecordContract(Contract(2, "2028-06-10T04:00:00Z"), "t").ok());
  EXPECT_GT(TimeToLiveMs(client_, t60), kRetentionMs - 60'000);
  // Moved back: planned again, they are live again and kept for good; the done one stays done.
  auto back = desk_.RecordContract(Contract(3, "2027-06-10T04:00:00Z"), "t");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->reminders_scheduled(), 6);
  EXPECT_EQ(TimeToLiveMs(client_, t60), -1);
  EXPECT_EQ(book_.Get(t60)->state(), v1::REMINDER_STATE_SCHEDULED);
  EXPECT_EQ(book_.Get(t90)->state(), v1::REMINDER_STATE_DONE);
  EXPECT_GT(TimeToLiveMs(client_, t90), kRetentionMs - 60'000);
}

TEST_F(ReminderBookTest, AForgottenReminderLeavesItsContractsListAtTheContractsNextChange) {
  ReminderBook book(client_, clock_, "renewal-reminder", absl::Milliseconds(1));
  RenewalDesk desk(book, health_, clock_, SchedulePolicy::Default());
  ASSERT_TRUE(desk.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  auto moved = desk.RecordContract(Contract(2, "2028-06-10T04:00:00Z"), "t");
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->reminders_superseded(), 7);
  absl::SleepFor(absl::Milliseconds(50));  // past the superseded reminders' retention
  EXPECT_EQ(TimeToLiveMs(client_, "renewal:c-1:2027-06-10:T-60"), -2);
  EXPECT_EQ(client_.Command({"ZCARD", "{rr}:by-contract:c-1"})->integer, 14);
  auto changed =
      desk.RecordContract(Contract(3, "2028-06-10T04:00:00Z", v1::CONTRACT_STATUS_RENEWED), "t");
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->reminders_superseded(), 0);
  EXPECT_EQ(client_.Command({"ZCARD", "{rr}:by-contract:c-1"})->integer, 7)
      << "only the live term's reminders are left";
  EXPECT_EQ(TimeToLiveMs(client_, "renewal:c-1:2028-06-10:T-60"), -1);
}

TEST_F(ReminderBookTest, RestartHalfwayAndTwoReplicasLoseAndRepeatNothing) {
  // 40 contracts whose reminders all fall due; fired in small batches by two desks (replicas)
  // racing, one of them replaced ("restarted") halfway.
  for (int i = 0; i < 40; ++i) {
    v1::Contract c = Contract(1, "2027-06-10T04:00:00Z");
    c.set_contract_id("c-" + std::to_string(i));
    ASSERT_TRUE(desk_.RecordContract(c, "t").ok());
  }
  clock_.Set(At("2027-08-01T00:00:00Z"));
  RenewalDesk replica(book_, health_, clock_, SchedulePolicy::Default(), {.fire_batch = 7});
  int fired = 0;
  {
    ReminderBook first_book(client_, clock_);
    RenewalDesk first(first_book, health_, clock_, SchedulePolicy::Default(), {.fire_batch = 7});
    std::thread racer([&] { fired += *replica.FireDue("r"); });
    auto n = first_book.FireDue(50, "a");  // one batch, then "crash"
    racer.join();
    ASSERT_TRUE(n.ok());
    fired += *n;
  }
  ReminderBook restarted(client_, clock_);
  RenewalDesk after(restarted, health_, clock_, SchedulePolicy::Default(), {.fire_batch = 7});
  fired += *after.FireDue("b");
  EXPECT_EQ(fired, 280);
  std::vector<std::string> delivered = Delivered();
  std::set<std::string> unique(delivered.begin(), delivered.end());
  EXPECT_EQ(delivered.size(), 280u);
  EXPECT_EQ(unique.size(), 280u);
  // A call's events are numbered after its id base (the batch of 50 runs past 16, where the
  // numbering carries into the next hex digit): every event id is different.
  std::set<std::string> event_ids;
  for (const auto& e : Events("ReminderDue")) {
    EXPECT_EQ(e.event_id().size(), 32u) << e.event_id();
    event_ids.insert(e.event_id());
  }
  EXPECT_EQ(event_ids.size(), 280u);
}

TEST_F(ReminderBookTest, BadInputIsNamedAndNothingIsWritten) {
  v1::Contract bad = Contract(0, "2027-06-10T04:00:00Z");
  *bad.mutable_service_end() =
      platform::ToProtoTime(At("2026-01-01T00:00:00Z"));  // before the start
  bad.set_account_id("");
  auto st = desk_.RecordContract(bad, "t").status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"contract.service_end: must be after service_start",
                            "contract.account_id", "contract.version"}) {
    EXPECT_NE(st.message().find(field), std::string::npos) << st.message();
  }
  EXPECT_TRUE(Events().empty());
  v1::AccountProfile p;
  p.set_account_id("acct-1");
  p.set_time_zone("Mars/Olympus");
  p.mutable_quiet_hours()->set_start_minute(1500);
  auto pst = desk_.SetProfile(p).status();
  EXPECT_NE(pst.message().find("profile.time_zone: 'Mars/Olympus' is not an IANA time zone"),
            std::string::npos)
      << pst;
  EXPECT_NE(pst.message().find("profile.quiet_hours.start_minute"), std::string::npos);
  EXPECT_EQ(desk_.GetAccount("acct-1").status().code(), absl::StatusCode::kNotFound);

  for (int limit : {0, ReminderBook::kMaxFireBatch + 1}) {
    auto fired = book_.FireDue(limit, "t");
    EXPECT_EQ(fired.status().code(), absl::StatusCode::kInvalidArgument) << limit;
    EXPECT_EQ(fired.status().message(),
              absl::StrCat("fire batch: ", limit, " is outside 1..10000"));
  }
}

TEST_F(ReminderBookTest, SnoozeAndReassignMoveTheTask) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  clock_.Set(At("2027-03-12T02:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  const std::string id = "renewal:c-1:2027-06-10:T-90";
  auto snoozed = desk_.Snooze(rep_, id, clock_.Now() + absl::Hours(48), "t");
  ASSERT_TRUE(snoozed.ok()) << snoozed.status();
  EXPECT_EQ(snoozed->state(), v1::REMINDER_STATE_SNOOZED);
  EXPECT_TRUE(book_.Tasks("rep-1")->empty());
  clock_.Advance(absl::Hours(49));
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  EXPECT_EQ(book_.Tasks("rep-1")->size(), 1u);
  platform::Principal op{"ops-1", platform::PrincipalKind::kOperator, "vendor"};
  EXPECT_EQ(desk_.Reassign(rep_, id, "rep-9", "t").status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(desk_.Reassign(op, id, "rep-9", "t").ok());
  EXPECT_TRUE(book_.Tasks("rep-1")->empty());
  ASSERT_EQ(book_.Tasks("rep-9")->size(), 1u);
  auto account = desk_.GetAccount("acct-1");
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->sales_owner_id(), "rep-1");
  EXPECT_EQ(account->contracts_size(), 1);
  EXPECT_EQ(account->upcoming_size(), 7);  // the due task and six still scheduled
}

TEST_F(ReminderBookTest, AnAccountsNewOwnerTakesItsDueTasksAndAReassignedOneStays) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  platform::Principal op{"ops-1", platform::PrincipalKind::kOperator, "vendor"};
  // Reassigned while still pending: it fires to rep-9, not to the account's owner.
  const std::string t60 = "renewal:c-1:2027-06-10:T-60";
  ASSERT_TRUE(desk_.Reassign(op, t60, "rep-9", "t").ok());
  EXPECT_EQ(book_.Get(t60)->state(), v1::REMINDER_STATE_SCHEDULED);
  clock_.Set(At("2027-04-12T02:00:00Z"));  // T-90 and T-60 due
  ASSERT_EQ(*desk_.FireDue("t"), 2);
  EXPECT_EQ(Events("ReminderDue")[1].reminder_due().reminder().owner_id(), "rep-9");
  ASSERT_EQ(book_.Tasks("rep-1")->size(), 1u);
  ASSERT_EQ(book_.Tasks("rep-9")->size(), 1u);

  // The account changes hands: its due task that no one reassigned goes with it.
  ASSERT_TRUE(book_.SetOwner("acct-1", "sales", "rep-2").ok());
  EXPECT_TRUE(book_.Tasks("rep-1")->empty());
  auto moved = book_.Tasks("rep-2");
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(moved->front().reminder_id(), "renewal:c-1:2027-06-10:T-90");
  EXPECT_EQ(moved->front().owner_id(), "rep-2");
  EXPECT_EQ(book_.Tasks("rep-9")->front().owner_id(), "rep-9");
  platform::Principal rep2{"rep-2", platform::PrincipalKind::kRep, "vendor"};
  EXPECT_EQ(desk_.Complete(rep_, "renewal:c-1:2027-06-10:T-90", v1::REMINDER_OUTCOME_DONE, "", "t")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto done =
      desk_.Complete(rep2, "renewal:c-1:2027-06-10:T-90", v1::REMINDER_OUTCOME_DONE, "", "t");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->owner_id(), "rep-2");
  // Done, it keeps the owner who did it whoever owns the account next.
  ASSERT_TRUE(book_.SetOwner("acct-1", "sales", "rep-3").ok());
  EXPECT_EQ(book_.Get("renewal:c-1:2027-06-10:T-90")->owner_id(), "rep-2");
  // Without an owner the account's due tasks wait in the operators' queue.
  clock_.Set(At("2027-06-03T02:00:00Z"));  // T-30 and T-7
  ASSERT_EQ(*desk_.FireDue("t"), 2);
  ASSERT_TRUE(book_.SetOwner("acct-1", "sales", "").ok());
  EXPECT_TRUE(book_.Tasks("rep-3")->empty());
  EXPECT_EQ(book_.Tasks(ReminderBook::kOperatorsQueue)->size(), 2u);
}

TEST_F(ReminderBookTest, APendingReminderPlannedAgainAtANewTimeFiresOnceAtTheNewTime) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  const std::string id = "renewal:c-1:2027-06-10:T-90";
  const absl::Time was = At("2027-03-12T01:00:00Z");
  ASSERT_EQ(absl::FromUnixSeconds(book_.Get(id)->due_at().seconds()), was);
  PlannedReminder moved;
  moved.id = id;
  moved.account_id = "acct-1";
  moved.contract_id = "c-1";
  moved.kind = v1::REMINDER_KIND_RENEWAL;
  moved.title = "renewal T-90 (moved)";
  moved.due = was + absl::Hours(24);
  auto v2 = Contract(2, "2027-06-10T04:00:00Z");
  ASSERT_TRUE(book_.RecordContract(v2, {}, {moved}, "t").ok());
  EXPECT_EQ(book_.Get(id)->title(), "renewal T-90 (moved)");
  clock_.Set(was + absl::Hours(1));
  EXPECT_EQ(*desk_.FireDue("t"), 0);  // not at the old time
  clock_.Set(moved.due);
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  EXPECT_EQ(*desk_.FireDue("t"), 0);
  ASSERT_EQ(Delivered(), std::vector<std::string>{id});
  EXPECT_EQ(Events("ReminderDue")[0].reminder_due().reminder().title(), "renewal T-90 (moved)");
}

TEST_F(ReminderBookTest, ATimerThatIsNotAReminderIsSetAsideAndTheRestFire) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  // As a hand-edit or an older layout would leave it: a bare id, due before the others.
  ASSERT_TRUE(client_.Command({"ZADD", "{rr}:due", "1", "not-a-member"}).ok());
  clock_.Set(At("2027-08-01T00:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 7);
  EXPECT_EQ(Delivered().size(), 7u);
  auto aside = client_.Command({"ZRANGE", "{rr}:due-unreadable", "0", "-1"});
  ASSERT_TRUE(aside.ok());
  ASSERT_EQ(aside->elements.size(), 1u);
  EXPECT_EQ(aside->elements[0].str, "not-a-member");
  EXPECT_EQ(client_.Command({"ZCARD", "{rr}:due"})->integer, 0);
}

TEST_F(ReminderBookTest, AnIdOrOwnerHoldingNulIsRefusedBeforeAnythingIsWritten) {
  PlannedReminder p;
  p.id = "care:acct-1:2027";
  p.id.push_back('\0');
  p.account_id = "acct-1";
  p.due = clock_.Now() + absl::Hours(1);
  auto r = book_.Schedule({p});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "reminder id holds a NUL character");
  EXPECT_EQ(client_.Command({"EXISTS", "{rr}:due"})->integer, 0);
  // Every path that schedules checks: a contract's reminders, and the at-risk task.
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  EXPECT_EQ(book_.RecordContract(Contract(2, "2027-06-10T04:00:00Z"), {}, {p}, "t").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*book_.Contract("c-1"))->version(), 1);
  EXPECT_EQ(book_.Get(p.id).status().code(), absl::StatusCode::kNotFound);
  v1::AccountHealth health;
  health.set_account_id(p.id);  // holds the NUL
  health.set_band(v1::HEALTH_BAND_RED);
  PlannedReminder at_risk = p;
  at_risk.id = "at-risk:x";
  EXPECT_EQ(health_.Record(health, at_risk, "t").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_.Command({"EXISTS", "{rr}:health:" + p.id})->integer, 0);
  // And every path that names an owner.
  std::string owner = "rep";
  owner.push_back('\0');
  EXPECT_EQ(book_.SetOwner("acct-1", "sales", owner).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*book_.Owner("acct-1", "sales"), "rep-1");
  const std::string t90 = "renewal:c-1:2027-06-10:T-90";
  EXPECT_EQ(
      book_.Change(ReminderChange::kReassign, t90, "ops-1", true, owner, "", "t").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(book_.Get(t90)->owner_id(), "");
}

TEST_F(ReminderBookTest, APolicyReplacedThroughOneInstanceIsAdoptedByTheOthers) {
  RenewalDesk other(book_, health_, clock_, SchedulePolicy::Default());
  ASSERT_TRUE(desk_.SyncPolicy().ok());  // nothing stored yet: this instance's is stored
  ASSERT_TRUE(other.SyncPolicy().ok());
  EXPECT_EQ(other.policy()->version, 1);
  v1::SchedulePolicy proposed = SchedulePolicyToProto(*desk_.policy());
  proposed.clear_renewal_offset_days();
  proposed.add_renewal_offset_days(-45);
  auto replaced = desk_.ReplacePolicy(proposed);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->version(), 2);
  EXPECT_EQ(other.policy()->renewal_offset_days, (std::vector<int>{-90, -60, -30, -7, 0, 7, 30}));
  ASSERT_TRUE(other.SyncPolicy().ok());
  EXPECT_EQ(other.policy()->version, 2);
  EXPECT_EQ(other.policy()->renewal_offset_days, std::vector<int>{-45});
  // The adopted policy plans the next contract: one reminder, T-45.
  v1::Contract c = Contract(1, "2027-06-10T04:00:00Z");
  auto recorded = other.RecordContract(c, "t");
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->reminders_scheduled(), 1);
  EXPECT_EQ(book_.Upcoming("acct-1")->front().reminder_id(), "renewal:c-1:2027-06-10:T-45");
}

TEST_F(ReminderBookTest, AFeedReplaysWhatWasOpenWhenTheWatchBeganAndReportsTheRestLive) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  clock_.Set(At("2027-03-12T01:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);  // T-90 open before the watch
  // The feed's thread is not started: its reads happen exactly when the test polls.
  ReminderFeed feed(book_, server_.Config(), absl::Hours(1));
  std::vector<std::pair<std::string, bool>> got;  // id, replayed
  const uint64_t watch = feed.Watch("rep-1", [&](const auto& tasks, bool replayed) {
    for (const auto& t : tasks) got.emplace_back(t.reminder_id(), replayed);
  });
  // T-60 falls due after the watch began but before the feed's first read.
  clock_.Set(At("2027-04-12T01:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  feed.Poll({});
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, bool>>{{"renewal:c-1:2027-06-10:T-90", true},
                                                       {"renewal:c-1:2027-06-10:T-60", false}}));
  got.clear();
  feed.Poll({});  // nothing new: nothing sent again
  EXPECT_TRUE(got.empty());
  feed.Unwatch(watch);
}

TEST_F(ReminderBookTest, AFeedFollowsOnlyTheMostRecentlyDueTasksOfALongList) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  clock_.Set(At("2027-05-12T01:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 3);  // T-90, T-60, T-30 open before the watch
  ReminderFeed feed(book_, server_.Config(), absl::Hours(1), /*window=*/2);
  std::vector<std::pair<std::string, bool>> got;  // id, replayed
  const uint64_t watch = feed.Watch("rep-1", [&](const auto& tasks, bool replayed) {
    for (const auto& t : tasks) got.emplace_back(t.reminder_id(), replayed);
  });
  feed.Poll({});
  EXPECT_EQ(got, (std::vector<std::pair<std::string, bool>>{{"renewal:c-1:2027-06-10:T-60", true},
                                                            {"renewal:c-1:2027-06-10:T-30", true}}))
      << "the oldest open task is past the window";
  got.clear();
  clock_.Set(At("2027-06-05T01:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);  // T-7
  feed.Poll({});
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, bool>>{{"renewal:c-1:2027-06-10:T-7", false}}));
  feed.Unwatch(watch);
}

}  // namespace
}  // namespace firstline::renewal
