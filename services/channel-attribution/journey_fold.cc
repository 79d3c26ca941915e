#include "channel-attribution/journey_fold.h"

#include <algorithm>
#include <set>

#include "platform/core/proto_time.h"

namespace firstline::attribution {
namespace {

constexpr int kMaxTouches = 500;  // the oldest go first; a lookback rarely reaches that far

// An account becomes a customer once: the lead that won its first contract (by signing time)
// reaches the customer stage; the lead of a later contract (a cross-sell) the opportunity stage.
int StageWonBy(int conversion_index) {
  return conversion_index == 0 ? kStageCustomer : kStageOpportunity;
}

int64_t Millis(absl::Time t) { return absl::ToUnixMillis(t); }
absl::Time FromMillis(int64_t ms) { return absl::FromUnixMillis(ms); }

v1::StoredLead* FindLead(v1::StoredJourney& j, const std::string& lead_id) {
  for (auto& l : *j.mutable_leads()) {
    if (l.lead_id() == lead_id) return &l;
  }
  return nullptr;
}

// The lead being worked when something happened at `at_ms`: the latest one received by then.
v1::StoredLead* LeadAt(v1::StoredJourney& j, int64_t at_ms) {
  v1::StoredLead* found = nullptr;
  for (auto& l : *j.mutable_leads()) {
    if (l.received_ms() <= at_ms) found = &l;
  }
  return found;
}

std::vector<std::string> Dates(absl::Time when) {
  DayKeys k = DateKeys(when);
  return {std::move(k.day), std::move(k.month)};
}

}  // namespace

Journey ViewAt(const v1::StoredJourney& j, absl::Time at, const AttributionSettings& s) {
  Journey raw;
  raw.converted_at = at;
  const int64_t at_ms = Millis(at);
  const std::string first_lead = j.leads_size() > 0 ? j.leads(0).lead_id() : "";
  const int64_t opportunity_ms = j.opportunity_ms();
  for (size_t i = 0; i < static_cast<size_t>(j.touches_size()); ++i) {
    const auto& t = j.touches(static_cast<int>(i));
    raw.touches.push_back({t.channel(), t.campaign(), t.keyword(), FromMillis(t.at_ms())});
    if (t.at_ms() > at_ms) continue;
    if (!raw.lead_touch && !first_lead.empty() && t.source_id() == first_lead) raw.lead_touch = i;
    if (opportunity_ms > 0 && opportunity_ms <= at_ms && t.at_ms() <= opportunity_ms) {
      raw.opportunity_touch = i;
    }
    raw.won_touch = i;
  }
  Journey view = Prepare(std::move(raw), s.collapse_window, s.lookback);
  if (view.touches.empty()) {
    view.touches.push_back({std::string(kDirectChannel), "", "", at});
    view.lead_touch = view.opportunity_touch = view.won_touch = 0;
  }
  return view;
}

std::vector<std::vector<double>> JourneyFold::AllCredits(const Journey& view) const {
  std::vector<std::vector<double>> all;
  for (Model m : kJourneyModels) {
    auto credits = Credits(m, view, s_.half_life);
    all.push_back(credits.ok() ? *credits : std::vector<double>(view.touches.size(), 0.0));
  }
  return all;
}

bool JourneyFold::Apply(const FoldInput& in, JourneySet& journeys, AggregateDelta& delta,
                        std::vector<v1::ConversionAttributed>& conversions) const {
  JourneySlot& slot = journeys[in.account_id];
  v1::StoredJourney& j = slot.journey;
  if (j.account_id().empty()) j.set_account_id(in.account_id);
  const int64_t at_ms = Millis(in.at);
  auto touch = [&](std::string channel, std::string campaign) {
    v1::StoredTouch t;
    t.set_channel(std::move(channel));
    t.set_campaign(std::move(campaign));
    t.set_keyword(in.keyword);
    t.set_at_ms(at_ms);
    t.set_source_id(in.source_id);
    return t;
  };
  bool changed = false;
  using K = FoldInput::Kind;
  switch (in.kind) {
    case K::kTouch:
    case K::kLeadMerged:
      changed = AddTouch(j, touch(in.channel, in.campaign), delta, conversions);
      break;
    case K::kLead: {
      if (FindLead(j, in.lead_id) != nullptr) return false;
      for (const auto& contact : in.contact_journeys) {
        auto it = journeys.find(contact);
        if (it == journeys.end() || it->second.version == 0 || it->second.erase) continue;
        for (const auto& t : it->second.journey.touches()) AddTouch(j, t, delta, conversions);
        it->second.erase = true;
      }
      if (j.region().empty()) j.set_region(in.region);
      v1::StoredLead lead;
      lead.set_lead_id(in.lead_id);
      lead.set_received_ms(at_ms);
      lead.set_channel(in.channel);
      lead.set_campaign(in.campaign);
      lead.set_keyword(in.keyword);
      auto* leads = j.mutable_leads();
      auto pos = std::upper_bound(leads->begin(), leads->end(), at_ms,
                                  [](int64_t ms, const auto& l) { return ms < l.received_ms(); });
      const int index = static_cast<int>(pos - leads->begin());
      leads->Add(std::move(lead));
      for (int i = leads->size() - 1; i > index; --i) leads->SwapElements(i, i - 1);
      AddTouch(j, touch(in.channel, in.campaign), delta, conversions);
      AdvanceLead(j, *leads->Mutable(index), kStageLead, delta);
      CatchUp(j, in.lead_id, delta);
      changed = true;
      break;
    }
    case K::kLeadAccepted: {
      v1::StoredLead* lead = FindLead(j, in.lead_id);
      if (lead == nullptr || lead->accepted_ms() != 0) return false;
      lead->set_accepted_ms(at_ms);
      const int64_t seconds = std::max<int64_t>(0, (at_ms - lead->received_ms()) / 1000);
      const std::string bucket =
          absl::StrCat(metric::kFirstResponsePrefix, FirstResponseBucket(seconds));
      AdvanceLead(j, *lead, kStageAccepted, delta, {bucket});
      changed = true;
      break;
    }
    case K::kLeadQualified: {
      v1::StoredLead* lead = FindLead(j, in.lead_id);
      if (lead == nullptr) return false;
      if (j.opportunity_ms() == 0 || j.opportunity_ms() > at_ms) {
        j.set_opportunity_ms(at_ms);
        j.set_opportunity_lead_id(in.lead_id);
      }
      AdvanceLead(j, *lead, kStageQualified, delta);
      changed = true;
      break;
    }
    case K::kLeadDisqualified: {
      if (FindLead(j, in.lead_id) == nullptr) return false;
      RecordPath(ViewAt(j, in.at, s_), j.region(), in.at, false, delta);
      changed = true;
      break;
    }
    case K::kPartnerOpportunity: {
      v1::StoredLead* lead = LeadAt(j, at_ms);
      if (j.opportunity_ms() == 0 || j.opportunity_ms() > at_ms) {
        j.set_opportunity_ms(at_ms);
        j.set_opportunity_lead_id(lead != nullptr ? lead->lead_id() : "");
      }
      changed = AddTouch(j, touch(in.channel, in.campaign), delta, conversions);
      if (lead != nullptr) AdvanceLead(j, *lead, kStageOpportunity, delta);
      break;
    }
    case K::kWon:
      for (const auto& c : j.conversions()) {
        if (c.contract_id() == in.contract_id) return false;
      }
      Convert(in, j, delta, conversions);
      changed = true;
      break;
    case K::kRenewed:
      Renew(in, j, delta);
      changed = true;
      break;
  }
  slot.changed = slot.changed || changed;
  return changed;
}

bool JourneyFold::AddTouch(v1::StoredJourney& j, v1::StoredTouch touch, AggregateDelta& delta,
                           std::vector<v1::ConversionAttributed>& conversions) const {
  if (!touch.source_id().empty()) {
    for (const auto& t : j.touches()) {
      if (t.source_id() == touch.source_id()) return false;  // recorded before
    }
  }
  const int64_t lookback_ms = absl::ToInt64Milliseconds(s_.lookback);
  std::vector<int> affected;
  for (int i = 0; i < j.conversions_size(); ++i) {
    const int64_t c = j.conversions(i).at_ms();
    if (touch.at_ms() <= c && touch.at_ms() >= c - lookback_ms) affected.push_back(i);
  }
  v1::StoredJourney before;
  if (!affected.empty()) before = j;
  auto* touches = j.mutable_touches();
  auto pos = std::upper_bound(touches->begin(), touches->end(), touch.at_ms(),
                              [](int64_t ms, const auto& t) { return ms < t.at_ms(); });
  const int index = static_cast<int>(pos - touches->begin());
  touches->Add(std::move(touch));
  for (int i = touches->size() - 1; i > index; --i) touches->SwapElements(i, i - 1);
  if (touches->size() > kMaxTouches) touches->DeleteSubrange(0, touches->size() - kMaxTouches);
  // A late touch re-credits each conversion it falls before: the old credits are taken back
  // and the new ones given, on the conversion's own day.
  for (int i : affected) {
    const auto& c = j.conversions(i);
    const absl::Time at = FromMillis(c.at_ms());
    const auto revenue = static_cast<double>(c.revenue_minor());
    Credit(ViewAt(before, at, s_), j.region(), at, -1, -revenue, 0, delta);
    Credit(ViewAt(j, at, s_), j.region(), at, 1, revenue, 0, delta);
    conversions.push_back(Describe(j, c, true));
  }
  return true;
}

void JourneyFold::CatchUp(v1::StoredJourney& j, const std::string& lead_id,
                          AggregateDelta& delta) const {
  // Contracts and registrations travel on other topics than leads and may be folded first:
  // a lead that was the one being worked when they happened takes the stage they mean.
  auto worked_at = [&](int64_t ms) {
    const v1::StoredLead* lead = LeadAt(j, ms);
    return lead != nullptr && lead->lead_id() == lead_id;
  };
  // Only what no lead was counted for yet: a conversion or an opportunity wins one lead, so
  // a lead that arrives after the one already counted (late, or behind a clock that runs
  // ahead) does not count it a second time.
  int stage = 0;
  for (int i = 0; i < j.conversions_size(); ++i) {
    auto* c = j.mutable_conversions(i);
    if (c->won_lead_id().empty() && worked_at(c->at_ms())) {
      c->set_won_lead_id(lead_id);
      stage = std::max(stage, StageWonBy(i));
    }
  }
  if (j.opportunity_ms() > 0 && j.opportunity_lead_id().empty() && worked_at(j.opportunity_ms())) {
    j.set_opportunity_lead_id(lead_id);
    stage = std::max<int>(stage, kStageOpportunity);
  }
  if (stage > 0) AdvanceLead(j, *FindLead(j, lead_id), stage, delta);
}

void JourneyFold::CountLead(const v1::StoredJourney& j, const v1::StoredLead& lead,
                            const std::vector<absl::string_view>& metrics, int64_t n,
                            AggregateDelta& delta) const {
  if (metrics.empty()) return;
  const auto dates = Dates(FromMillis(lead.received_ms()));
  // One buffer each for keys and fields: this runs for every stage of every lead.
  std::string key, field;
  for (Grouping g : kGroupings) {
    field.clear();
    AppendGroup(field, g, lead.channel(), lead.campaign(), lead.keyword(), j.region());
    if (field.empty()) continue;
    field.push_back(kFieldSeparator);  // "<group>\x1f", then each metric in turn
    const size_t stem = field.size();
    for (const auto& date : dates) {
      key.clear();
      AppendCountsKey(key, g, date);
      for (absl::string_view metric : metrics) {
        field.resize(stem);
        field.append(metric.data(), metric.size());
        delta.AddCount(key, field, n);
      }
    }
  }
}

void JourneyFold::RetreatFromCustomer(const v1::StoredJourney& j, v1::StoredLead& lead,
                                      AggregateDelta& delta) const {
  if (lead.stage() < kStageCustomer) return;
  CountLead(j, lead, {StageMetric(kStageCustomer)}, -1, delta);
  lead.set_stage(kStageOpportunity);
}

void JourneyFold::AdvanceLead(v1::StoredJourney& j, v1::StoredLead& lead, int stage,
                              AggregateDelta& delta, std::vector<absl::string_view> reached) const {
  for (int s = lead.stage() + 1; s <= stage; ++s) reached.push_back(StageMetric(s));
  CountLead(j, lead, reached, 1, delta);
  lead.set_stage(std::max(lead.stage(), stage));
}

void JourneyFold::Credit(const Journey& view, const std::string& region, absl::Time when,
                         double conversions, double new_business, double renewal,
                         AggregateDelta& delta) const {
  const auto dates = Dates(when);
  const auto all = AllCredits(view);
  // Keys and fields are the same for every touch and model: built once per conversion.
  std::vector<std::string> keys;  // [model][grouping][date]
  for (Model m : kJourneyModels) {
    for (Grouping g : kGroupings) {
      for (const auto& date : dates) keys.push_back(CreditsKey(g, m, date));
    }
  }
  const size_t per_model = kGroupings.size() * dates.size();
  for (size_t i = 0; i < view.touches.size(); ++i) {
    const Touch& t = view.touches[i];
    for (size_t gi = 0; gi < kGroupings.size(); ++gi) {
      const std::string group = GroupOf(kGroupings[gi], t.channel, t.campaign, t.keyword, region);
      if (group.empty()) continue;
      const std::string conversions_field = Field(group, metric::kConversions);
      const std::string new_business_field = Field(group, metric::kNewBusiness);
      const std::string renewal_field = Field(group, metric::kRenewal);
      for (size_t m = 0; m < kJourneyModels.size(); ++m) {
        const double c = all[m][i];
        if (c == 0) continue;
        for (size_t d = 0; d < dates.size(); ++d) {
          const std::string& key = keys[m * per_model + gi * dates.size() + d];
          if (conversions != 0) delta.AddCredit(key, conversions_field, conversions * c);
          if (new_business != 0) delta.AddCredit(key, new_business_field, new_business * c);
          if (renewal != 0) delta.AddCredit(key, renewal_field, renewal * c);
        }
      }
    }
  }
}

void JourneyFold::RecordPath(const Journey& view, const std::string& region, absl::Time when,
                             bool converted, AggregateDelta& delta) const {
  const auto dates = Dates(when);
  for (Grouping g : kGroupings) {
    std::string previous(kMarkovStart);
    auto step = [&](const std::string& next) {
      for (const auto& date : dates) delta.AddCount(MarkovKey(g, date), Field(previous, next), 1);
      previous = next;
    };
    for (const Touch& t : view.touches) {
      std::string state = GroupOf(g, t.channel, t.campaign, t.keyword, region);
      step(state.empty() ? std::string(kMarkovOther) : state);
    }
    step(std::string(converted ? kMarkovConversion : kMarkovNull));
  }
}

void JourneyFold::Convert(const FoldInput& in, v1::StoredJourney& j, AggregateDelta& delta,
                          std::vector<v1::ConversionAttributed>& conversions) const {
  const Journey view = ViewAt(j, in.at, s_);
  v1::StoredConversion c;
  c.set_contract_id(in.contract_id);
  c.set_at_ms(Millis(in.at));
  c.set_revenue_minor(in.revenue_minor);
  std::set<std::string> partners;
  for (size_t i = 0; i < view.touches.size(); ++i) {
    const Touch& t = view.touches[i];
    if (t.channel != kPartnerChannel) continue;
    if (view.opportunity_touch == i) {
      c.set_sourced_partner(t.campaign);
    } else {
      partners.insert(t.campaign);
    }
  }
  const auto revenue = static_cast<double>(in.revenue_minor);
  Credit(view, j.region(), in.at, 1, revenue, 0, delta);
  RecordPath(view, j.region(), in.at, true, delta);
  for (const auto& date : Dates(in.at)) {
    const std::string key = CountsKey(Grouping::kPartner, date);
    if (!c.sourced_partner().empty()) {
      delta.AddCount(key, Field(c.sourced_partner(), metric::kSourced), in.revenue_minor);
    }
    for (const auto& p : partners) {
      if (p != c.sourced_partner())
        delta.AddCount(key, Field(p, metric::kInfluenced), in.revenue_minor);
    }
  }
  v1::StoredLead* lead = LeadAt(j, c.at_ms());
  if (lead != nullptr) c.set_won_lead_id(lead->lead_id());
  // A later contract's revenue is still new business (StageWonBy for the stages). A contract
  // folded late but signed before the first one takes the customer over from that one's lead.
  const std::string former_first =
      j.conversions_size() > 0 ? j.conversions(0).won_lead_id() : std::string();
  const std::string won_lead = c.won_lead_id();
  auto* list = j.mutable_conversions();
  list->Add(std::move(c));
  int index = list->size() - 1;
  for (; index > 0 && list->Get(index).at_ms() < list->Get(index - 1).at_ms(); --index) {
    list->SwapElements(index, index - 1);
  }
  if (index == 0 && !former_first.empty() && former_first != won_lead) {
    if (v1::StoredLead* former = FindLead(j, former_first); former != nullptr) {
      RetreatFromCustomer(j, *former, delta);
    }
  }
  if (lead != nullptr) AdvanceLead(j, *lead, StageWonBy(index), delta);
  for (const auto& stored : j.conversions()) {
    if (stored.contract_id() == in.contract_id) conversions.push_back(Describe(j, stored, false));
  }
}

void JourneyFold::Renew(const FoldInput& in, const v1::StoredJourney& j,
                        AggregateDelta& delta) const {
  // Renewal revenue goes to whoever won the customer: the conversion before it (or the first).
  const v1::StoredConversion* base = nullptr;
  for (const auto& c : j.conversions()) {
    if (base == nullptr || c.at_ms() <= Millis(in.at)) base = &c;
  }
  const absl::Time won_at = base != nullptr ? FromMillis(base->at_ms()) : in.at;
  v1::StoredJourney none;
  const Journey view = ViewAt(base != nullptr ? j : none, won_at, s_);
  Credit(view, j.region(), in.at, 0, 0, static_cast<double>(in.revenue_minor), delta);
  if (base != nullptr && !base->sourced_partner().empty()) {
    for (const auto& date : Dates(in.at)) {
      delta.AddCount(CountsKey(Grouping::kPartner, date),
                     Field(base->sourced_partner(), metric::kRenewal), in.revenue_minor);
    }
  }
}

v1::ConversionAttributed JourneyFold::Describe(const v1::StoredJourney& j,
                                               const v1::StoredConversion& c,
                                               bool recredited) const {
  v1::ConversionAttributed e;
  e.set_account_id(j.account_id());
  e.set_contract_id(c.contract_id());
  *e.mutable_converted_at() = platform::ToProtoTime(FromMillis(c.at_ms()));
  e.mutable_revenue()->set_currency(s_.report_currency);
  e.mutable_revenue()->set_minor_units(c.revenue_minor());
  e.set_recredited(recredited);
  const Journey view = ViewAt(j, FromMillis(c.at_ms()), s_);
  const auto all = AllCredits(view);
  for (size_t i = 0; i < view.touches.size(); ++i) {
    auto* t = e.add_touches();
    t->set_channel(view.touches[i].channel);
    t->set_campaign(view.touches[i].campaign);
    t->set_keyword(view.touches[i].keyword);
    *t->mutable_occurred_at() = platform::ToProtoTime(view.touches[i].at);
    for (const std::string& p : PositionsOf(view, i)) t->add_positions(p);
    for (size_t m = 0; m < kJourneyModels.size(); ++m) {
      auto* credit = t->add_credits();
      credit->set_model(ToProtoModel(kJourneyModels[m]));
      credit->set_credit(all[m][i]);
    }
  }
  return e;
}

}  // namespace firstline::attribution
