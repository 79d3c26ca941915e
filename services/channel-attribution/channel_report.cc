#include "channel-attribution/channel_report.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace firstline::attribution {
namespace {

double Get(const FieldSums& sums, const std::string& group, absl::string_view metric) {
  auto it = sums.find(Field(group, metric));
  return it == sums.end() ? 0.0 : it->second;
}

std::string ChannelPart(const std::string& group) {
  return std::string(group.substr(0, group.find('/')));
}

}  // namespace

v1::Money MoneyOf(double minor, const std::string& currency) {
  v1::Money m;
  m.set_currency(currency);
  m.set_minor_units(std::llround(minor));
  return m;
}

TransitionCounts TransitionsFrom(const FieldSums& sums) {
  TransitionCounts out;
  for (const auto& [field, n] : sums) {
    std::string from, to;
    if (SplitField(field, &from, &to) && n > 0) out[{from, to}] += n;
  }
  return out;
}

FieldSums MarkovCredits(const TransitionCounts& transitions, const FieldSums& channel_first_touch) {
  double conversions = 0, new_business = 0, renewal = 0;
  for (const auto& [field, v] : channel_first_touch) {
    std::string group, metric;
    if (!SplitField(field, &group, &metric)) continue;
    if (metric == metric::kConversions) conversions += v;
    if (metric == metric::kNewBusiness) new_business += v;
    if (metric == metric::kRenewal) renewal += v;
  }
  FieldSums out;
  for (const auto& [group, share] : MarkovRemovalEffects(transitions)) {
    out[Field(group, metric::kConversions)] = share * conversions;
    out[Field(group, metric::kNewBusiness)] = share * new_business;
    out[Field(group, metric::kRenewal)] = share * renewal;
  }
  return out;
}

double MedianFirstResponse(const FieldSums& counts, const std::string& group) {
  const std::string prefix = Field(group, metric::kFirstResponsePrefix);
  std::vector<std::pair<int64_t, double>> buckets;
  double total = 0;
  for (auto it = counts.lower_bound(prefix); it != counts.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(absl::string_view(it->first).substr(prefix.size()), &seconds)) continue;
    if (it->second <= 0) continue;
    buckets.emplace_back(seconds, it->second);
    total += it->second;
  }
  if (total <= 0) return 0;
  std::sort(buckets.begin(), buckets.end());
  // The value at 1-based rank r; the median averages the two middle ranks of an even count.
  auto at_rank = [&](double rank) {
    double seen = 0;
    for (const auto& [seconds, n] : buckets) {
      seen += n;
      if (seen >= rank) return static_cast<double>(seconds);
    }
    return static_cast<double>(buckets.back().first);
  };
  const auto n = static_cast<int64_t>(std::llround(total));
  if (n % 2 == 1) return at_rank(static_cast<double>(n / 2 + 1));
  return (at_rank(static_cast<double>(n / 2)) + at_rank(static_cast<double>(n / 2 + 1))) / 2;
}

std::vector<v1::ReportRow> BuildRows(Grouping grouping, const FieldSums& counts,
                                     const FieldSums& credits,
                                     const std::map<std::string, v1::Channel>& catalog,
                                     const std::string& currency) {
  std::set<std::string> groups;
  for (const auto* sums : {&counts, &credits}) {
    for (const auto& [field, v] : *sums) {
      std::string group, metric;
      if (SplitField(field, &group, &metric) && std::abs(v) > 1e-9) groups.insert(group);
    }
  }
  std::vector<v1::ReportRow> rows;
  for (const auto& group : groups) {
    v1::ReportRow r;
    r.set_group(group);
    const bool by_channel = grouping == Grouping::kChannel || grouping == Grouping::kCampaign ||
                            grouping == Grouping::kKeyword;
    const std::string channel = ChannelPart(group);
    r.set_unknown(by_channel && channel != kDirectChannel && catalog.count(channel) == 0);
    const auto count = [&](absl::string_view m) {
      return static_cast<int64_t>(std::llround(Get(counts, group, m)));
    };
    r.set_leads(count(metric::kLeads));
    r.set_accepted_leads(count(metric::kAccepted));
    r.set_median_first_response_seconds(MedianFirstResponse(counts, group));
    r.set_opportunities(count(metric::kOpportunities));
    r.set_customers_won(count(metric::kWon));
    const double conversions = Get(credits, group, metric::kConversions);
    const double new_business = Get(credits, group, metric::kNewBusiness);
    const double renewal = Get(credits, group, metric::kRenewal);
    const double spend = Get(counts, group, metric::kSpend);
    r.set_attributed_conversions(conversions);
    *r.mutable_new_business_revenue() = MoneyOf(new_business, currency);
    *r.mutable_renewal_revenue() = MoneyOf(renewal, currency);
    *r.mutable_spend() = MoneyOf(spend, currency);
    if (r.leads() > 0) {
      *r.mutable_cost_per_lead() = MoneyOf(spend / static_cast<double>(r.leads()), currency);
      r.set_lead_to_customer_rate(static_cast<double>(r.customers_won()) /
                                  static_cast<double>(r.leads()));
    }
    if (conversions > 1e-9) *r.mutable_cac() = MoneyOf(spend / conversions, currency);
    if (spend > 0) r.set_roi((new_business + renewal - spend) / spend);
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.new_business_revenue().minor_units() + a.renewal_revenue().minor_units() >
           b.new_business_revenue().minor_units() + b.renewal_revenue().minor_units();
  });
  return rows;
}

std::vector<v1::FunnelStage> BuildFunnel(const FieldSums& channel_counts,
                                         const std::string& channel) {
  static constexpr const char* kStages[kFunnelStages] = {"lead", "accepted", "qualified",
                                                         "opportunity", "customer"};
  double totals[kFunnelStages] = {0, 0, 0, 0, 0};
  for (const auto& [field, v] : channel_counts) {
    std::string group, metric;
    if (!SplitField(field, &group, &metric)) continue;
    if (!channel.empty() && group != channel) continue;
    for (int s = 0; s < kFunnelStages; ++s) {
      if (metric == StageMetric(s + 1)) totals[s] += v;
    }
  }
  std::vector<v1::FunnelStage> out;
  for (int s = 0; s < kFunnelStages; ++s) {
    v1::FunnelStage stage;
    stage.set_stage(kStages[s]);
    stage.set_count(std::llround(totals[s]));
    const double step = s == 0 ? 1.0 : (totals[s - 1] > 0 ? totals[s] / totals[s - 1] : 0.0);
    stage.set_step_conversion(step);
    stage.set_drop_off(s == 0 || totals[s - 1] <= 0 ? 0.0 : 1.0 - step);
    out.push_back(std::move(stage));
  }
  return out;
}

v1::GetPartnerStatementResponse BuildStatement(const FieldSums& partner_counts,
                                               const std::string& partner,
                                               const AttributionSettings& settings) {
  const std::string& currency = settings.report_currency;
  const std::string& tier_name = settings.TierOf(partner);
  const CommissionTier tier =
      settings.tiers.count(tier_name) > 0 ? settings.tiers.at(tier_name) : CommissionTier{};
  const double sourced = Get(partner_counts, partner, metric::kSourced);
  const double influenced = Get(partner_counts, partner, metric::kInfluenced);
  const double renewal = Get(partner_counts, partner, metric::kRenewal);
  v1::GetPartnerStatementResponse out;
  *out.mutable_sourced_revenue() = MoneyOf(sourced, currency);
  *out.mutable_influenced_revenue() = MoneyOf(influenced, currency);
  double total = 0;
  for (const auto& [kind, rate, revenue] : {std::tuple{"sourced", tier.sourced, sourced},
                                            std::tuple{"influenced", tier.influenced, influenced},
                                            std::tuple{"renewal", tier.renewal, renewal}}) {
    auto* line = out.add_lines();
    line->set_tier(absl::StrCat(tier_name, "/", kind));
    line->set_rate(rate);
    *line->mutable_revenue() = MoneyOf(revenue, currency);
    *line->mutable_commission() = MoneyOf(revenue * rate, currency);
    total += std::llround(revenue * rate);
  }
  *out.mutable_total_commission() = MoneyOf(total, currency);
  return out;
}

}  // namespace firstline::attribution
