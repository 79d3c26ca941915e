// What other services' events change in renewal-reminder, against a real redis-server with a
// fake clock: referral rewards, health bands and at-risk tasks, follow-ups, owners.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "renewal-reminder/renewal_fixture.h"

namespace firstline::renewal {
namespace {

class RenewalEventsTest : public RenewalFixture {
 protected:
  v1::Envelope Event(const std::string& id) {
    v1::Envelope e;
    e.set_event_id(id);
    *e.mutable_occurred_at() = platform::ToProtoTime(clock_.Now());
    return e;
  }
  void Apply(const v1::Envelope& e) {
    auto st = desk_.ApplyEvent(e);
    ASSERT_TRUE(st.ok()) << st;
  }
  v1::Envelope TicketCreated(const std::string& ticket) {
    v1::Envelope e = Event("created-" + ticket);
    e.mutable_ticket_created()->mutable_ticket()->set_ticket_id(ticket);
    e.mutable_ticket_created()->mutable_ticket()->set_account_id("acct-1");
    return e;
  }
};

TEST_F(RenewalEventsTest, ReferralExtendsTheReferrersServicePeriodOnceAndReschedules) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());  // acct-1
  v1::Envelope lead = Event("lead-1");
  lead.mutable_lead_received()->set_account_id("acct-2");
  lead.mutable_lead_received()->set_referrer_account_id("acct-1");
  Apply(lead);

  v1::Contract referred = Contract(1, "2027-11-30T04:00:00Z");
  referred.set_contract_id("c-2");
  referred.set_account_id("acct-2");
  ASSERT_TRUE(desk_.RecordContract(referred, "t").ok());

  auto extended = book_.Contract("c-1");
  ASSERT_TRUE(extended.ok() && extended->has_value());
  EXPECT_EQ((*extended)->version(), 2);
  EXPECT_EQ((*extended)->service_end().seconds(),
            absl::ToUnixSeconds(At("2027-07-10T04:00:00Z")));  // +30 days
  auto rewards = Events("ReferralRewarded");
  ASSERT_EQ(rewards.size(), 1u);
  EXPECT_EQ(rewards[0].referral_rewarded().referrer_account_id(), "acct-1");
  EXPECT_EQ(rewards[0].referral_rewarded().referred_account_id(), "acct-2");
  EXPECT_EQ(rewards[0].referral_rewarded().extension_days(), 30);
  EXPECT_EQ(Events("ContractChanged").size(), 1u);
  // The referrer's reminders moved with its term: the old ones superseded, never delivered.
  EXPECT_EQ(Events("ReminderSuperseded").size(), 7u);
  auto upcoming = book_.Upcoming("acct-1");
  ASSERT_TRUE(upcoming.ok());
  ASSERT_EQ(upcoming->size(), 7u);
  for (const auto& r : *upcoming)
    EXPECT_NE(r.reminder_id().find(":2027-07-10:"), std::string::npos);

  // Another contract of the referred account rewards nothing more.
  v1::Contract second = referred;
  second.set_contract_id("c-3");
  ASSERT_TRUE(desk_.RecordContract(second, "t").ok());
  EXPECT_EQ((*book_.Contract("c-1"))->version(), 2);
  EXPECT_EQ(Events("ReferralRewarded").size(), 1u);
}

TEST_F(RenewalEventsTest, HealthTurnsRedEmitsAtRiskAndTasksTheOwnerCountingEachEventOnce) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  for (int i = 0; i < 10; ++i) Apply(TicketCreated("t-" + std::to_string(i)));  // -20
  Apply(TicketCreated("t-0"));  // redelivered: counts once
  auto h = desk_.RecomputeHealth("acct-1", "t");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->tickets_90d(), 10);
  EXPECT_EQ(h->score(), 80);
  EXPECT_EQ(h->band(), v1::HEALTH_BAND_GREEN);
  for (int i = 0; i < 4; ++i) {  // -32
    v1::Envelope b = Event("breach-" + std::to_string(i));
    b.mutable_ticket_sla_breached()->set_ticket_id("t-" + std::to_string(i));
    b.mutable_ticket_sla_breached()->set_account_id("acct-1");
    b.mutable_ticket_sla_breached()->set_deadline("accept");
    Apply(b);
  }
  EXPECT_EQ(desk_.RecomputeHealth("acct-1", "t")->band(), v1::HEALTH_BAND_YELLOW);  // 48
  EXPECT_TRUE(Events("AccountAtRisk").empty());
  v1::Envelope sat = Event("sat-1");
  sat.mutable_satisfaction_recorded()->set_ticket_id("t-1");
  sat.mutable_satisfaction_recorded()->set_account_id("acct-1");
  sat.mutable_satisfaction_recorded()->set_score(1);  // -24
  Apply(sat);
  auto red = desk_.RecomputeHealth("acct-1", "t");
  EXPECT_EQ(red->score(), 24);
  EXPECT_EQ(red->band(), v1::HEALTH_BAND_RED);
  auto at_risk = Events("AccountAtRisk");
  ASSERT_EQ(at_risk.size(), 1u);
  EXPECT_EQ(at_risk[0].account_at_risk().owner_id(), "rep-1");
  std::vector<v1::HealthBand> bands;
  for (const auto& e : Events("AccountHealthChanged")) {
    bands.push_back(e.account_health_changed().health().band());
  }
  EXPECT_EQ(bands, (std::vector<v1::HealthBand>{v1::HEALTH_BAND_GREEN, v1::HEALTH_BAND_YELLOW,
                                                v1::HEALTH_BAND_RED}));
  auto listed = desk_.AtRisk(0, 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().account_id(), "acct-1");
  // The escalation task falls due at the next working slot (09:00 Shanghai) for the owner.
  EXPECT_EQ(*desk_.FireDue("t"), 0);
  clock_.Set(At("2026-11-23T01:00:00Z"));
  ASSERT_EQ(*desk_.FireDue("t"), 1);
  auto tasks = book_.Tasks("rep-1");
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().kind(), v1::REMINDER_KIND_AT_RISK);
  EXPECT_TRUE(tasks->front().internal_only());
}

TEST_F(RenewalEventsTest, HealthSignalsOlderThanAYearLeaveTheAccountAtItsNextSignal) {
  const absl::Time first = clock_.Now();
  ASSERT_TRUE(health_.Note("acct-9", HealthSignal::kTicket, "t-1", first).ok());
  clock_.Advance(HealthBook::kSignalsKept + absl::Hours(24));
  ASSERT_TRUE(health_.Note("acct-9", HealthSignal::kTicket, "t-2", clock_.Now()).ok());
  auto kept = [&] {
    auto r = client_.Command({"ZRANGE", "{rr}:h:tickets:acct-9", "0", "-1"});
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    for (const auto& e : r->elements) ids.push_back(e.str);
    return ids;
  };
  EXPECT_EQ(kept(), std::vector<std::string>{"t-2"});
  // The year-old event delivered again is not counted back in.
  ASSERT_TRUE(health_.Note("acct-9", HealthSignal::kTicket, "t-1", first).ok());
  EXPECT_EQ(kept(), std::vector<std::string>{"t-2"});
  auto inputs = health_.Inputs("acct-9", absl::Hours(24 * 90));
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ(inputs->tickets, 1);
}

TEST_F(RenewalEventsTest, FollowUpOfAResolvedTicketGoesToTheServiceOwnerOnce) {
  v1::Envelope owner = Event("owner-1");
  owner.mutable_account_owner_changed()->set_account_id("acct-1");
  owner.mutable_account_owner_changed()->set_ownership(v1::OWNERSHIP_KIND_SERVICE);
  owner.mutable_account_owner_changed()->set_owner_id("eng-5");
  Apply(owner);
  v1::Envelope resolved = Event("resolved-1");
  resolved.mutable_ticket_resolved()->set_ticket_id("t-42");
  resolved.mutable_ticket_resolved()->set_account_id("acct-1");
  *resolved.mutable_ticket_resolved()->mutable_follow_up_due() =
      platform::ToProtoTime(At("2026-11-24T03:00:00Z"));  // Tuesday 11:00 Shanghai
  Apply(resolved);
  Apply(resolved);  // redelivered: still one reminder
  clock_.Set(At("2026-11-24T02:59:00Z"));
  EXPECT_EQ(*desk_.FireDue("t"), 0);
  clock_.Set(At("2026-11-24T03:00:00Z"));
  EXPECT_EQ(*desk_.FireDue("t"), 1);
  auto tasks = book_.Tasks("eng-5");
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().reminder_id(), "follow-up:t-42");
  EXPECT_EQ(tasks->front().kind(), v1::REMINDER_KIND_SATISFACTION_FOLLOW_UP);
  EXPECT_EQ(*desk_.FireDue("t"), 0);
}

TEST_F(RenewalEventsTest, CareCallsInspectionsAndGreetingsOfProfiledAccountsGoOnTheTimerOnce) {
  v1::AccountProfile vip;
  vip.set_account_id("acct-vip");
  vip.set_value_tier(v1::VALUE_TIER_VIP);
  vip.set_time_zone("Asia/Shanghai");
  ASSERT_TRUE(desk_.SetProfile(vip).ok());
  v1::AccountProfile standard = vip;
  standard.set_account_id("acct-std");
  standard.set_value_tier(v1::VALUE_TIER_STANDARD);
  ASSERT_TRUE(desk_.SetProfile(standard).ok());
  clock_.Set(At("2026-12-20T00:00:00Z"));
  auto first = desk_.PlanCadenceSlice(100, absl::Hours(24 * 35), absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  // Into 2027-01-24: the VIP gets a care call (every 30 days) and an inspection (every 91),
  // both accounts the New Year greeting.
  std::map<std::string, std::set<v1::ReminderKind>> kinds;
  for (const char* account : {"acct-vip", "acct-std"}) {
    auto upcoming = book_.Upcoming(account);
    ASSERT_TRUE(upcoming.ok());
    for (const auto& r : *upcoming) kinds[account].insert(r.kind());
  }
  EXPECT_EQ(kinds["acct-vip"],
            (std::set<v1::ReminderKind>{v1::REMINDER_KIND_CARE_CALL, v1::REMINDER_KIND_INSPECTION,
                                        v1::REMINDER_KIND_HOLIDAY_GREETING}));
  EXPECT_EQ(kinds["acct-std"], std::set<v1::ReminderKind>{v1::REMINDER_KIND_HOLIDAY_GREETING});
  EXPECT_EQ(*first, static_cast<int>(book_.Upcoming("acct-vip")->size() +
                                     book_.Upcoming("acct-std")->size()));
  // Resting after a full pass; the next pass plans nothing twice.
  EXPECT_EQ(*desk_.PlanCadenceSlice(100, absl::Hours(24 * 35), absl::Hours(1)), 0);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(*desk_.PlanCadenceSlice(100, absl::Hours(24 * 35), absl::Hours(1)), 0);
}

}  // namespace
}  // namespace firstline::renewal
