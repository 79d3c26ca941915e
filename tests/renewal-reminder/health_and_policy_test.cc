// Health bands and the schedule policy's validation.
#include <gtest/gtest.h>

#include "renewal-reminder/health_score.h"
#include "renewal-reminder/schedule_policy.h"

namespace firstline::renewal {
namespace {

TEST(HealthScoreTest, BandsFollowTheScore) {
  HealthInputs calm;  // no tickets, a year to run
  EXPECT_EQ(ScoreHealth(calm).score, 100);
  EXPECT_EQ(ScoreHealth(calm).band, v1::HEALTH_BAND_GREEN);

  HealthInputs watch;
  watch.tickets = 5;                                           // -10
  watch.sla_breaches = 1;                                      // -8
  watch.satisfaction_average = 4.0;                            // -6
  watch.days_to_expiry = 45;                                   // -5
  watch.relationship = v1::RELATIONSHIP_TYPE_INTEREST_DRIVEN;  // -5
  EXPECT_EQ(ScoreHealth(watch).score, 66);
  EXPECT_EQ(ScoreHealth(watch).band, v1::HEALTH_BAND_YELLOW);

  HealthInputs risk = watch;
  risk.renewals_declined = 1;  // -20
  EXPECT_EQ(ScoreHealth(risk).score, 46);
  EXPECT_EQ(ScoreHealth(risk).band, v1::HEALTH_BAND_YELLOW);
  risk.sla_breaches = 3;  // -24 instead of -8
  EXPECT_EQ(ScoreHealth(risk).score, 30);
  EXPECT_EQ(ScoreHealth(risk).band, v1::HEALTH_BAND_RED);

  HealthInputs worst;
  worst.tickets = 100;
  worst.sla_breaches = 100;
  worst.satisfaction_average = 1;
  worst.renewals_declined = 3;
  worst.days_to_expiry = -10;
  EXPECT_EQ(ScoreHealth(worst).score, 0);  // clamped

  HealthInputs loyal;
  loyal.care_calls_done = 10;  // +6 (capped)
  loyal.relationship = v1::RELATIONSHIP_TYPE_BRAND_LOYAL;
  loyal.tickets = 10;  // -20
  EXPECT_EQ(ScoreHealth(loyal).score, 91);

  HealthWeights strict;
  strict.yellow_below = 95;
  EXPECT_EQ(ScoreHealth(loyal, strict).band, v1::HEALTH_BAND_YELLOW);
}

TEST(SchedulePolicyTest, DefaultsAreTheBriefs) {
  SchedulePolicy p = SchedulePolicy::Default();
  EXPECT_EQ(p.renewal_offset_days, (std::vector<int>{-90, -60, -30, -7, 0, 7, 30}));
  EXPECT_EQ(p.care_every_days.at(v1::VALUE_TIER_KOL), 30);
  EXPECT_EQ(p.inspection_every_days.at(v1::VALUE_TIER_VIP), 91);
  EXPECT_FALSE(p.care_every_days.contains(v1::VALUE_TIER_STANDARD));
  ASSERT_NE(p.HolidayOn(absl::CivilDay(2027, 2, 6)), nullptr);
  EXPECT_EQ(p.HolidayOn(absl::CivilDay(2027, 2, 6))->name, "Spring Festival");
  auto round_trip = SchedulePolicyFromProto(SchedulePolicyToProto(p));
  ASSERT_TRUE(round_trip.ok()) << round_trip.status();
  EXPECT_EQ(round_trip->holidays.size(), p.holidays.size());
  EXPECT_EQ(round_trip->follow_up_delay, absl::Hours(24));
}

TEST(SchedulePolicyTest, EveryBadFieldIsNamed) {
  v1::SchedulePolicy bad;
  bad.add_renewal_offset_days(-400);
  bad.add_renewal_offset_days(7);
  bad.add_renewal_offset_days(7);
  auto* c = bad.add_care_cadence();
  c->set_value_tier(v1::VALUE_TIER_VIP);
  c->set_every_days(0);
  auto* h = bad.add_holidays();
  h->set_date("2027-02-30");
  h->set_name("Spring Festival");
  bad.set_workday_start_minute(18 * 60);
  bad.set_workday_end_minute(9 * 60);
  auto st = SchedulePolicyFromProto(bad).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"renewal_offset_days[0]: must be -365..365",
                            "renewal_offset_days[2]: 7 appears twice", "care_cadence[0].every_days",
                            "holidays[0].date: '2027-02-30' is not a date", "workday_end_minute"}) {
    EXPECT_NE(st.message().find(field), std::string::npos) << field << " in " << st.message();
  }
}

TEST(SchedulePolicyTest, YamlErrorsNameTheLine) {
  auto ok = ParseSchedulePolicyYaml(R"(renewal_offset_days: [-60, -7, 0]
care_every_days: {vip: 14, key_account: 30}
workday: {start: "08:30", end: "17:30"}
holidays:
  - {date: 2027-02-06, name: Spring Festival, greeting: true}
)");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->care_every_days.at(v1::VALUE_TIER_VIP), 14);
  EXPECT_EQ(ok->workday_start_minute, 8 * 60 + 30);
  EXPECT_TRUE(ok->HolidayOn(absl::CivilDay(2027, 2, 6))->greeting);

  auto unknown_tier =
      ParseSchedulePolicyYaml("renewal_offset_days: [0]\ncare_every_days: {gold: 7}\n");
  EXPECT_NE(unknown_tier.status().message().find("line 2: care_every_days: 'gold' is not one of"),
            std::string::npos)
      << unknown_tier.status();
  auto bad_value =
      ParseSchedulePolicyYaml("follow_up_delay_hours: 24\nrenewal_offset_days: [0, 900]\n");
  EXPECT_NE(bad_value.status().message().find(
                "renewal_offset_days[1]: must be -365..365, not 900 (line 2)"),
            std::string::npos)
      << bad_value.status();
  auto syntax = ParseSchedulePolicyYaml("renewal_offset_days: [0,\n");
  EXPECT_NE(syntax.status().message().find("line "), std::string::npos) << syntax.status();
  auto stray = ParseSchedulePolicyYaml("renewal_offsets: [0]\n");
  EXPECT_NE(stray.status().message().find("line 1: unknown key 'renewal_offsets'"),
            std::string::npos);
}

}  // namespace
}  // namespace firstline::renewal
