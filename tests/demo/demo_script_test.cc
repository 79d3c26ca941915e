#include "demo/demo_script.h"

#include <gtest/gtest.h>

#include <map>

#include "demo/demo_tally.h"
#include "firstline/v1/ticket_dispatch.pb.h"

namespace firstline::demo {
namespace {

TEST(DemoScriptTest, ChannelMixRepeatCallersAndSeveritiesFollowTheirShares) {
  DemoScript script(7, /*repeat_share=*/0.1);
  std::map<std::string, int> by_channel;
  int repeats = 0;
  constexpr int kN = 20'000;
  for (int i = 0; i < kN; ++i) {
    DemoInquiry in = script.NextInquiry();
    ASSERT_NE(in.channel, nullptr);
    ASSERT_FALSE(in.phone.empty());
    ASSERT_FALSE(in.region.empty());
    if (in.repeat) {
      ++repeats;
      continue;
    }
    ++by_channel[in.channel->channel];
  }
  EXPECT_NEAR(repeats, kN * 0.1, kN * 0.01);
  const int firsts = kN - repeats;
  double shares = 0;
  for (const auto& c : DemoChannels()) {
    shares += c.share;
    EXPECT_NEAR(by_channel[c.channel], firsts * c.share, firsts * 0.015) << c.channel;
  }
  EXPECT_NEAR(shares, 1.0, 1e-9);  // the mix covers every lead

  std::map<int, int> severities;
  for (int i = 0; i < kN; ++i) ++severities[script.Severity()];
  EXPECT_NEAR(severities[v1::SEVERITY_P1], kN * 0.10, kN * 0.015);
  EXPECT_NEAR(severities[v1::SEVERITY_P4], kN * 0.20, kN * 0.015);
}

TEST(DemoScriptTest, SameSeedSameTrafficAndRepeatsReuseTheCaller) {
  DemoScript a(11), b(11);
  for (int i = 0; i < 500; ++i) {
    DemoInquiry x = a.NextInquiry(), y = b.NextInquiry();
    EXPECT_EQ(x.phone, y.phone);
    EXPECT_EQ(x.company, y.company);
  }
  DemoScript script(3, /*repeat_share=*/1.0);
  const DemoInquiry first = script.NextInquiry();  // nobody to repeat yet
  EXPECT_FALSE(first.repeat);
  const DemoInquiry again = script.NextInquiry();
  EXPECT_TRUE(again.repeat);
  EXPECT_EQ(again.phone, first.phone);
  EXPECT_EQ(again.company, first.company);
}

TEST(DemoTallyTest, SummaryShowsRatesOpenOffersAndCheapestChannels) {
  DemoTally tally;
  tally.Add(Count::kLeadsSubmitted, 50);
  tally.Add(Count::kLeadOffers, 40);
  tally.Add(Count::kLeadsAccepted, 30);
  tally.Add(Count::kLeadsDeclined, 4);
  tally.Add(Count::kLeadOffersGone, 1);
  tally.Add(Count::kLeadSlaBreaches, 2);
  tally.Error("SubmitLead: deadline exceeded");
  SummaryInput in;
  in.running = absl::Seconds(65);
  in.interval = absl::Seconds(5);
  in.leads_in_interval = 20;
  in.renewal_clock_ahead = absl::Hours(36);
  in.cheapest = {{"referral", 2, 25'000'00, "CNY"}};
  const std::string screen = RenderSummary(tally, in);
  for (const char* expected :
       {"running 65s", "1.5 days ahead", "4.0/s", "accepted 30", "open offers 5", "breaches 2",
        "referral       CAC CNY 25000.00  (2 won)", "calls refused: 1 (last: SubmitLead"}) {
    EXPECT_NE(screen.find(expected), std::string::npos) << expected << "\n" << screen;
  }
}

}  // namespace
}  // namespace firstline::demo
