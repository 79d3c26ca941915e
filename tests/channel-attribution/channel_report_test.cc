// Report arithmetic by hand: spend joins (cost per lead, CAC, ROI), median first response,
// the funnel, the partner statement's tiers, Markov credits from stored transitions, period
// decomposition into months and days, and the settings file.
#include "channel-attribution/channel_report.h"

#include <gtest/gtest.h>

#include "support/test_time.h"

namespace firstline::attribution {
namespace {

using firstline::testing::At;

std::map<std::string, v1::Channel> Catalog(std::initializer_list<const char*> channels) {
  std::map<std::string, v1::Channel> out;
  for (const char* c : channels) out[c].set_channel(c);
  return out;
}

TEST(ChannelReportTest, SpendJoinsGiveCostPerLeadCacAndRoi) {
  FieldSums counts = {
      {Field("sem", "leads"), 4},     {Field("sem", "accepted"), 3},
      {Field("sem", "frt:30"), 1},    {Field("sem", "frt:60"), 2},
      {Field("sem", "won"), 1},       {Field("sem", "spend"), 200'000},  // CNY 2,000.00
      {Field("mystery", "leads"), 1},
  };
  FieldSums credits = {
      {Field("sem", "conv"), .5}, {Field("sem", "nb"), 5'000'000}, {Field("sem", "rn"), 1'000'000}};
  auto rows = BuildRows(Grouping::kChannel, counts, credits, Catalog({"sem"}), "CNY");
  ASSERT_EQ(rows.size(), 2u);
  const v1::ReportRow& sem = rows[0];  // highest attributed revenue first
  EXPECT_EQ(sem.group(), "sem");
  EXPECT_FALSE(sem.unknown());
  EXPECT_EQ(sem.leads(), 4);
  EXPECT_EQ(sem.accepted_leads(), 3);
  EXPECT_EQ(sem.median_first_response_seconds(), 60);
  EXPECT_EQ(sem.customers_won(), 1);
  EXPECT_DOUBLE_EQ(sem.attributed_conversions(), .5);
  EXPECT_EQ(sem.new_business_revenue().minor_units(), 5'000'000);
  EXPECT_EQ(sem.renewal_revenue().minor_units(), 1'000'000);
  EXPECT_EQ(sem.spend().minor_units(), 200'000);
  EXPECT_EQ(sem.cost_per_lead().minor_units(), 50'000);  // 200,000 / 4
  EXPECT_EQ(sem.cac().minor_units(), 400'000);           // 200,000 / .5 conversions
  EXPECT_DOUBLE_EQ(sem.roi(), 29.0);  // (5,000,000 + 1,000,000 - 200,000) / 200,000
  EXPECT_DOUBLE_EQ(sem.lead_to_customer_rate(), .25);
  EXPECT_EQ(sem.cac().currency(), "CNY");
  // A channel missing from the catalogue is reported, flagged, never dropped.
  EXPECT_EQ(rows[1].group(), "mystery");
  EXPECT_TRUE(rows[1].unknown());
  EXPECT_FALSE(rows[1].has_cac());  // no conversion: no CAC
  EXPECT_EQ(rows[1].roi(), 0);      // no spend: no ROI
}

TEST(ChannelReportTest, MedianFirstResponseAveragesTheMiddleOfAnEvenCount) {
  FieldSums counts = {
      {Field("sem", "frt:30"), 1}, {Field("sem", "frt:60"), 1}, {Field("sem2", "frt:5"), 3}};
  EXPECT_EQ(MedianFirstResponse(counts, "sem"), 45);
  EXPECT_EQ(MedianFirstResponse(counts, "sem2"), 5);
  EXPECT_EQ(MedianFirstResponse(counts, "none"), 0);
  EXPECT_EQ(FirstResponseBucket(30), 30);
  EXPECT_EQ(FirstResponseBucket(119), 119);
  const int64_t b = FirstResponseBucket(1000);
  EXPECT_LE(b, 1000);
  EXPECT_GT(b * 1.05, 1000);
}

TEST(ChannelReportTest, FunnelStepsAndDropOff) {
  FieldSums counts = {{Field("sem", "leads"), 10},    {Field("sem", "accepted"), 8},
                      {Field("sem", "qualified"), 4}, {Field("sem", "opps"), 2},
                      {Field("sem", "won"), 1},       {Field("edm", "leads"), 5}};
  auto stages = BuildFunnel(counts, "sem");
  ASSERT_EQ(stages.size(), 5u);
  EXPECT_EQ(stages[0].stage(), "lead");
  EXPECT_EQ(stages[0].count(), 10);
  EXPECT_DOUBLE_EQ(stages[1].step_conversion(), .8);
  EXPECT_DOUBLE_EQ(stages[1].drop_off(), .2);
  EXPECT_DOUBLE_EQ(stages[2].step_conversion(), .5);
  EXPECT_EQ(stages[4].stage(), "customer");
  EXPECT_DOUBLE_EQ(stages[4].step_conversion(), .5);
  EXPECT_EQ(BuildFunnel(counts, "")[0].count(), 15);  // every channel
}

TEST(ChannelReportTest, PartnerStatementAppliesItsTierAndOnlyItsOwnRevenue) {
  auto settings = ParseAttributionSettingsYaml(R"(
commission:
  default_tier: silver
  tiers:
    gold: {sourced: 0.5, influenced: 0.15, renewal: 0.3}
    silver: {sourced: 0.2, influenced: 0.05, renewal: 0.1}
  partners: {p1: gold}
)");
  ASSERT_TRUE(settings.ok()) << settings.status();
  FieldSums counts = {{Field("p1", "sourced"), 1'000'000},
                      {Field("p1", "influenced"), 200'000},
                      {Field("p1", "rn"), 100'000},
                      {Field("p2", "sourced"), 9'000'000}};
  auto s = BuildStatement(counts, "p1", *settings);
  EXPECT_EQ(s.sourced_revenue().minor_units(), 1'000'000);
  EXPECT_EQ(s.influenced_revenue().minor_units(), 200'000);
  ASSERT_EQ(s.lines_size(), 3);
  EXPECT_EQ(s.lines(0).tier(), "gold/sourced");
  EXPECT_EQ(s.lines(0).commission().minor_units(), 500'000);
  EXPECT_EQ(s.lines(1).commission().minor_units(), 30'000);
  EXPECT_EQ(s.lines(2).commission().minor_units(), 30'000);
  EXPECT_EQ(s.total_commission().minor_units(), 560'000);
  auto other = BuildStatement(counts, "p3", *settings);  // default tier, no revenue
  EXPECT_EQ(other.lines(0).tier(), "silver/sourced");
  EXPECT_EQ(other.total_commission().minor_units(), 0);
}

TEST(ChannelReportTest, MarkovCreditsShareThePeriodsConversionsByRemovalEffect) {
  // The worked example of attribution_models_test: A = 1/3, B = 2/3 of 3 conversions.
  FieldSums transitions = {{Field("(start)", "A"), 2},
                           {Field("(start)", "B"), 1},
                           {Field("A", "B"), 1},
                           {Field("A", "(null)"), 1},
                           {Field("B", "(conversion)"), 2}};
  FieldSums first_touch = {
      {Field("A", "conv"), 2}, {Field("B", "conv"), 1}, {Field("A", "nb"), 300}};
  auto credits = MarkovCredits(TransitionsFrom(transitions), first_touch);
  EXPECT_NEAR(credits[Field("A", "conv")], 1.0, 1e-9);
  EXPECT_NEAR(credits[Field("B", "conv")], 2.0, 1e-9);
  EXPECT_NEAR(credits[Field("B", "nb")], 200.0, 1e-6);
}

TEST(ChannelReportTest, PeriodsReadWholeMonthsAndTheDaysAround) {
  auto keys = PeriodKeys(At("2026-01-15T00:00:00Z"), At("2026-04-03T00:00:00Z"));
  ASSERT_EQ(keys.size(), 17u + 2 + 2);
  EXPECT_EQ(keys.front(), "d:2026-01-15");
  EXPECT_EQ(keys[17], "m:2026-02");
  EXPECT_EQ(keys[18], "m:2026-03");
  EXPECT_EQ(keys.back(), "d:2026-04-02");
  // A day that starts before the period is left out; a year is twelve months.
  EXPECT_EQ(PeriodKeys(At("2026-01-15T12:00:00Z"), At("2026-01-17T00:00:00Z")),
            std::vector<std::string>{"d:2026-01-16"});
  EXPECT_EQ(PeriodKeys(At("2026-01-01T00:00:00Z"), At("2027-01-01T00:00:00Z")).size(), 12u);
}

TEST(ChannelReportTest, SettingsNameWhatIsWrong) {
  auto ok = ParseAttributionSettingsYaml("rates: {CNY: 1, USD: 7.1}\nlookback_days: 30\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->lookback, absl::Hours(24 * 30));
  v1::Money usd;
  usd.set_currency("USD");
  usd.set_minor_units(100);
  EXPECT_EQ(*ok->ToReportMinor(usd, "amount"), 710);
  usd.set_currency("XYZ");
  EXPECT_NE(ok->ToReportMinor(usd, "amount").status().message().find("amount.currency: 'XYZ'"),
            std::string::npos);
  for (const auto& [text, needle] : std::vector<std::pair<std::string, std::string>>{
           {"lookback_days: -1", "line 1: lookback_days"},
           {"report_currency: CNY\nhalf_life_days: [7]",
            "line 2: half_life_days: must be a number"},
           {"report_currency: {code: CNY}", "report_currency: must be a single value"},
           {"report_currency: USD\nrates: {USD: 7.1}", "rates.USD: must be 1"},
           {"rates: {usd: 1}", "rates.usd"},
           {"commission: {partners: {p1: platinum}}", "commission.partners.p1"},
           {"lookback_days: 30\ncolapse_window_hours: 3",
            "line 2: colapse_window_hours: unknown key"},
           {"commission: {default_tier: [gold]}",
            "commission.default_tier: must be a single value"},
           {"commission: {tiers: {gold: {sourced: 2}}, default_tier: gold}",
            "commission.tiers.gold.sourced"}}) {
    auto bad = ParseAttributionSettingsYaml(text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_NE(bad.status().message().find(needle), std::string::npos) << bad.status();
  }
}

}  // namespace
}  // namespace firstline::attribution
