#include "routing/policy.h"

#include <gtest/gtest.h>

namespace firstline::routing {
namespace {

constexpr char kPolicy[] = R"(version: "2026-11-22.1"
rules:
  - name: protected
    when:
      partner_registration: {present: true}
    targets:
      - strategy: round_robin
        pool: partners
        organisation: $partner_registration
        offer_timeout: 10m
  - name: vip
    when:
      value_tier: [VIP, KOL]
      region: {not: [CN-XJ]}
    targets:
      - strategy: owner
        offer_timeout: 2m
      - strategy: least_loaded
        pool: inside-sales
        skills: [erp]
        offer_timeout: 90s
        max_offers: 2
        sla: 30m
  - name: p1
    when:
      priority: P1
    targets:
      - strategy: broadcast
        pool: field
        broadcast: 4
  - name: default
    default: true
    targets:
      - strategy: weighted_round_robin
        pool: inside-sales
)";

WorkItem Item(std::map<std::string, std::string> attributes) {
  return {"lead-1", "lead", "acct-1", std::move(attributes), {}};
}

TEST(PolicyTest, ParsesRulesTargetsAndConditions) {
  auto policy = ParsePolicy(kPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->version, "2026-11-22.1");
  ASSERT_EQ(policy->rules.size(), 4u);
  const Rule& vip = policy->rules[1];
  ASSERT_EQ(vip.targets.size(), 2u);
  EXPECT_EQ(vip.targets[0].strategy, Strategy::kOwner);
  EXPECT_EQ(vip.targets[1].strategy, Strategy::kLeastLoaded);
  EXPECT_EQ(vip.targets[1].offer_timeout, absl::Seconds(90));
  EXPECT_EQ(vip.targets[1].max_offers, 2);
  EXPECT_EQ(vip.targets[1].sla, absl::Minutes(30));
  EXPECT_EQ(policy->rules[2].targets[0].broadcast_size, 4);
  EXPECT_TRUE(policy->rules[3].is_default);
}

TEST(PolicyTest, FirstMatchWinsWithListsNegationAndPresence) {
  auto policy = ParsePolicy(kPolicy);
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->Match(Item({{"partner_registration", "acme"}, {"value_tier", "VIP"}})).name,
            "protected");
  EXPECT_EQ(policy->Match(Item({{"value_tier", "KOL"}, {"region", "CN-ZJ"}})).name, "vip");
  EXPECT_EQ(policy->Match(Item({{"value_tier", "VIP"}, {"region", "CN-XJ"}})).name, "default");
  EXPECT_EQ(policy->Match(Item({{"priority", "P1"}})).name, "p1");
  EXPECT_EQ(policy->Match(Item({})).name, "default");
  EXPECT_EQ(policy->rules[0].targets[0].OrganisationFor(Item({{"partner_registration", "acme"}})),
            "acme");
}

TEST(PolicyTest, EveryErrorIsReportedWithItsLine) {
  constexpr char kBad[] = R"(rules:
  - name: a
    when:
      region: {between: [1, 2]}
    targets:
      - strategy: fastest
        pool: x
      - strategy: round_robin
        offer_timeout: soon
  - name: a
    default: true
    targets:
      - strategy: owner
        max_offers: 0
  - name: after-default
    targets:
      - strategy: owner
)";
  auto policy = ParsePolicy(kBad);
  ASSERT_FALSE(policy.ok());
  std::string m(policy.status().message());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.find("line 1: version: required"), std::string::npos) << m;
  EXPECT_NE(m.find("line 4: when.region: unknown operator 'between'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 6: target.strategy: 'fastest' is not one of"), std::string::npos) << m;
  EXPECT_NE(m.find("line 8: target.pool: required for strategy round_robin"), std::string::npos)
      << m;
  EXPECT_NE(m.find("line 9: target.offer_timeout"), std::string::npos) << m;
  EXPECT_NE(m.find("line 10: rule.name: 'a' is used twice"), std::string::npos) << m;
  EXPECT_NE(m.find("line 14: target.max_offers: must be 1..100"), std::string::npos) << m;
  EXPECT_NE(m.find("the default rule must be the last one"), std::string::npos) << m;
}

TEST(PolicyTest, MissingDefaultAndBrokenYamlAreRefused) {
  auto no_default = ParsePolicy(
      "version: v1\nrules:\n  - name: a\n    targets:\n"
      "      - strategy: owner\n");
  ASSERT_FALSE(no_default.ok());
  EXPECT_NE(no_default.status().message().find("a default rule"), absl::string_view::npos);
  auto broken = ParsePolicy("version: v1\nrules: [\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("not valid YAML: line"), absl::string_view::npos);
  EXPECT_FALSE(ParsePolicy("just a string").ok());
  EXPECT_EQ(LoadPolicyFile("/nonexistent/policy.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace firstline::routing
