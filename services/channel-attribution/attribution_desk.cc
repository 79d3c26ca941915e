#include "channel-attribution/attribution_desk.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "channel-attribution/attribution_proto.h"
#include "channel-attribution/channel_report.h"
#include "channel-attribution/event_intake.h"
#include "platform/core/field_checks.h"
#include "platform/core/field_errors.h"
#include "platform/core/proto_time.h"

namespace firstline::attribution {
namespace {

using platform::CheckCode;
using platform::CheckLength;
using platform::FieldErrors;

// Free text that travels into hash fields: no control characters (the field separator is one).
void CheckText(FieldErrors& errors, const std::string& field, const std::string& value,
               size_t max) {
  CheckLength(errors, field, value, max);
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      errors.Add(field, "may not hold control characters");
      return;
    }
  }
}

struct PeriodSpan {
  absl::Time start, end;
};

absl::StatusOr<PeriodSpan> CheckPeriod(FieldErrors& errors, const v1::Period& p, bool has_period) {
  if (!has_period || !p.has_start()) errors.Add("period.start", "is required");
  if (!has_period || !p.has_end()) errors.Add("period.end", "is required");
  if (!has_period || !p.has_start() || !p.has_end()) return errors.ToStatus();
  PeriodSpan span{platform::FromProtoTime(p.start()), platform::FromProtoTime(p.end())};
  if (span.end <= span.start) {
    errors.Add("period.end", "must be after period.start");
  } else if (span.end - span.start > absl::Hours(24 * 366 * 5)) {
    errors.Add("period", "may span at most five years");
  }
  return span;
}

}  // namespace

AttributionDesk::AttributionDesk(AttributionStore& store, EventFolder& folder,
                                 const AttributionSettings& settings, const platform::Clock& clock)
    : store_(store), folder_(folder), settings_(settings), fold_(settings), clock_(clock) {}

absl::StatusOr<v1::RecordTouchResponse> AttributionDesk::RecordTouch(
    const v1::RecordTouchRequest& r, const std::string& trace_id) {
  FieldErrors errors;
  CheckCode(errors, "source_id", r.source_id(), 128, true);
  if (r.account_id().empty() == r.contact_id().empty()) {
    errors.Add("account_id", "exactly one of account_id and contact_id is required");
  }
  CheckCode(errors, "account_id", r.account_id(), 64);
  CheckText(errors, "contact_id", r.contact_id(), 254);
  if (r.contact_id().find(' ') != std::string::npos) {
    errors.Add("contact_id", "must be a normalised phone number or e-mail address");
  }
  CheckCode(errors, "channel", r.channel(), 64, true);
  CheckCode(errors, "campaign", r.campaign(), 64);
  CheckText(errors, "keyword", r.keyword(), 100);
  if (!r.has_occurred_at()) {
    errors.Add("occurred_at", "is required");
  } else if (platform::FromProtoTime(r.occurred_at()) > clock_.Now() + absl::Hours(24)) {
    errors.Add("occurred_at", "is more than a day in the future");
  }
  if (!errors.empty()) return errors.ToStatus();
  FoldInput in;
  in.kind = FoldInput::Kind::kTouch;
  in.event_id = absl::StrCat("touch:", r.source_id());
  in.source_id = r.source_id();
  in.account_id = r.account_id().empty() ? ContactJourney(r.contact_id()) : r.account_id();
  in.channel = r.channel();
  in.campaign = r.campaign();
  in.keyword = r.keyword();
  in.at = platform::FromProtoTime(r.occurred_at());
  auto catalog = store_.Catalog();
  if (!catalog.ok()) return catalog.status();
  auto changed = folder_.Fold({in}, trace_id);
  if (!changed.ok()) return changed.status();
  v1::RecordTouchResponse out;
  out.set_recorded((*changed)[0]);
  out.set_unknown_channel(catalog->count(r.channel()) == 0);
  return out;
}

absl::StatusOr<v1::RecordSpendResponse> AttributionDesk::RecordSpend(
    const v1::RecordSpendRequest& r) {
  FieldErrors errors;
  CheckCode(errors, "channel", r.channel(), 64, true);
  CheckCode(errors, "campaign", r.campaign(), 64);
  CheckText(errors, "keyword", r.keyword(), 100);
  absl::CivilDay day;
  if (r.day().empty()) {
    errors.Add("day", "is required");
  } else if (r.day().size() != 10 || !absl::ParseCivilTime(r.day(), &day)) {
    errors.Add("day", absl::StrCat("'", r.day(), "' is not a date YYYY-MM-DD"));
  }
  int64_t minor = 0;
  if (!r.has_amount()) {
    errors.Add("amount", "is required");
  } else if (r.amount().minor_units() < 0) {
    errors.Add("amount.minor_units", "must not be negative");
  } else if (auto m = settings_.ToReportMinor(r.amount(), "amount"); !m.ok()) {
    errors.Add("amount.currency",
               absl::StrCat("'", r.amount().currency(), "' is not a known currency"));
  } else {
    minor = *m;
  }
  if (!errors.empty()) return errors.ToStatus();
  const DayKeys dates = DateKeys(absl::FromCivil(day, absl::UTCTimeZone()));
  std::vector<std::pair<std::string, std::string>> targets;
  for (Grouping g :
       {Grouping::kChannel, Grouping::kCampaign, Grouping::kKeyword, Grouping::kPartner}) {
    const std::string group = GroupOf(g, r.channel(), r.campaign(), r.keyword(), "");
    if (group.empty()) continue;
    for (const auto& date : {dates.day, dates.month}) {
      targets.emplace_back(CountsKey(g, date), Field(group, metric::kSpend));
    }
  }
  const std::string record =
      absl::StrCat(r.channel(), "\x1f", r.campaign(), "\x1f", r.keyword(), "\x1f", r.day());
  auto replaced = store_.RecordSpend(record, minor, targets);
  if (!replaced.ok()) return replaced.status();
  v1::RecordSpendResponse out;
  out.set_replaced(*replaced);
  return out;
}

absl::StatusOr<v1::SetChannelCatalogResponse> AttributionDesk::SetChannelCatalog(
    const v1::SetChannelCatalogRequest& r) {
  FieldErrors errors;
  std::set<std::string> seen;
  std::vector<v1::Channel> channels;
  for (int i = 0; i < r.channels_size(); ++i) {
    const auto& c = r.channels(i);
    const std::string at = absl::StrCat("channels[", i, "]");
    CheckCode(errors, at + ".channel", c.channel(), 64, true);
    if (!seen.insert(c.channel()).second) errors.Add(at + ".channel", "is listed twice");
    if (c.kind() == v1::CHANNEL_KIND_UNSPECIFIED || !v1::ChannelKind_IsValid(c.kind())) {
      errors.Add(at + ".kind", "must be online, offline, partner or referral");
    }
    CheckText(errors, at + ".display_name", c.display_name(), 100);
    channels.push_back(c);
  }
  if (!errors.empty()) return errors.ToStatus();
  auto n = store_.SetCatalog(channels);
  if (!n.ok()) return n.status();
  v1::SetChannelCatalogResponse out;
  out.set_channels(*n);
  return out;
}

absl::StatusOr<std::map<std::string, double>> AttributionDesk::CreditSums(
    Grouping g, Model m, const std::vector<std::string>& dates) {
  std::vector<std::string> keys;
  if (m != Model::kMarkov) {
    for (const auto& d : dates) keys.push_back(CreditsKey(g, m, d));
    return store_.Sum(keys);
  }
  for (const auto& d : dates) keys.push_back(MarkovKey(g, d));
  auto transitions = store_.Sum(keys);
  if (!transitions.ok()) return transitions.status();
  keys.clear();
  for (const auto& d : dates) keys.push_back(CreditsKey(Grouping::kChannel, Model::kFirstTouch, d));
  auto totals = store_.Sum(keys);
  if (!totals.ok()) return totals.status();
  return MarkovCredits(TransitionsFrom(*transitions), *totals);
}

absl::StatusOr<AttributionDesk::PeriodCounts> AttributionDesk::CountsOver(Grouping g,
                                                                          absl::Time start,
                                                                          absl::Time end) {
  PeriodCounts basis;
  basis.dates = PeriodKeys(start, end);
  std::vector<std::string> keys;
  for (const auto& d : basis.dates) keys.push_back(CountsKey(g, d));
  auto counts = store_.Sum(keys);
  if (!counts.ok()) return counts.status();
  basis.counts = std::move(*counts);
  auto catalog = store_.Catalog();
  if (!catalog.ok()) return catalog.status();
  basis.catalog = std::move(*catalog);
  return basis;
}

absl::StatusOr<std::vector<v1::ReportRow>> AttributionDesk::Rows(Grouping g, Model m,
                                                                 const PeriodCounts& basis) {
  auto credits = CreditSums(g, m, basis.dates);
  if (!credits.ok()) return credits.status();
  return BuildRows(g, basis.counts, *credits, basis.catalog, settings_.report_currency);
}

absl::StatusOr<v1::GetChannelReportResponse> AttributionDesk::ChannelReport(
    const v1::GetChannelReportRequest& r) {
  FieldErrors errors;
  auto span = CheckPeriod(errors, r.period(), r.has_period());
  auto model = FromProtoModel(r.model(), "model");
  if (!model.ok()) {
    errors.Add("model", std::string(absl::StripPrefix(model.status().message(), "model: ")));
  }
  auto grouping = FromProtoGrouping(r.group_by(), "group_by");
  if (!grouping.ok()) errors.Add("group_by", "unknown grouping");
  if (!errors.empty() || !span.ok()) return errors.empty() ? span.status() : errors.ToStatus();
  auto basis = CountsOver(*grouping, span->start, span->end);
  if (!basis.ok()) return basis.status();
  auto rows = Rows(*grouping, *model, *basis);
  if (!rows.ok()) return rows.status();
  v1::GetChannelReportResponse out;
  for (auto& row : *rows) *out.add_rows() = std::move(row);
  return out;
}

absl::StatusOr<v1::CompareModelsResponse> AttributionDesk::CompareModels(
    const v1::CompareModelsRequest& r) {
  FieldErrors errors;
  auto span = CheckPeriod(errors, r.period(), r.has_period());
  auto grouping = FromProtoGrouping(r.group_by(), "group_by");
  if (!grouping.ok()) errors.Add("group_by", "unknown grouping");
  if (!errors.empty() || !span.ok()) return errors.empty() ? span.status() : errors.ToStatus();
  auto basis = CountsOver(*grouping, span->start, span->end);
  if (!basis.ok()) return basis.status();
  v1::CompareModelsResponse out;
  std::vector<Model> models(kJourneyModels.begin(), kJourneyModels.end());
  models.push_back(Model::kMarkov);
  for (Model m : models) {
    auto rows = Rows(*grouping, m, *basis);
    if (!rows.ok()) return rows.status();
    auto* model_rows = out.add_models();
    model_rows->set_model(ToProtoModel(m));
    for (auto& row : *rows) *model_rows->add_rows() = std::move(row);
  }
  return out;
}

absl::StatusOr<v1::GetFunnelResponse> AttributionDesk::Funnel(const v1::GetFunnelRequest& r) {
  FieldErrors errors;
  auto span = CheckPeriod(errors, r.period(), r.has_period());
  CheckCode(errors, "channel", r.channel(), 64);
  if (!errors.empty() || !span.ok()) return errors.empty() ? span.status() : errors.ToStatus();
  std::vector<std::string> keys;
  for (const auto& d : PeriodKeys(span->start, span->end)) {
    keys.push_back(CountsKey(Grouping::kChannel, d));
  }
  auto counts = store_.Sum(keys);
  if (!counts.ok()) return counts.status();
  v1::GetFunnelResponse out;
  for (auto& stage : BuildFunnel(*counts, r.channel())) *out.add_stages() = std::move(stage);
  return out;
}

absl::StatusOr<v1::GetJourneyResponse> AttributionDesk::Journey(const v1::GetJourneyRequest& r) {
  FieldErrors errors;
  CheckCode(errors, "account_id", r.account_id(), 64, true);
  if (!errors.empty()) return errors.ToStatus();
  auto stored = store_.Journey(r.account_id());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrCat("account_id: no journey for '", r.account_id(), "'"));
  }
  const v1::StoredJourney& j = **stored;
  // Credits of the latest conversion; an account not converted yet as if it converted now.
  const absl::Time at = j.conversions_size() > 0
                            ? absl::FromUnixMillis(j.conversions(j.conversions_size() - 1).at_ms())
                            : clock_.Now();
  const attribution::Journey view = ViewAt(j, at, settings_);
  const auto all = fold_.AllCredits(view);
  // Markov credits a touch by its channel's removal effect over the lookback before `at`,
  // normalised over this journey's touches.
  std::vector<std::string> keys;
  for (const auto& d : PeriodKeys(at - settings_.lookback, at + absl::Hours(24))) {
    keys.push_back(MarkovKey(Grouping::kChannel, d));
  }
  auto transitions = store_.Sum(keys);
  if (!transitions.ok()) return transitions.status();
  const auto effects = MarkovRemovalEffects(TransitionsFrom(*transitions));
  std::vector<double> markov(view.touches.size(), 0.0);
  double total = 0;
  for (size_t i = 0; i < view.touches.size(); ++i) {
    auto it = effects.find(view.touches[i].channel);
    markov[i] = it == effects.end() ? 0.0 : it->second;
    total += markov[i];
  }
  v1::GetJourneyResponse out;
  for (size_t i = 0; i < view.touches.size(); ++i) {
    auto* t = out.add_touches();
    t->set_channel(view.touches[i].channel);
    t->set_campaign(view.touches[i].campaign);
    t->set_keyword(view.touches[i].keyword);
    *t->mutable_occurred_at() = platform::ToProtoTime(view.touches[i].at);
    for (const auto& p : PositionsOf(view, i)) t->add_positions(p);
    for (size_t m = 0; m < kJourneyModels.size(); ++m) {
      auto* c = t->add_credits();
      c->set_model(ToProtoModel(kJourneyModels[m]));
      c->set_credit(all[m][i]);
    }
    auto* c = t->add_credits();
    c->set_model(v1::ATTRIBUTION_MODEL_MARKOV);
    c->set_credit(total > 0 ? markov[i] / total : 0.0);
  }
  return out;
}

absl::StatusOr<v1::GetPartnerStatementResponse> AttributionDesk::PartnerStatement(
    const v1::GetPartnerStatementRequest& r) {
  FieldErrors errors;
  CheckCode(errors, "partner_id", r.partner_id(), 64, true);
  auto span = CheckPeriod(errors, r.period(), r.has_period());
  if (!errors.empty() || !span.ok()) return errors.empty() ? span.status() : errors.ToStatus();
  std::vector<std::string> keys;
  for (const auto& d : PeriodKeys(span->start, span->end)) {
    keys.push_back(CountsKey(Grouping::kPartner, d));
  }
  auto counts = store_.Sum(keys);
  if (!counts.ok()) return counts.status();
  return BuildStatement(*counts, r.partner_id(), settings_);
}

absl::Status AttributionDesk::ApplyEvents(const std::vector<v1::Envelope>& events) {
  std::vector<FoldInput> inputs;
  inputs.reserve(events.size());
  for (const auto& e : events) {
    auto in = InputOf(e, settings_);
    if (!in.ok()) return in.status();
    if (in->has_value()) inputs.push_back(std::move(**in));
  }
  if (inputs.empty()) return absl::OkStatus();
  return folder_.Fold(inputs).status();
}

}  // namespace firstline::attribution
