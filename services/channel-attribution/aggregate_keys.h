#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "channel-attribution/attribution_models.h"

namespace firstline::attribution {

// How report rows are grouped; each grouping keeps its own aggregates.
enum class Grouping { kChannel, kCampaign, kKeyword, kPartner, kRegion };
inline constexpr std::array<Grouping, 5> kGroupings = {Grouping::kChannel, Grouping::kCampaign,
                                                       Grouping::kKeyword, Grouping::kPartner,
                                                       Grouping::kRegion};
// The models credited per journey at conversion time (Markov is computed at report time).
inline constexpr std::array<Model, 7> kJourneyModels = {
    Model::kFirstTouch, Model::kLastTouch, Model::kLinear,   Model::kUShaped,
    Model::kWShaped,    Model::kFullPath,  Model::kTimeDecay};

// Short code of a grouping in key names: ch, cp, kw, pt, rg.
const char* GroupingCode(Grouping g);

// Channel "partner" carries partners' registrations (campaign = partner id).
inline constexpr absl::string_view kPartnerChannel = "partner";
// Conversions without a touch in the lookback window are credited to this channel.
inline constexpr absl::string_view kDirectChannel = "(direct)";
inline constexpr absl::string_view kUnknownRegion = "(unknown)";

// The group a touch falls in under `g` ("" when none: a non-partner touch has no partner).
// Campaign and keyword groups join with '/' (channel and campaign are codes without '/').
std::string GroupOf(Grouping g, absl::string_view channel, absl::string_view campaign,
                    absl::string_view keyword, absl::string_view region);
// The same, appended to `out` (the fold reuses one buffer: it names groups per increment).
void AppendGroup(std::string& out, Grouping g, absl::string_view channel,
                 absl::string_view campaign, absl::string_view keyword, absl::string_view region);

// Metric names inside aggregate hashes (field "<group>\x1f<metric>").
namespace metric {
inline constexpr absl::string_view kLeads = "leads";
inline constexpr absl::string_view kAccepted = "accepted";
inline constexpr absl::string_view kQualified = "qualified";
inline constexpr absl::string_view kOpportunities = "opps";
inline constexpr absl::string_view kWon = "won";
inline constexpr absl::string_view kSpend = "spend";
inline constexpr absl::string_view kConversions = "conv";
inline constexpr absl::string_view kNewBusiness = "nb";
inline constexpr absl::string_view kRenewal = "rn";
inline constexpr absl::string_view kSourced = "sourced";
inline constexpr absl::string_view kInfluenced = "influenced";
inline constexpr absl::string_view kFirstResponsePrefix = "frt:";  // + bucket seconds
}  // namespace metric

// A lead's funnel stages, in order (StoredLead.stage holds one, 0 before the first).
enum FunnelStage : int {
  kStageLead = 1,
  kStageAccepted = 2,
  kStageQualified = 3,
  kStageOpportunity = 4,
  kStageCustomer = 5,
};
inline constexpr int kFunnelStages = 5;

// The cohort metric of a funnel stage.
absl::string_view StageMetric(int stage);

inline constexpr char kFieldSeparator = '\x1f';
std::string Field(absl::string_view group, absl::string_view metric);
// Splits a field back into group and metric; false when it has no separator.
bool SplitField(absl::string_view field, std::string* group, std::string* metric);

// First-response times are kept as histograms: whole seconds below 120 s are exact, longer
// ones fall in 5 % wide buckets named by their lower bound.
int64_t FirstResponseBucket(int64_t seconds);

// Every aggregate is kept per UTC day and per UTC month, so a year reads twelve month hashes
// and the partial months' days.
struct DayKeys {
  std::string day;    // "d:2026-11-23"
  std::string month;  // "m:2026-11"
};
DayKeys DateKeys(absl::Time t);
// The date suffixes covering the whole UTC days whose start lies in [start, end).
std::vector<std::string> PeriodKeys(absl::Time start, absl::Time end);

// Key builders, all under the hash tag "{ca}".
inline constexpr absl::string_view kTag = "{ca}";
std::string CountsKey(Grouping g, absl::string_view date);  // counts, first response, spend
void AppendCountsKey(std::string& out, Grouping g, absl::string_view date);
std::string CreditsKey(Grouping g, Model m, absl::string_view date);  // conv, nb, rn
std::string MarkovKey(Grouping g, absl::string_view date);  // "<from>\x1f<to>" transition counts
std::string JourneyKey(absl::string_view account);
std::string OutboxKey();

}  // namespace firstline::attribution
