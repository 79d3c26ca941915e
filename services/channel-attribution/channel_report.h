#pragma once

#include <map>
#include <string>
#include <vector>

#include "channel-attribution/aggregate_keys.h"
#include "channel-attribution/attribution_models.h"
#include "channel-attribution/attribution_settings.h"
#include "firstline/v1/attribution.pb.h"

namespace firstline::attribution {

// Summed aggregate fields ("<group>\x1f<metric>" -> value) of a period.
using FieldSums = std::map<std::string, double>;

// Markov credits of a period: each group's removal-effect share of the period's conversions,
// new-business and renewal revenue (totals from `channel_first_touch`, where every
// conversion is credited once), written as credit fields like the per-journey models'.
FieldSums MarkovCredits(const TransitionCounts& transitions, const FieldSums& channel_first_touch);

// Transition counts from summed Markov fields ("<from>\x1f<to>").
TransitionCounts TransitionsFrom(const FieldSums& sums);

// Report rows of one model: counts per lead cohort, credits per day they happened, spend, and
// what follows from them (cost per lead, CAC, ROI, conversion rate). By attributed revenue,
// highest first. A channel not in `catalog` is kept and flagged unknown.
std::vector<v1::ReportRow> BuildRows(Grouping grouping, const FieldSums& counts,
                                     const FieldSums& credits,
                                     const std::map<std::string, v1::Channel>& catalog,
                                     const std::string& currency);

// Median first response of `group` from its histogram fields (0 when none).
double MedianFirstResponse(const FieldSums& counts, const std::string& group);

// Stages lead -> accepted -> qualified -> opportunity -> customer of `channel` (all when empty)
// with step conversion and drop-off.
std::vector<v1::FunnelStage> BuildFunnel(const FieldSums& channel_counts,
                                         const std::string& channel);

// A partner's statement from the partner grouping's counts and its tier's rates.
v1::GetPartnerStatementResponse BuildStatement(const FieldSums& partner_counts,
                                               const std::string& partner,
                                               const AttributionSettings& settings);

v1::Money MoneyOf(double minor, const std::string& currency);

}  // namespace firstline::attribution
