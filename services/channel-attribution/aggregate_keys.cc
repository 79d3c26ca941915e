#include "channel-attribution/aggregate_keys.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace firstline::attribution {

const char* GroupingCode(Grouping g) {
  switch (g) {
    case Grouping::kChannel:
      return "ch";
    case Grouping::kCampaign:
      return "cp";
    case Grouping::kKeyword:
      return "kw";
    case Grouping::kPartner:
      return "pt";
    case Grouping::kRegion:
      return "rg";
  }
  return "ch";
}

std::string GroupOf(Grouping g, absl::string_view channel, absl::string_view campaign,
                    absl::string_view keyword, absl::string_view region) {
  std::string out;
  AppendGroup(out, g, channel, campaign, keyword, region);
  return out;
}

void AppendGroup(std::string& out, Grouping g, absl::string_view channel,
                 absl::string_view campaign, absl::string_view keyword, absl::string_view region) {
  switch (g) {
    case Grouping::kChannel:
      absl::StrAppend(&out, channel);
      return;
    case Grouping::kCampaign:
      absl::StrAppend(&out, channel, "/", campaign);
      return;
    case Grouping::kKeyword:
      absl::StrAppend(&out, channel, "/", campaign, "/", keyword);
      return;
    case Grouping::kPartner:
      if (channel == kPartnerChannel) absl::StrAppend(&out, campaign);
      return;
    case Grouping::kRegion:
      absl::StrAppend(&out, region.empty() ? kUnknownRegion : region);
      return;
  }
}

absl::string_view StageMetric(int stage) {
  switch (stage) {
    case kStageLead:
      return metric::kLeads;
    case kStageAccepted:
      return metric::kAccepted;
    case kStageQualified:
      return metric::kQualified;
    case kStageOpportunity:
      return metric::kOpportunities;
    default:
      return metric::kWon;
  }
}

std::string Field(absl::string_view group, absl::string_view metric) {
  return absl::StrCat(group, absl::string_view(&kFieldSeparator, 1), metric);
}

bool SplitField(absl::string_view field, std::string* group, std::string* metric) {
  const size_t at = field.rfind(kFieldSeparator);
  if (at == absl::string_view::npos) return false;
  *group = std::string(field.substr(0, at));
  *metric = std::string(field.substr(at + 1));
  return true;
}

int64_t FirstResponseBucket(int64_t seconds) {
  if (seconds < 120) return std::max<int64_t>(seconds, 0);
  const double step = std::log(1.05);
  const auto n = static_cast<int64_t>(std::floor(std::log(seconds / 120.0) / step));
  return static_cast<int64_t>(std::ceil(120.0 * std::exp(static_cast<double>(n) * step)));
}

DayKeys DateKeys(absl::Time t) {
  // Written by hand: this runs several times per folded event, and StrFormat shows up.
  const absl::CivilDay d = absl::ToCivilDay(t, absl::UTCTimeZone());
  char day[] = "d:0000-00-00";
  auto put = [](char* at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
  };
  put(day + 2, d.year() % 10000, 4);
  put(day + 7, d.month(), 2);
  put(day + 10, d.day(), 2);
  std::string month(day, 9);
  month[0] = 'm';
  return {std::string(day, 12), std::move(month)};
}

std::vector<std::string> PeriodKeys(absl::Time start, absl::Time end) {
  std::vector<std::string> keys;
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilDay day = absl::ToCivilDay(start, utc);
  if (absl::FromCivil(day, utc) < start) ++day;  // a partial first day is left out
  while (absl::FromCivil(day, utc) < end) {
    const absl::CivilMonth month(day);
    const absl::CivilDay month_end = absl::CivilDay(month + 1);
    if (day == absl::CivilDay(month) && absl::FromCivil(month_end, utc) <= end) {
      keys.push_back(absl::StrFormat("m:%04d-%02d", month.year(), month.month()));
      day = month_end;
      continue;
    }
    keys.push_back(absl::StrFormat("d:%04d-%02d-%02d", day.year(), day.month(), day.day()));
    ++day;
  }
  return keys;
}

std::string CountsKey(Grouping g, absl::string_view date) {
  std::string out;
  AppendCountsKey(out, g, date);
  return out;
}
void AppendCountsKey(std::string& out, Grouping g, absl::string_view date) {
  absl::StrAppend(&out, kTag, ":agg:", GroupingCode(g), ":", date);
}
std::string CreditsKey(Grouping g, Model m, absl::string_view date) {
  return absl::StrCat(kTag, ":cr:", GroupingCode(g), ":", ModelName(m), ":", date);
}
std::string MarkovKey(Grouping g, absl::string_view date) {
  return absl::StrCat(kTag, ":mk:", GroupingCode(g), ":", date);
}
std::string JourneyKey(absl::string_view account) { return absl::StrCat(kTag, ":j:", account); }
std::string OutboxKey() { return absl::StrCat(kTag, ":outbox"); }

}  // namespace firstline::attribution
