// renewal-reminder in-process on the real runtime: real redis-server, mock Kafka cluster, real
// gRPC over loopback, signed tokens, a fake clock for the schedule.
#include "renewal-reminder/renewals_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/renewals.grpc.pb.h"
#include "platform/core/proto_time.h"
#include "platform/kafka/topics.h"
#include "platform/redis/idempotent_answers.h"
#include "platform/runtime/service_runtime.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"
#include "support/service_test_support.h"
#include "support/test_time.h"

namespace firstline::renewal {
namespace {

using platform::Principal;
using platform::PrincipalKind;

using firstline::testing::At;

class RenewalsServiceTest : public ::testing::Test {
 protected:
  static inline const Principal kOperator{"op-1", PrincipalKind::kOperator, "vendor"};
  static inline const Principal kRep{"rep-7", PrincipalKind::kRep, "vendor"};
  static inline const Principal kService{"ticket-dispatch", PrincipalKind::kService, "vendor"};

  void SetUp() override {
    auto config = firstline::testing::TestRuntimeConfig("renewal-reminder", redis_, kafka_);
    auto runtime = platform::ServiceRuntime::Create(config, clock_);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    book_ = std::make_unique<ReminderBook>(runtime_->redis(), clock_);
    health_ = std::make_unique<HealthBook>(runtime_->redis(), clock_);
    desk_ = std::make_unique<RenewalDesk>(*book_, *health_, clock_, SchedulePolicy::Default());
    feed_ = std::make_unique<ReminderFeed>(*book_, redis_.Config(), absl::Seconds(20));
    answers_ = std::make_unique<platform::IdempotentAnswers>(runtime_->redis(), "renewal-reminder");
    service_ =
        std::make_unique<RenewalsService>(*desk_, *book_, *feed_, runtime_->grpc().live_streams(),
                                          pool_, *answers_, runtime_->authorizer());
    runtime_->grpc().AddService(service_.get());
    runtime_->AddOutboxStream(ReminderBook::OutboxKey());
    ASSERT_TRUE(runtime_->Start().ok());
    feed_->Start();
    stub_ = v1::Renewals::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(runtime_->grpc_port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
    if (feed_) feed_->Stop();
  }

  std::unique_ptr<grpc::ClientContext> As(const Principal& who) {
    return firstline::testing::SignedContext(who, clock_);
  }

  v1::RecordContractRequest Request(const std::string& key, int64_t version) {
    v1::RecordContractRequest r;
    r.set_idempotency_key(key);
    auto* c = r.mutable_contract();
    c->set_contract_id("c-100");
    c->set_account_id("acct-9");
    c->add_product_lines("erp");
    *c->mutable_service_start() = platform::ToProtoTime(At("2026-06-10T04:00:00Z"));
    *c->mutable_service_end() = platform::ToProtoTime(At("2027-06-10T04:00:00Z"));
    c->set_status(v1::CONTRACT_STATUS_ACTIVE);
    c->set_version(version);
    c->set_closed_by_id("rep-7");
    return r;
  }

  firstline::testing::RedisServer redis_;
  firstline::testing::MockKafka kafka_;
  platform::FakeClock clock_{At("2026-11-23T00:00:00Z")};
  platform::WorkPool pool_{"renewal-rpc", 4, 100};
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<ReminderBook> book_;
  std::unique_ptr<HealthBook> health_;
  std::unique_ptr<RenewalDesk> desk_;
  std::unique_ptr<ReminderFeed> feed_;
  std::unique_ptr<platform::IdempotentAnswers> answers_;
  std::unique_ptr<RenewalsService> service_;
  std::unique_ptr<v1::Renewals::Stub> stub_;
};

TEST_F(RenewalsServiceTest, ContractToTaskOnTheOwnersStreamToCompletionWithEventsOnTheBus) {
  v1::RecordContractResponse first, second;
  auto c1 = As(kService);
  ASSERT_TRUE(stub_->RecordContract(c1.get(), Request("k-1", 1), &first).ok());
  EXPECT_EQ(first.reminders_scheduled(), 7);
  auto c2 = As(kService);  // a retry: the first answer, nothing recorded twice
  ASSERT_TRUE(stub_->RecordContract(c2.get(), Request("k-1", 1), &second).ok());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());

  auto watch = As(kRep);
  watch->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = stub_->WatchReminders(watch.get(), v1::WatchRemindersRequest{});
  stream->WaitForInitialMetadata();        // the stream is live
  clock_.Set(At("2027-03-12T01:30:00Z"));  // T-90 fell due
  ASSERT_EQ(*desk_->FireDue("trace"), 1);
  v1::WatchRemindersResponse task;
  ASSERT_TRUE(stream->Read(&task));
  EXPECT_EQ(task.reminder().reminder_id(), "renewal:c-100:2027-06-10:T-90");
  EXPECT_EQ(task.reminder().owner_id(), "rep-7");
  EXPECT_EQ(task.reminder().kind(), v1::REMINDER_KIND_RENEWAL);
  EXPECT_FALSE(task.replayed());

  v1::CompleteReminderRequest done;
  done.set_idempotency_key("done-1");
  done.set_reminder_id(task.reminder().reminder_id());
  done.set_outcome(v1::REMINDER_OUTCOME_WILL_RENEW);
  v1::CompleteReminderResponse completed;
  auto c3 = As(kRep);
  ASSERT_TRUE(stub_->CompleteReminder(c3.get(), done, &completed).ok());
  EXPECT_EQ(completed.reminder().state(), v1::REMINDER_STATE_DONE);
  watch->TryCancel();

  auto contracts = firstline::testing::ReadEnvelopes(
      kafka_, std::string(platform::topics::kContracts), 1, absl::Seconds(20));
  ASSERT_EQ(contracts.size(), 1u);  // the retry recorded nothing
  EXPECT_EQ(contracts[0].contract_signed().terms().contract_id(), "c-100");
  auto reminders = firstline::testing::ReadEnvelopes(
      kafka_, std::string(platform::topics::kReminders), 2, absl::Seconds(20));
  ASSERT_EQ(reminders.size(), 2u);
  EXPECT_EQ(reminders[0].type(), "ReminderDue");
  EXPECT_EQ(reminders[1].type(), "ReminderCompleted");
  EXPECT_EQ(reminders[1].reminder_completed().completed_by(), "rep-7");
}

TEST_F(RenewalsServiceTest, UndoneTasksAreReplayedOnReconnectAndHealthIsServed) {
  v1::RecordContractResponse recorded;
  auto c1 = As(kService);
  ASSERT_TRUE(stub_->RecordContract(c1.get(), Request("k-9", 1), &recorded).ok());
  clock_.Set(At("2027-04-13T02:00:00Z"));  // T-90 and T-60 have fallen due, nobody watching
  ASSERT_EQ(*desk_->FireDue("trace"), 2);

  auto watch = As(kRep);
  watch->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = stub_->WatchReminders(watch.get(), v1::WatchRemindersRequest{});
  std::set<std::string> replayed;
  for (int i = 0; i < 2; ++i) {
    v1::WatchRemindersResponse task;
    ASSERT_TRUE(stream->Read(&task));
    EXPECT_TRUE(task.replayed());
    replayed.insert(task.reminder().reminder_id());
  }
  EXPECT_EQ(replayed, (std::set<std::string>{"renewal:c-100:2027-06-10:T-90",
                                             "renewal:c-100:2027-06-10:T-60"}));

  v1::ListRemindersRequest mine;
  mine.add_states(v1::REMINDER_STATE_DUE);
  v1::ListRemindersResponse list;
  auto c2 = As(kRep);
  ASSERT_TRUE(stub_->ListReminders(c2.get(), mine, &list).ok());
  EXPECT_EQ(list.reminders_size(), 2);

  v1::GetAccountHealthRequest health;
  health.set_account_id("acct-9");
  v1::GetAccountHealthResponse got;
  auto c3 = As(kRep);
  ASSERT_TRUE(stub_->GetAccountHealth(c3.get(), health, &got).ok());
  EXPECT_EQ(got.health().score(), 95);  // 58 days left of the term: -5
  EXPECT_EQ(got.health().band(), v1::HEALTH_BAND_GREEN);
  EXPECT_EQ(got.health().days_to_expiry(), 58);
  health.set_account_id("acct-nobody");
  auto c4 = As(kRep);
  EXPECT_EQ(stub_->GetAccountHealth(c4.get(), health, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The next task to fall due arrives alone: what the stream already reported is not sent again.
  clock_.Set(At("2027-05-12T02:00:00Z"));
  ASSERT_EQ(*desk_->FireDue("trace"), 1);
  v1::WatchRemindersResponse next;
  ASSERT_TRUE(stream->Read(&next));
  EXPECT_EQ(next.reminder().reminder_id(), "renewal:c-100:2027-06-10:T-30");
  EXPECT_FALSE(next.replayed());
  watch->TryCancel();
  while (stream->Read(&next)) {
    ADD_FAILURE() << "sent again: " << next.reminder().reminder_id();
  }
}

TEST_F(RenewalsServiceTest, BadInputNamesTheFieldAndOwnersSeeOnlyTheirOwn) {
  v1::RecordContractRequest bad = Request("k-2", 1);
  *bad.mutable_contract()->mutable_service_end() =
      platform::ToProtoTime(At("2026-01-01T00:00:00Z"));
  v1::RecordContractResponse resp;
  auto c1 = As(kService);
  grpc::Status st = stub_->RecordContract(c1.get(), bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("contract.service_end: must be after service_start"),
            std::string::npos)
      << st.error_message();

  v1::ListRemindersRequest others;
  others.set_owner_id("rep-8");
  v1::ListRemindersResponse list;
  auto c2 = As(kRep);
  EXPECT_EQ(stub_->ListReminders(c2.get(), others, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto c3 = As(kRep);  // reps may not record contracts
  EXPECT_EQ(stub_->RecordContract(c3.get(), Request("k-3", 1), &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::SetSchedulePolicyRequest policy;
  policy.set_idempotency_key("p-1");
  policy.mutable_policy()->add_renewal_offset_days(-30);
  policy.mutable_policy()->add_renewal_offset_days(1000);
  v1::SetSchedulePolicyResponse set;
  auto c4 = As(kOperator);
  st = stub_->SetSchedulePolicy(c4.get(), policy, &set);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("renewal_offset_days[1]"), std::string::npos);
  policy.mutable_policy()->set_renewal_offset_days(1, 0);
  policy.set_idempotency_key("p-2");
  auto c5 = As(kOperator);
  ASSERT_TRUE(stub_->SetSchedulePolicy(c5.get(), policy, &set).ok());
  EXPECT_EQ(set.policy().version(), 1);
  v1::GetSchedulePolicyResponse got;
  auto c6 = As(kRep);
  ASSERT_TRUE(stub_->GetSchedulePolicy(c6.get(), {}, &got).ok());
  EXPECT_EQ(got.policy().renewal_offset_days_size(), 2);
}

TEST_F(RenewalsServiceTest, TheOperatorsQueueIsListedPageByPageSoonestFirst) {
  // 250 care calls of accounts without an owner: due one minute apart, all in the queue.
  std::vector<PlannedReminder> planned;
  for (int i = 0; i < 250; ++i) {
    PlannedReminder p;
    p.id = absl::StrCat("care:acct-", 1000 + i, ":2026-11");
    p.account_id = absl::StrCat("acct-", 1000 + i);
    p.kind = v1::REMINDER_KIND_CARE_CALL;
    p.title = "care call";
    p.due = At("2026-11-23T01:00:00Z") + absl::Minutes(249 - i);  // the last planned is due first
    planned.push_back(std::move(p));
  }
  ASSERT_EQ(*book_->Schedule(planned), 250);
  clock_.Set(At("2026-11-23T06:00:00Z"));
  ASSERT_EQ(*desk_->FireDue("trace"), 250);

  std::vector<std::string> listed;
  std::vector<int> page_sizes;
  v1::ListRemindersRequest page;
  page.set_page_size(100);
  for (int round = 0; round < 5; ++round) {
    v1::ListRemindersResponse got;
    auto c = As(kOperator);
    ASSERT_TRUE(stub_->ListReminders(c.get(), page, &got).ok());
    page_sizes.push_back(got.reminders_size());
    for (const auto& r : got.reminders()) {
      EXPECT_EQ(r.state(), v1::REMINDER_STATE_DUE);
      listed.push_back(r.reminder_id());
    }
    if (got.next_page_token().empty()) break;
    page.set_page_token(got.next_page_token());
  }
  EXPECT_EQ(page_sizes, (std::vector<int>{100, 100, 50}));
  ASSERT_EQ(listed.size(), 250u);
  for (int i = 0; i < 250; ++i) {
    EXPECT_EQ(listed[i], absl::StrCat("care:acct-", 1249 - i, ":2026-11")) << "soonest first";
  }

  page.set_page_token("12x");
  v1::ListRemindersResponse bad;
  auto c = As(kOperator);
  grpc::Status st = stub_->ListReminders(c.get(), page, &bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "page_token: not a token this service issued");
}

TEST_F(RenewalsServiceTest, AnOperatorSetsAnAccountsProfileOnceAndBadFieldsAreNamed) {
  v1::SetAccountProfileRequest set;
  set.set_idempotency_key("prof-1");
  auto* p = set.mutable_profile();
  p->set_account_id("acct-9");
  p->set_value_tier(v1::VALUE_TIER_VIP);
  p->set_relationship_type(v1::RELATIONSHIP_TYPE_TECHNICAL);
  p->set_time_zone("Asia/Shanghai");
  p->mutable_quiet_hours()->set_start_minute(22 * 60);
  p->mutable_quiet_hours()->set_end_minute(8 * 60);
  p->set_preferred_channel(v1::CONTACT_CHANNEL_WECHAT);
  v1::SetAccountProfileResponse stored;
  auto by_rep = As(kRep);
  EXPECT_EQ(stub_->SetAccountProfile(by_rep.get(), set, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto by_operator = As(kOperator);
  ASSERT_TRUE(stub_->SetAccountProfile(by_operator.get(), set, &stored).ok());
  EXPECT_EQ(stored.profile().SerializeAsString(), set.profile().SerializeAsString());

  // A retry gets the first answer; the same key for another profile is refused.
  v1::SetAccountProfileResponse retried;
  auto c0 = As(kOperator);
  ASSERT_TRUE(stub_->SetAccountProfile(c0.get(), set, &retried).ok());
  EXPECT_EQ(retried.SerializeAsString(), stored.SerializeAsString());
  v1::SetAccountProfileRequest again = set;
  again.mutable_profile()->set_value_tier(v1::VALUE_TIER_KOL);
  auto c1 = As(kOperator);
  grpc::Status st = stub_->SetAccountProfile(c1.get(), again, &retried);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  v1::GetAccountRequest get;
  get.set_account_id("acct-9");
  v1::GetAccountResponse account;
  auto c2 = As(kRep);
  ASSERT_TRUE(stub_->GetAccount(c2.get(), get, &account).ok());
  EXPECT_EQ(account.profile().value_tier(), v1::VALUE_TIER_VIP);
  EXPECT_EQ(account.profile().quiet_hours().start_minute(), 22 * 60);

  v1::SetAccountProfileRequest bad = set;
  bad.set_idempotency_key("prof-2");
  bad.mutable_profile()->set_time_zone("Mars/Olympus");
  bad.mutable_profile()->mutable_quiet_hours()->set_end_minute(1440);
  auto c3 = As(kOperator);
  st = stub_->SetAccountProfile(c3.get(), bad, &stored);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field : {"profile.time_zone", "profile.quiet_hours.end_minute"}) {
    EXPECT_NE(st.error_message().find(field), std::string::npos) << st.error_message();
  }
  auto c4 = As(kRep);
  ASSERT_TRUE(stub_->GetAccount(c4.get(), get, &account).ok());
  EXPECT_EQ(account.profile().time_zone(), "Asia/Shanghai");  // nothing written on error
}

TEST_F(RenewalsServiceTest, TheOwnerSnoozesAnOperatorReassignsAndOthersAreRefused) {
  v1::RecordContractResponse recorded;
  auto c1 = As(kService);
  ASSERT_TRUE(stub_->RecordContract(c1.get(), Request("k-1", 1), &recorded).ok());
  clock_.Set(At("2027-03-12T01:30:00Z"));
  ASSERT_EQ(*desk_->FireDue("trace"), 1);
  const std::string id = "renewal:c-100:2027-06-10:T-90";
  auto snooze = [&](const Principal& who, const std::string& key, absl::Time until,
                    v1::Reminder* out = nullptr) {
    v1::SnoozeReminderRequest req;
    req.set_idempotency_key(key);
    req.set_reminder_id(id);
    *req.mutable_until() = platform::ToProtoTime(until);
    v1::SnoozeReminderResponse resp;
    auto ctx = As(who);
    grpc::Status st = stub_->SnoozeReminder(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.reminder();
    return st;
  };
  const Principal other_rep{"rep-8", PrincipalKind::kRep, "vendor"};
  EXPECT_EQ(snooze(other_rep, "s-0", clock_.Now() + absl::Hours(1)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status past = snooze(kRep, "s-1", clock_.Now() - absl::Minutes(1));
  EXPECT_EQ(past.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(past.error_message(), "until: must be in the future");
  v1::Reminder snoozed;
  ASSERT_TRUE(snooze(kRep, "s-2", clock_.Now() + absl::Hours(48), &snoozed).ok());
  EXPECT_EQ(snoozed.state(), v1::REMINDER_STATE_SNOOZED);

  auto reassign = [&](const Principal& who, const std::string& key, const std::string& owner,
                      v1::Reminder* out = nullptr) {
    v1::ReassignReminderRequest req;
    req.set_idempotency_key(key);
    req.set_reminder_id(id);
    req.set_owner_id(owner);
    v1::ReassignReminderResponse resp;
    auto ctx = As(who);
    grpc::Status st = stub_->ReassignReminder(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.reminder();
    return st;
  };
  EXPECT_EQ(reassign(kRep, "r-1", "rep-9").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status nobody = reassign(kOperator, "r-2", "");
  EXPECT_EQ(nobody.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(nobody.error_message().find("owner_id"), std::string::npos) << nobody.error_message();
  v1::Reminder moved;
  ASSERT_TRUE(reassign(kOperator, "r-3", "rep-9", &moved).ok());
  EXPECT_EQ(moved.owner_id(), "rep-9");

  // It falls due again after the snooze, as rep-9's task; rep-7 no longer sees it.
  clock_.Advance(absl::Hours(49));
  ASSERT_EQ(*desk_->FireDue("trace"), 1);
  auto listed = [&](const Principal& who) {
    v1::ListRemindersRequest req;
    req.add_states(v1::REMINDER_STATE_DUE);
    v1::ListRemindersResponse resp;
    auto ctx = As(who);
    EXPECT_TRUE(stub_->ListReminders(ctx.get(), req, &resp).ok());
    std::vector<std::string> ids;
    for (const auto& r : resp.reminders()) ids.push_back(r.reminder_id());
    return ids;
  };
  EXPECT_EQ(listed(Principal{"rep-9", PrincipalKind::kRep, "vendor"}),
            std::vector<std::string>{id});
  EXPECT_TRUE(listed(kRep).empty());
}

TEST_F(RenewalsServiceTest, RedAccountsAreListedLowestScoreFirstPageByPage) {
  // Four accounts with 10 tickets and 4 breaches in the last 90 days (48); satisfaction 1, 2
  // and 3 turn three of them red (24, 30, 36); the fourth stays yellow.
  for (int a = 0; a < 4; ++a) {
    const std::string account = absl::StrCat("acct-r", a);
    for (int i = 0; i < 10; ++i) {
      const std::string ticket = absl::StrCat(account, "-t", i);
      ASSERT_TRUE(health_->Note(account, HealthSignal::kTicket, ticket, clock_.Now()).ok());
      if (i < 4) {
        ASSERT_TRUE(health_->Note(account, HealthSignal::kBreach, ticket, clock_.Now()).ok());
      }
    }
    if (a < 3) {
      ASSERT_TRUE(
          health_->Note(account, HealthSignal::kSatisfaction, "s", clock_.Now(), a + 1).ok());
    }
    ASSERT_TRUE(desk_->RecomputeHealth(account, "trace").ok());
  }
  auto page = [&](const Principal& who, const std::string& token) {
    v1::ListAtRiskAccountsRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListAtRiskAccountsResponse resp;
    auto ctx = As(who);
    grpc::Status st = stub_->ListAtRiskAccounts(ctx.get(), req, &resp);
    return std::make_pair(st, resp);
  };
  EXPECT_EQ(page(kRep, "").first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto [st1, first] = page(kOperator, "");
  ASSERT_TRUE(st1.ok()) << st1.error_message();
  ASSERT_EQ(first.accounts_size(), 2);
  EXPECT_EQ(first.accounts(0).account_id(), "acct-r0");
  EXPECT_EQ(first.accounts(0).score(), 24);
  EXPECT_EQ(first.accounts(1).account_id(), "acct-r1");
  EXPECT_EQ(first.accounts(1).band(), v1::HEALTH_BAND_RED);
  ASSERT_FALSE(first.next_page_token().empty());
  auto [st2, second] = page(kService, first.next_page_token());
  ASSERT_TRUE(st2.ok()) << st2.error_message();
  ASSERT_EQ(second.accounts_size(), 1);
  EXPECT_EQ(second.accounts(0).account_id(), "acct-r2");
  EXPECT_EQ(second.accounts(0).score(), 36);
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_EQ(page(kOperator, "x").first.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace firstline::renewal
