// The pure schedule: offsets, working slots in the account's zone, quiet hours, holidays,
// cadences and stable ids.
#include "renewal-reminder/reminder_plan.h"

#include <gtest/gtest.h>

#include <map>

#include "support/test_time.h"

namespace firstline::renewal {
namespace {

using firstline::testing::At;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone z;
  EXPECT_TRUE(absl::LoadTimeZone(name, &z)) << name;
  return z;
}

std::string Local(absl::Time t, const std::string& zone) {
  return absl::FormatTime("%Y-%m-%d %a %H:%M", t, Zone(zone));
}

class ReminderPlanTest : public ::testing::Test {
 protected:
  SchedulePolicy policy_ = SchedulePolicy::Default();
  ReminderPlanner planner_{policy_};
  AccountView account_{"acct-1", v1::VALUE_TIER_STANDARD, {Zone("Asia/Shanghai"), {}}, false};
};

TEST_F(ReminderPlanTest, FullRenewalScheduleOfAContractInTheAccountsWorkingHours) {
  // Service period ends Thursday 2027-06-10 (Shanghai).
  ContractView c{"c-1", "acct-1", At("2027-06-10T15:59:59Z"), v1::CONTRACT_STATUS_ACTIVE};
  auto plan = planner_.Renewals(c, account_, At("2026-11-22T00:00:00Z"));
  std::map<std::string, std::string> due;
  for (const auto& r : plan) {
    EXPECT_EQ(r.kind, v1::REMINDER_KIND_RENEWAL);
    EXPECT_EQ(r.contract_id, "c-1");
    due[r.id] = Local(r.due, "Asia/Shanghai");
  }
  // T-60 falls on Sunday 2027-04-11 and T+30 on Saturday 2027-07-10: both move to Monday.
  // All at the start of the working day, 09:00 local.
  std::map<std::string, std::string> want = {
      {"renewal:c-1:2027-06-10:T-90", "2027-03-12 Fri 09:00"},
      {"renewal:c-1:2027-06-10:T-60", "2027-04-12 Mon 09:00"},
      {"renewal:c-1:2027-06-10:T-30", "2027-05-11 Tue 09:00"},
      {"renewal:c-1:2027-06-10:T-7", "2027-06-03 Thu 09:00"},
      {"renewal:c-1:2027-06-10:T+0", "2027-06-10 Thu 09:00"},
      {"renewal:c-1:2027-06-10:T+7", "2027-06-17 Thu 09:00"},
      {"renewal:c-1:2027-06-10:T+30", "2027-07-12 Mon 09:00"},
  };
  EXPECT_EQ(due, want);
  // Planning again gives the same ids: scheduling is idempotent.
  auto again = planner_.Renewals(c, account_, At("2026-11-22T00:00:00Z"));
  ASSERT_EQ(again.size(), plan.size());
  for (size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(again[i].id, plan[i].id);
}

TEST_F(ReminderPlanTest, PastOffsetsAndCancelledContractsPlanNothing) {
  ContractView c{"c-2", "acct-1", At("2027-01-20T04:00:00Z"), v1::CONTRACT_STATUS_ACTIVE};
  auto plan = planner_.Renewals(c, account_, At("2026-12-01T00:00:00Z"));
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.front().id, "renewal:c-2:2027-01-20:T-30");  // T-90 and T-60 already past
  c.status = v1::CONTRACT_STATUS_CANCELLED;
  EXPECT_TRUE(planner_.Renewals(c, account_, At("2026-12-01T00:00:00Z")).empty());
}

TEST_F(ReminderPlanTest, HolidaysMoveBusinessTasksToTheNextWorkingDay) {
  // T-0 on National Day 2027-10-01 (Friday): Oct 1, 4-7 are holidays, 2-3 a weekend.
  ContractView c{"c-3", "acct-1", At("2027-10-01T08:00:00Z"), v1::CONTRACT_STATUS_ACTIVE};
  policy_.renewal_offset_days = {0};
  auto plan = planner_.Renewals(c, account_, At("2027-01-01T00:00:00Z"));
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(Local(plan[0].due, "Asia/Shanghai"), "2027-10-08 Fri 09:00");
}

TEST_F(ReminderPlanTest, TimeZoneAndQuietHoursShiftTheDueTime) {
  policy_.renewal_offset_days = {0};
  ContractView c{"c-4", "acct-1", At("2027-06-10T12:00:00Z"), v1::CONTRACT_STATUS_ACTIVE};
  AccountView berlin{"acct-1", v1::VALUE_TIER_STANDARD, {Zone("Europe/Berlin"), {}}, false};
  auto plan = planner_.Renewals(c, berlin, At("2027-01-01T00:00:00Z"));
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].due, At("2027-06-10T07:00:00Z"));  // 09:00 in Berlin (CEST)
  // Quiet 08:30-10:15 local: the call waits for the quiet hours to end.
  berlin.rules.quiet = QuietWindow{8 * 60 + 30, 10 * 60 + 15};
  plan = planner_.Renewals(c, berlin, At("2027-01-01T00:00:00Z"));
  EXPECT_EQ(Local(plan[0].due, "Europe/Berlin"), "2027-06-10 Thu 10:15");
  // Quiet hours spanning midnight into the working day, and a follow-up resolved late in the
  // evening: next working day, after the quiet hours.
  berlin.rules.quiet = QuietWindow{22 * 60, 9 * 60 + 30};
  auto f = planner_.FollowUp("t-9", berlin, At("2027-06-10T20:30:00Z"));  // 22:30 Thursday
  EXPECT_EQ(Local(f.due, "Europe/Berlin"), "2027-06-14 Mon 09:30");       // +24 h is Saturday
  EXPECT_EQ(f.id, "follow-up:t-9");
  EXPECT_EQ(f.role, OwnerRole::kService);
}

TEST_F(ReminderPlanTest, CareCallsInspectionsAndGreetingsFollowTheValueTier) {
  AccountView vip = account_;
  vip.value_tier = v1::VALUE_TIER_VIP;
  const absl::Time from = At("2027-01-01T00:00:00Z");
  const absl::Time until = At("2027-04-01T00:00:00Z");
  auto plan = planner_.Cadence(vip, from, until);
  int care = 0, inspections = 0, greetings = 0;
  for (const auto& r : plan) {
    EXPECT_GE(r.due, from);
    EXPECT_LT(r.due, until);
    care += r.kind == v1::REMINDER_KIND_CARE_CALL;
    inspections += r.kind == v1::REMINDER_KIND_INSPECTION;
    if (r.kind == v1::REMINDER_KIND_HOLIDAY_GREETING) {
      ++greetings;
      // On the holiday itself (Spring Festival, a Saturday), not moved off it.
      if (r.id == "greeting:acct-1:2027-02-06") {
        EXPECT_EQ(Local(r.due, "Asia/Shanghai"), "2027-02-06 Sat 09:00");
      }
    }
  }
  EXPECT_EQ(care, 3);         // every 30 days over 90
  EXPECT_EQ(inspections, 1);  // every 91 days
  EXPECT_EQ(greetings, 2);    // New Year, Spring Festival
  // A standard account gets greetings only; its periods are stable across windows.
  auto standard = planner_.Cadence(account_, from, until);
  for (const auto& r : standard) EXPECT_EQ(r.kind, v1::REMINDER_KIND_HOLIDAY_GREETING);
  auto split = planner_.Cadence(vip, from, At("2027-02-01T00:00:00Z"));
  auto rest = planner_.Cadence(vip, At("2027-02-01T00:00:00Z"), until);
  EXPECT_EQ(split.size() + rest.size(), plan.size());
}

TEST_F(ReminderPlanTest, DoNotContactAccountsGetInternalTasksOnly) {
  AccountView quiet = account_;
  quiet.do_not_contact = true;
  ContractView c{"c-5", "acct-1", At("2027-06-10T04:00:00Z"), v1::CONTRACT_STATUS_ACTIVE};
  auto plan = planner_.Renewals(c, quiet, At("2027-01-01T00:00:00Z"));
  ASSERT_FALSE(plan.empty());
  for (const auto& r : plan) {
    EXPECT_TRUE(r.internal_only);
    EXPECT_NE(r.title.find("internal"), std::string::npos);
  }
}

}  // namespace
}  // namespace firstline::renewal
