// The fold on one account's life worked out by hand: lead cohort counts, first response, the
// credits every model gives at conversion (day and month, every grouping), collapse and
// lookback inside the fold, a late touch re-crediting, partners sourced and influenced,
// renewal revenue, and contacts' touches taken over by their lead.
#include "channel-attribution/journey_fold.h"

#include <gtest/gtest.h>

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "support/test_time.h"

namespace firstline::attribution {
namespace {

using firstline::testing::At;

class JourneyFoldTest : public ::testing::Test {
 protected:
  FoldInput Input(FoldInput::Kind kind, const std::string& at, const std::string& id) {
    FoldInput in;
    in.kind = kind;
    in.account_id = "a1";
    in.at = At(at);
    in.event_id = id;
    in.source_id = id;
    return in;
  }
  FoldInput Touch(const std::string& at, const std::string& id, const std::string& channel,
                  const std::string& campaign) {
    FoldInput in = Input(FoldInput::Kind::kTouch, at, id);
    in.channel = channel;
    in.campaign = campaign;
    return in;
  }
  FoldInput Lead(const std::string& at, const std::string& id, const std::string& channel) {
    FoldInput in = Input(FoldInput::Kind::kLead, at, id);
    in.lead_id = id;
    in.channel = channel;
    return in;
  }
  bool Apply(const FoldInput& in) { return fold_.Apply(in, journeys_, delta_, conversions_); }
  int64_t Count(Grouping g, const std::string& date, const std::string& group,
                absl::string_view metric) {
    return delta_.Count(CountsKey(g, date), Field(group, metric));
  }
  double Credit(Grouping g, Model m, const std::string& date, const std::string& group,
                absl::string_view metric = metric::kConversions) {
    return delta_.CreditOf(CreditsKey(g, m, date), Field(group, metric));
  }

  // expo (09-01) -> lead by search ad (09-03, accepted 30 s later) -> EDM (09-08) -> qualified
  // (09-10: the EDM touch, the last one by then, holds the opportunity) -> WeChat (09-15) ->
  // contract of CNY 100,000.00 (09-20).
  void LiveTheJourney() {
    ASSERT_TRUE(Apply(Touch("2026-09-01T10:00:00Z", "scan-1", "exhibition", "expo")));
    FoldInput lead = Input(FoldInput::Kind::kLead, "2026-09-03T10:00:00Z", "L1");
    lead.lead_id = "L1";
    lead.channel = "baidu-sem";
    lead.campaign = "autumn";
    lead.keyword = "erp software";
    lead.region = "CN-ZJ";
    ASSERT_TRUE(Apply(lead));
    FoldInput accepted = Input(FoldInput::Kind::kLeadAccepted, "2026-09-03T10:00:30Z", "e2");
    accepted.lead_id = "L1";
    ASSERT_TRUE(Apply(accepted));
    ASSERT_TRUE(Apply(Touch("2026-09-08T10:00:00Z", "click-1", "edm", "newsletter")));
    FoldInput qualified = Input(FoldInput::Kind::kLeadQualified, "2026-09-10T10:00:00Z", "e4");
    qualified.lead_id = "L1";
    ASSERT_TRUE(Apply(qualified));
    ASSERT_TRUE(Apply(Touch("2026-09-15T10:00:00Z", "follow-1", "wechat", "official")));
    FoldInput won = Input(FoldInput::Kind::kWon, "2026-09-20T10:00:00Z", "e6");
    won.contract_id = "c1";
    won.revenue_minor = 10'000'000;
    ASSERT_TRUE(Apply(won));
  }

  AttributionSettings settings_;
  JourneyFold fold_{settings_};
  JourneySet journeys_;
  AggregateDelta delta_;
  std::vector<v1::ConversionAttributed> conversions_;
};

TEST_F(JourneyFoldTest, LeadCohortCountsEveryStageOnceOnTheLeadsDayAndMonth) {
  LiveTheJourney();
  for (const std::string date : {"d:2026-09-03", "m:2026-09"}) {
    for (auto [g, group] : {std::pair{Grouping::kChannel, "baidu-sem"},
                            std::pair{Grouping::kCampaign, "baidu-sem/autumn"},
                            std::pair{Grouping::kKeyword, "baidu-sem/autumn/erp software"},
                            std::pair{Grouping::kRegion, "CN-ZJ"}}) {
      SCOPED_TRACE(absl::StrCat(date, " ", group));
      EXPECT_EQ(Count(g, date, group, metric::kLeads), 1);
      EXPECT_EQ(Count(g, date, group, metric::kAccepted), 1);
      EXPECT_EQ(Count(g, date, group, metric::kQualified), 1);
      // Reaching customer counts the opportunity stage too.
      EXPECT_EQ(Count(g, date, group, metric::kOpportunities), 1);
      EXPECT_EQ(Count(g, date, group, metric::kWon), 1);
      EXPECT_EQ(Count(g, date, group, "frt:30"), 1);
    }
  }
  // Counts belong to the lead's cohort day, not to the day the contract was signed.
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-20", "baidu-sem", metric::kWon), 0);
  // Touches that are not leads are no leads.
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-01", "exhibition", metric::kLeads), 0);
  // A second acceptance of the same lead changes nothing.
  FoldInput again = Input(FoldInput::Kind::kLeadAccepted, "2026-09-04T10:00:00Z", "e9");
  again.lead_id = "L1";
  EXPECT_FALSE(Apply(again));
}

TEST_F(JourneyFoldTest, ConversionCreditsEveryModelByHand) {
  LiveTheJourney();
  // Touches: exhibition (first), baidu-sem (lead), edm (opportunity), wechat (won).
  const std::string day = "d:2026-09-20", month = "m:2026-09";
  struct Expected {
    Model model;
    double exhibition, sem, edm, wechat;
  };
  // U: .4 first, .4 lead, the 20 % over edm and wechat. W: .3 x 3, the 10 % to wechat alone.
  // Full path: every touch holds a position, so the 10 % goes in proportion: .25 each.
  const Expected expected[] = {
      {Model::kFirstTouch, 1, 0, 0, 0},     {Model::kLastTouch, 0, 0, 0, 1},
      {Model::kLinear, .25, .25, .25, .25}, {Model::kUShaped, .4, .4, .1, .1},
      {Model::kWShaped, .3, .3, .3, .1},    {Model::kFullPath, .25, .25, .25, .25},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(ModelName(e.model));
    for (const auto& date : {day, month}) {
      EXPECT_NEAR(Credit(Grouping::kChannel, e.model, date, "exhibition"), e.exhibition, 1e-12);
      EXPECT_NEAR(Credit(Grouping::kChannel, e.model, date, "baidu-sem"), e.sem, 1e-12);
      EXPECT_NEAR(Credit(Grouping::kChannel, e.model, date, "edm"), e.edm, 1e-12);
      EXPECT_NEAR(Credit(Grouping::kChannel, e.model, date, "wechat"), e.wechat, 1e-12);
    }
    EXPECT_NEAR(Credit(Grouping::kKeyword, e.model, day, "baidu-sem/autumn/erp software",
                       metric::kNewBusiness),
                e.sem * 10'000'000, 1e-6);
    // The whole conversion lands in the account's region under every model.
    EXPECT_NEAR(Credit(Grouping::kRegion, e.model, day, "CN-ZJ"), 1.0, 1e-12);
  }
  // Time decay, half-life 7 days: ages 19, 17, 12 and 5 days.
  const double w[] = {std::exp2(-19 / 7.0), std::exp2(-17 / 7.0), std::exp2(-12 / 7.0),
                      std::exp2(-5 / 7.0)};
  const double sum = w[0] + w[1] + w[2] + w[3];
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kTimeDecay, day, "exhibition"), w[0] / sum, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kTimeDecay, day, "wechat"), w[3] / sum, 1e-12);
  // Markov transitions of the converted path, per grouping.
  EXPECT_EQ(delta_.Count(MarkovKey(Grouping::kChannel, day), Field("(start)", "exhibition")), 1);
  EXPECT_EQ(delta_.Count(MarkovKey(Grouping::kChannel, day), Field("wechat", "(conversion)")), 1);
  // The event: four touches with their positions and credits.
  ASSERT_EQ(conversions_.size(), 1u);
  const auto& event = conversions_[0];
  EXPECT_EQ(event.contract_id(), "c1");
  EXPECT_FALSE(event.recredited());
  ASSERT_EQ(event.touches_size(), 4);
  EXPECT_EQ(event.touches(1).positions(0), "lead");
  EXPECT_EQ(event.touches(2).positions(0), "opportunity");
  EXPECT_EQ(event.touches(3).positions(0), "won");
  EXPECT_EQ(event.touches(0).credits(3).model(), v1::ATTRIBUTION_MODEL_U_SHAPED);
  EXPECT_NEAR(event.touches(0).credits(3).credit(), .4, 1e-12);
}

TEST_F(JourneyFoldTest, RepeatsCollapseAndOldTouchesFallOutsideTheLookback) {
  ASSERT_TRUE(Apply(Touch("2026-05-01T10:00:00Z", "old", "seo", "blog")));  // 142 days before
  ASSERT_TRUE(Apply(Touch("2026-09-01T10:00:00Z", "scan-1", "exhibition", "expo")));
  ASSERT_TRUE(Apply(Touch("2026-09-01T20:00:00Z", "scan-2", "exhibition", "expo")));  // repeat
  ASSERT_TRUE(Apply(Touch("2026-09-15T10:00:00Z", "follow-1", "wechat", "official")));
  EXPECT_FALSE(Apply(Touch("2026-09-15T10:00:00Z", "follow-1", "wechat", "official")));
  FoldInput won = Input(FoldInput::Kind::kWon, "2026-09-20T10:00:00Z", "e6");
  won.contract_id = "c1";
  ASSERT_TRUE(Apply(won));
  const std::string day = "d:2026-09-20";
  EXPECT_EQ(Credit(Grouping::kChannel, Model::kFirstTouch, day, "seo"), 0);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kFirstTouch, day, "exhibition"), 1, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLinear, day, "exhibition"), .5, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLinear, day, "wechat"), .5, 1e-12);
  ASSERT_EQ(conversions_.size(), 1u);
  EXPECT_EQ(conversions_[0].touches_size(), 2);
  // No lead ever came: nobody's cohort counts a customer.
  for (const auto& [key, fields] : delta_.counts()) {
    for (const auto& [field, n] : fields) {
      EXPECT_FALSE(absl::EndsWith(field, metric::kWon)) << key << " " << field;
    }
  }
}

TEST_F(JourneyFoldTest, ALateTouchInsideTheLookbackReCreditsTheConversion) {
  LiveTheJourney();
  delta_ = AggregateDelta();
  conversions_.clear();
  // It happened on 09-18, before the contract, but arrives after it: now the last touch.
  ASSERT_TRUE(Apply(Touch("2026-09-18T10:00:00Z", "click-9", "seo", "blog")));
  const std::string day = "d:2026-09-20";
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLastTouch, day, "wechat"), -1, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLastTouch, day, "seo"), 1, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLastTouch, day, "seo", metric::kNewBusiness),
              10'000'000, 1e-6);
  // Linear: .25 each becomes .2 each.
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLinear, day, "exhibition"), -.05, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kLinear, day, "seo"), .2, 1e-12);
  ASSERT_EQ(conversions_.size(), 1u);
  EXPECT_TRUE(conversions_[0].recredited());
  EXPECT_EQ(conversions_[0].touches_size(), 5);
  // After the contract, or before its lookback: nothing to re-credit.
  delta_ = AggregateDelta();
  ASSERT_TRUE(Apply(Touch("2026-09-25T10:00:00Z", "click-10", "seo", "blog")));
  ASSERT_TRUE(Apply(Touch("2026-01-02T10:00:00Z", "click-11", "seo", "blog")));
  EXPECT_TRUE(delta_.credits().empty());
}

TEST_F(JourneyFoldTest, PartnersSourceAndInfluenceAndRenewalsFollowTheWinningTouches) {
  FoldInput lead = Input(FoldInput::Kind::kLead, "2026-09-01T10:00:00Z", "L1");
  lead.lead_id = "L1";
  lead.channel = "hotline";
  ASSERT_TRUE(Apply(lead));
  FoldInput registered = Input(FoldInput::Kind::kPartnerOpportunity, "2026-09-05T10:00:00Z", "r1");
  registered.channel = std::string(kPartnerChannel);
  registered.campaign = "p-gold";
  ASSERT_TRUE(Apply(registered));
  FoldInput influence = Touch("2026-09-06T10:00:00Z", "salon-1", "partner", "p-silver");
  ASSERT_TRUE(Apply(influence));
  FoldInput won = Input(FoldInput::Kind::kWon, "2026-09-20T10:00:00Z", "e6");
  won.contract_id = "c1";
  won.revenue_minor = 5'000'000;
  ASSERT_TRUE(Apply(won));
  EXPECT_EQ(Count(Grouping::kPartner, "d:2026-09-20", "p-gold", metric::kSourced), 5'000'000);
  EXPECT_EQ(Count(Grouping::kPartner, "d:2026-09-20", "p-silver", metric::kInfluenced), 5'000'000);
  EXPECT_EQ(Count(Grouping::kPartner, "d:2026-09-20", "p-gold", metric::kInfluenced), 0);
  // The registration is the lead's opportunity stage.
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-01", "hotline", metric::kOpportunities), 1);
  // W-shaped: hotline (first and lead) .6, p-gold (opportunity) .3, p-silver (won) .1.
  EXPECT_NEAR(Credit(Grouping::kPartner, Model::kWShaped, "d:2026-09-20", "p-gold"), .3, 1e-12);
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kWShaped, "d:2026-09-20", "hotline"), .6, 1e-12);

  FoldInput renewed = Input(FoldInput::Kind::kRenewed, "2027-09-20T10:00:00Z", "e7");
  renewed.contract_id = "c1";
  renewed.revenue_minor = 2'000'000;
  ASSERT_TRUE(Apply(renewed));
  EXPECT_EQ(Count(Grouping::kPartner, "d:2027-09-20", "p-gold", metric::kRenewal), 2'000'000);
  EXPECT_NEAR(
      Credit(Grouping::kChannel, Model::kWShaped, "d:2027-09-20", "hotline", metric::kRenewal),
      .6 * 2'000'000, 1e-6);
  EXPECT_EQ(Credit(Grouping::kChannel, Model::kWShaped, "d:2027-09-20", "hotline"), 0);
}

TEST_F(JourneyFoldTest, ALeadFoldedAfterItsRegistrationCatchesUpAndItsAcceptanceStillCounts) {
  // Registrations and contracts travel on other topics than leads and may come first.
  FoldInput registered = Input(FoldInput::Kind::kPartnerOpportunity, "2026-09-05T10:00:00Z", "r1");
  registered.channel = std::string(kPartnerChannel);
  registered.campaign = "p-gold";
  ASSERT_TRUE(Apply(registered));
  FoldInput lead = Input(FoldInput::Kind::kLead, "2026-09-01T10:00:00Z", "L1");
  lead.lead_id = "L1";
  lead.channel = "hotline";
  ASSERT_TRUE(Apply(lead));
  const std::string day = "d:2026-09-01";
  EXPECT_EQ(Count(Grouping::kChannel, day, "hotline", metric::kOpportunities), 1);
  EXPECT_EQ(Count(Grouping::kChannel, day, "hotline", metric::kAccepted), 1);  // cumulative
  FoldInput accepted = Input(FoldInput::Kind::kLeadAccepted, "2026-09-01T10:02:00Z", "e3");
  accepted.lead_id = "L1";
  ASSERT_TRUE(Apply(accepted));
  EXPECT_EQ(Count(Grouping::kChannel, day, "hotline", metric::kAccepted), 1);  // not twice
  EXPECT_EQ(Count(Grouping::kChannel, day, "hotline", "frt:120"), 1);
  EXPECT_FALSE(Apply(accepted));
}

TEST_F(JourneyFoldTest, AContractWinsOneLeadHoweverLateTheAccountsOtherLeadsArrive) {
  // The contract's event comes first, then the lead worked when it was signed: that lead
  // catches up and is won.
  FoldInput won = Input(FoldInput::Kind::kWon, "2026-09-20T10:00:00Z", "e1");
  won.contract_id = "c1";
  won.revenue_minor = 10'000'000;
  ASSERT_TRUE(Apply(won));
  ASSERT_TRUE(Apply(Lead("2026-09-03T10:00:00Z", "L1", "hotline")));
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-03", "hotline", metric::kWon), 1);
  // Another lead of the account, received before the contract but folded after it: the
  // contract has its lead already. Before, this counted the one contract as a second win.
  ASSERT_TRUE(Apply(Lead("2026-09-10T10:00:00Z", "L2", "wechat")));
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-10", "wechat", metric::kWon), 0);
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-10", "wechat", metric::kOpportunities), 0);
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-10", "wechat", metric::kLeads), 1);

  // An opportunity is taken once too: a qualified lead holds it, a later-folded earlier lead
  // does not count it again.
  FoldInput qualified = Input(FoldInput::Kind::kLeadQualified, "2026-09-12T10:00:00Z", "e4");
  qualified.lead_id = "L2";
  ASSERT_TRUE(Apply(qualified));
  ASSERT_TRUE(Apply(Lead("2026-09-11T10:00:00Z", "L3", "website")));
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-11", "website", metric::kOpportunities), 0);
  EXPECT_EQ(Count(Grouping::kChannel, "d:2026-09-11", "website", metric::kWon), 0);
}

TEST_F(JourneyFoldTest, AnAccountIsWonAsACustomerOnceHoweverManyContractsItSigns) {
  auto contract = [&](const std::string& at, const std::string& id) {
    FoldInput in = Input(FoldInput::Kind::kWon, at, "e-" + id);
    in.contract_id = id;
    in.revenue_minor = 5'000'000;
    return in;
  };
  auto won = [&](const std::string& day, const std::string& channel) {
    return Count(Grouping::kChannel, day, channel, metric::kWon);
  };
  auto opportunities = [&](const std::string& day, const std::string& channel) {
    return Count(Grouping::kChannel, day, channel, metric::kOpportunities);
  };
  // In order: the hotline lead wins the account; a month later a cross-sell inquiry by WeChat
  // ends in a second contract. That is new business and a conversion, not a second customer.
  ASSERT_TRUE(Apply(Lead("2026-09-03T10:00:00Z", "L1", "hotline")));
  ASSERT_TRUE(Apply(contract("2026-09-20T10:00:00Z", "c1")));
  ASSERT_TRUE(Apply(Lead("2026-10-05T10:00:00Z", "L2", "wechat")));
  ASSERT_TRUE(Apply(contract("2026-10-20T10:00:00Z", "c2")));
  EXPECT_EQ(won("d:2026-09-03", "hotline"), 1);
  EXPECT_EQ(won("d:2026-10-05", "wechat"), 0);
  EXPECT_EQ(opportunities("d:2026-10-05", "wechat"), 1);
  // The second contract is still credited: a whole conversion and its revenue, on its day.
  EXPECT_DOUBLE_EQ(Credit(Grouping::kChannel, Model::kLastTouch, "d:2026-10-20", "wechat"), 1.0);
  EXPECT_DOUBLE_EQ(
      Credit(Grouping::kChannel, Model::kLastTouch, "d:2026-10-20", "wechat", metric::kNewBusiness),
      5'000'000.0);

  // Out of order on a second account: the later contract is folded first and its lead counted
  // won; the earlier contract, folded after it, takes the customer over.
  journeys_.clear();
  delta_ = AggregateDelta();
  ASSERT_TRUE(Apply(Lead("2026-09-03T10:00:00Z", "L1", "hotline")));
  ASSERT_TRUE(Apply(Lead("2026-10-05T10:00:00Z", "L2", "wechat")));
  ASSERT_TRUE(Apply(contract("2026-10-20T10:00:00Z", "c2")));
  EXPECT_EQ(won("d:2026-10-05", "wechat"), 1);
  ASSERT_TRUE(Apply(contract("2026-09-20T10:00:00Z", "c1")));
  EXPECT_EQ(won("d:2026-09-03", "hotline"), 1);
  EXPECT_EQ(won("d:2026-10-05", "wechat"), 0);
  EXPECT_EQ(won("m:2026-10", "wechat"), 0);
  EXPECT_EQ(opportunities("d:2026-10-05", "wechat"), 1);

  // Both contracts before any lead: each lead catches up its own contract, and only the first
  // contract's lead becomes the customer.
  journeys_.clear();
  delta_ = AggregateDelta();
  ASSERT_TRUE(Apply(contract("2026-09-20T10:00:00Z", "c1")));
  ASSERT_TRUE(Apply(contract("2026-10-20T10:00:00Z", "c2")));
  ASSERT_TRUE(Apply(Lead("2026-10-05T10:00:00Z", "L2", "wechat")));
  ASSERT_TRUE(Apply(Lead("2026-09-03T10:00:00Z", "L1", "hotline")));
  EXPECT_EQ(won("d:2026-09-03", "hotline"), 1);
  EXPECT_EQ(won("d:2026-10-05", "wechat"), 0);
  EXPECT_EQ(opportunities("d:2026-10-05", "wechat"), 1);
}

TEST_F(JourneyFoldTest, AContactsTouchesMoveIntoTheAccountOfItsFirstLead) {
  FoldInput scan = Touch("2026-09-01T10:00:00Z", "scan-1", "exhibition", "expo");
  scan.account_id = "contact:+8613800000000";
  ASSERT_TRUE(Apply(scan));
  journeys_["contact:+8613800000000"].version = 1;  // as if stored
  FoldInput lead = Input(FoldInput::Kind::kLead, "2026-09-03T10:00:00Z", "L1");
  lead.lead_id = "L1";
  lead.channel = "hotline";
  lead.contact_journeys = {"contact:+8613800000000", "contact:someone@example.com"};
  ASSERT_TRUE(Apply(lead));
  const auto& j = journeys_["a1"].journey;
  ASSERT_EQ(j.touches_size(), 2);
  EXPECT_EQ(j.touches(0).channel(), "exhibition");
  EXPECT_TRUE(journeys_["contact:+8613800000000"].erase);
  EXPECT_FALSE(journeys_["contact:someone@example.com"].erase);
}

TEST_F(JourneyFoldTest, AConversionWithoutTouchesIsCreditedToDirect) {
  FoldInput won = Input(FoldInput::Kind::kWon, "2026-09-20T10:00:00Z", "e6");
  won.contract_id = "c1";
  won.revenue_minor = 100;
  ASSERT_TRUE(Apply(won));
  EXPECT_NEAR(Credit(Grouping::kChannel, Model::kUShaped, "d:2026-09-20", "(direct)"), 1, 1e-12);
  EXPECT_FALSE(Apply(won));  // the same contract converts once
}

}  // namespace
}  // namespace firstline::attribution
