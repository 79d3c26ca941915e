// Every attribution model on journeys worked out by hand, short journeys included; the
// collapse window, the lookback and the Markov removal effect.
#include "channel-attribution/attribution_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace firstline::attribution {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Pointwise;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

absl::Time Day(int d) { return kT0 + absl::Hours(24 * d); }

// Touches on days 0, 1, 2, ... of channels "a", "b", "c", ...; lead and opportunity created
// by the given touches; converted (won) by the last one on the day after it.
Journey Of(size_t n, std::optional<size_t> lead, std::optional<size_t> opportunity,
           std::optional<size_t> won) {
  Journey j;
  for (size_t i = 0; i < n; ++i) {
    j.touches.push_back({std::string(1, static_cast<char>('a' + i)), "camp", "", Day(i)});
  }
  j.lead_touch = lead;
  j.opportunity_touch = opportunity;
  j.won_touch = won;
  j.converted_at = Day(static_cast<int>(n));
  return j;
}

std::vector<double> CreditsOf(Model m, const Journey& j) {
  auto c = Credits(m, j);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.value_or(std::vector<double>{});
}

MATCHER(Near, "") { return std::abs(std::get<0>(arg) - std::get<1>(arg)) < 1e-9; }

TEST(AttributionModelsTest, SimpleModelsOnFiveTouches) {
  Journey j = Of(5, 1, 3, 4);
  EXPECT_THAT(CreditsOf(Model::kFirstTouch, j), ElementsAre(1, 0, 0, 0, 0));
  EXPECT_THAT(CreditsOf(Model::kLastTouch, j), ElementsAre(0, 0, 0, 0, 1));
  EXPECT_THAT(CreditsOf(Model::kLinear, j), Pointwise(Near(), {0.2, 0.2, 0.2, 0.2, 0.2}));
}

TEST(AttributionModelsTest, PositionalModelsOnFiveTouches) {
  Journey j = Of(5, 1, 3, 4);
  // U: first .4, lead (b) .4, the 20 % over c, d, e (no position among U's) = .2/3 each.
  EXPECT_THAT(CreditsOf(Model::kUShaped, j),
              Pointwise(Near(), {0.4, 0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3}));
  // W: first, lead (b), opportunity (d) .3 each; 10 % over c and e.
  EXPECT_THAT(CreditsOf(Model::kWShaped, j), Pointwise(Near(), {0.3, 0.3, 0.05, 0.3, 0.05}));
  // Full path: a, b, d, e 22.5 % each; 10 % to c, the only touch without a position.
  EXPECT_THAT(CreditsOf(Model::kFullPath, j), Pointwise(Near(), {0.225, 0.225, 0.1, 0.225, 0.225}));
}

TEST(AttributionModelsTest, ShortJourneysFollowTheDocumentedRules) {
  // One touch: everything, whatever the model.
  for (Model m : {Model::kUShaped, Model::kWShaped, Model::kFullPath, Model::kTimeDecay}) {
    EXPECT_THAT(CreditsOf(m, Of(1, 0, 0, 0)), Pointwise(Near(), {1.0})) << ModelName(m);
  }
  // Two touches, U: first .4 + lead .4, no other touch: the 20 % in proportion -> 50/50.
  EXPECT_THAT(CreditsOf(Model::kUShaped, Of(2, 1, std::nullopt, std::nullopt)),
              Pointwise(Near(), {0.5, 0.5}));
  // Three touches, W, no opportunity yet: its 30 % goes to first and lead in proportion
  // (.45 each); the 10 % rest to c, the only touch holding no position.
  EXPECT_THAT(CreditsOf(Model::kWShaped, Of(3, 1, std::nullopt, std::nullopt)),
              Pointwise(Near(), {0.45, 0.45, 0.1}));
  // Lead created by the first touch, U: 80 % on it, 20 % over the other two.
  EXPECT_THAT(CreditsOf(Model::kUShaped, Of(3, 0, std::nullopt, std::nullopt)),
              Pointwise(Near(), {0.8, 0.1, 0.1}));
  // Full path on three touches a(first, lead) b(opportunity) c(won): every touch holds a
  // position, so the 10 % goes in proportion: a .45 -> .5, b and c .225 -> .25.
  EXPECT_THAT(CreditsOf(Model::kFullPath, Of(3, 0, 1, 2)), Pointwise(Near(), {0.5, 0.25, 0.25}));
  EXPECT_TRUE(CreditsOf(Model::kLinear, Journey{}).empty());
}

TEST(AttributionModelsTest, TimeDecayHalvesPerHalfLife) {
  // Touches 14, 7 and 0 days before conversion, half-life 7 days: weights 1/4, 1/2, 1 -> /1.75.
  Journey j;
  j.converted_at = Day(14);
  for (int d : {0, 7, 14}) j.touches.push_back({"x", "c", "", Day(d)});
  auto c = Credits(Model::kTimeDecay, j, absl::Hours(24 * 7));
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(*c, Pointwise(Near(), {0.25 / 1.75, 0.5 / 1.75, 1 / 1.75}));
  EXPECT_EQ(Credits(Model::kTimeDecay, j, absl::ZeroDuration()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Credits(Model::kMarkov, j).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AttributionModelsTest, CollapseWindowAndLookback) {
  Journey j;
  j.converted_at = Day(100);
  j.touches = {{"expo", "spring", "", Day(0)},                    // before the lookback
               {"sem", "erp", "k1", Day(20)},                     // kept (0)
               {"sem", "erp", "k2", Day(20) + absl::Hours(3)},    // repeat: collapses
               {"sem", "other", "k1", Day(20) + absl::Hours(4)},  // other campaign: kept (1)
               {"sem", "erp", "k1", Day(21) + absl::Hours(1)},    // 25 h later: kept (2)
               {"edm", "nov", "", Day(99)},                       // kept (3)
               {"late", "x", "", Day(101)}};                      // after conversion
  j.lead_touch = 2;         // the collapsed repeat created the lead: the kept touch holds it
  j.opportunity_touch = 0;  // outside the lookback: no opportunity position left
  j.won_touch = 5;
  Journey p = Prepare(j, absl::Hours(24), absl::Hours(24 * 90));
  ASSERT_EQ(p.touches.size(), 4u);
  EXPECT_EQ(p.touches[0].keyword, "k1");
  EXPECT_EQ(p.touches[1].campaign, "other");
  EXPECT_EQ(p.touches[2].at, Day(21) + absl::Hours(1));
  EXPECT_EQ(p.touches[3].channel, "edm");
  EXPECT_EQ(p.lead_touch, 0u);
  EXPECT_FALSE(p.opportunity_touch.has_value());
  EXPECT_EQ(p.won_touch, 3u);
}

TEST(AttributionModelsTest, MarkovRemovalEffectWorkedByHand) {
  // Paths: A > B > conversion; A > null; B > conversion.
  // Transitions: start->A 2/3, start->B 1/3; A->B 1/2, A->null 1/2; B->conversion 1.
  // P(conversion) = 2/3 * 1/2 + 1/3 * 1 = 2/3.
  // Without A: start->A leads nowhere, P = 1/3 * 1 = 1/3; removal effect 1 - (1/3)/(2/3) = 1/2.
  // Without B: A->B and start->B lead nowhere, P = 0; removal effect 1.
  // Normalised: A = 0.5 / 1.5 = 1/3, B = 1 / 1.5 = 2/3.
  auto effects = MarkovRemovalEffects({{{"A", "B"}, true}, {{"A"}, false}, {{"B"}, true}});
  ASSERT_EQ(effects.size(), 2u);
  EXPECT_THAT(effects["A"], DoubleNear(1.0 / 3, 1e-9));
  EXPECT_THAT(effects["B"], DoubleNear(2.0 / 3, 1e-9));
  // A loop (B > B) and a channel that never converts: C gets no credit.
  auto looped = MarkovRemovalEffects({{{"B", "B"}, true}, {{"C"}, false}});
  EXPECT_THAT(looped["B"], DoubleNear(1.0, 1e-9));
  EXPECT_THAT(looped["C"], DoubleNear(0.0, 1e-9));
  EXPECT_TRUE(MarkovRemovalEffects({{{"A"}, false}}).empty());  // nothing converts
}

TEST(AttributionModelsTest, UnknownModelIsNamed) {
  auto m = ParseModel("last_click");
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("'last_click' is not one of first_touch"), std::string::npos);
  EXPECT_EQ(*ParseModel("w_shaped"), Model::kWShaped);
}

}  // namespace
}  // namespace firstline::attribution
