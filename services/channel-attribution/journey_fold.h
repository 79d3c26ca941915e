#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "channel-attribution/aggregate_keys.h"
#include "channel-attribution/attribution_models.h"
#include "channel-attribution/attribution_proto.h"
#include "channel-attribution/attribution_settings.h"
#include "firstline/v1/attribution_events.pb.h"

namespace firstline::attribution {

// One thing that happened to an account, decoded from an event or a RecordTouch call.
struct FoldInput {
  enum class Kind {
    kTouch,               // a touch that is not a lead (RecordTouch)
    kLead,                // LeadReceived: a lead and its touch
    kLeadMerged,          // LeadMerged: a duplicate inquiry, a touch of the open lead
    kLeadAccepted,        // WorkItemAssigned of a lead: accepted, first response
    kLeadQualified,       // LeadStatusChanged to QUALIFIED
    kLeadDisqualified,    // LeadStatusChanged to DISQUALIFIED: a journey that did not convert
    kPartnerOpportunity,  // OpportunityRegistered: the partner's touch and the opportunity
    kWon,                 // ContractSigned: a conversion
    kRenewed,             // ContractRenewed: renewal revenue
  };
  Kind kind = Kind::kTouch;
  std::string event_id;  // idempotency key
  std::string account_id;
  absl::Time at;
  std::string lead_id;
  std::string channel, campaign, keyword;
  std::string source_id;  // touch, lead or registration id (a touch is stored once per id)
  std::string region;     // kLead
  std::vector<std::string> contact_journeys;  // kLead: contacts' journeys merged into it
  std::string contract_id;                    // kWon, kRenewed
  int64_t revenue_minor = 0;                  // kWon, kRenewed, reporting currency
};

// Increments of aggregates, summed per (key, field) over a batch: counts are integers, credits
// and attributed revenue fractional. Grouped by key, so a batch appends to each aggregate once
// however many of its fields change. Keys and fields are copied only when first met: a fold
// adds dozens of increments per event, most to fields the batch has already.
class AggregateDelta {
 public:
  template <typename V>
  using ByKey = absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, V>>;

  void AddCount(absl::string_view key, absl::string_view field, int64_t n) {
    Slot(counts_, key, field) += n;
  }
  void AddCredit(absl::string_view key, absl::string_view field, double x) {
    Slot(credits_, key, field) += x;
  }
  const ByKey<int64_t>& counts() const { return counts_; }
  const ByKey<double>& credits() const { return credits_; }
  int64_t Count(const std::string& key, const std::string& field) const {
    return Find(counts_, key, field);
  }
  double CreditOf(const std::string& key, const std::string& field) const {
    return Find(credits_, key, field);
  }

 private:
  template <typename V>
  static V& Slot(ByKey<V>& map, absl::string_view key, absl::string_view field) {
    auto k = map.find(key);
    if (k == map.end()) k = map.try_emplace(std::string(key)).first;
    auto f = k->second.find(field);
    if (f == k->second.end()) f = k->second.try_emplace(std::string(field), V{}).first;
    return f->second;
  }
  template <typename V>
  static V Find(const ByKey<V>& map, const std::string& key, const std::string& field) {
    auto k = map.find(key);
    if (k == map.end()) return V{};
    auto f = k->second.find(field);
    return f == k->second.end() ? V{} : f->second;
  }

  ByKey<int64_t> counts_;
  ByKey<double> credits_;
};

// The journeys a batch touches, as loaded (version) and as folded.
struct JourneySlot {
  v1::StoredJourney journey;
  int64_t version = 0;   // 0: not stored
  bool changed = false;  // write back
  bool erase = false;    // a contact's journey merged into an account
};
using JourneySet = std::map<std::string, JourneySlot>;

// The stored journey seen from a conversion at `at`: its touches collapsed and inside the
// lookback, with the first lead's touch, the opportunity's and the winning one marked. A
// conversion without any touch gets one "(direct)" touch holding every position.
Journey ViewAt(const v1::StoredJourney& journey, absl::Time at, const AttributionSettings& s);

// Folds inputs into journeys and aggregates. Pure: no I/O, no clock.
//
// Counts are kept per lead cohort (the day the lead came in, its source): leads, accepted,
// qualified, opportunities, customers won, first-response histogram. A lead's stage only
// advances; reaching a stage counts every stage before it not counted yet. Attributed
// conversions and revenue are kept per day they happened, credited to the touches under every
// per-journey model; a touch arriving after a conversion it falls before (inside the
// lookback) re-credits that conversion. Markov transitions are kept per day of conversion or
// disqualification.
class JourneyFold {
 public:
  explicit JourneyFold(const AttributionSettings& settings) : s_(settings) {}

  // Returns false when the input changed nothing (a touch seen before, an unknown lead).
  bool Apply(const FoldInput& in, JourneySet& journeys, AggregateDelta& delta,
             std::vector<v1::ConversionAttributed>& conversions) const;

  // Each per-journey model's credits for a view, in kJourneyModels order.
  std::vector<std::vector<double>> AllCredits(const Journey& view) const;

 private:
  bool AddTouch(v1::StoredJourney& j, v1::StoredTouch touch, AggregateDelta& delta,
                std::vector<v1::ConversionAttributed>& conversions) const;
  void CatchUp(v1::StoredJourney& j, const std::string& lead_id, AggregateDelta& delta) const;
  // Counts the stages `lead` reaches on its way to `stage`, with the metrics `also` (one pass
  // over the groupings and dates for all of them).
  void AdvanceLead(v1::StoredJourney& j, v1::StoredLead& lead, int stage, AggregateDelta& delta,
                   std::vector<absl::string_view> also = {}) const;
  // Takes the customer stage back from a lead whose contract is no longer the account's first.
  void RetreatFromCustomer(const v1::StoredJourney& j, v1::StoredLead& lead,
                           AggregateDelta& delta) const;
  void CountLead(const v1::StoredJourney& j, const v1::StoredLead& lead,
                 const std::vector<absl::string_view>& metrics, int64_t n,
                 AggregateDelta& delta) const;
  void Credit(const Journey& view, const std::string& region, absl::Time when, double conversions,
              double new_business, double renewal, AggregateDelta& delta) const;
  void RecordPath(const Journey& view, const std::string& region, absl::Time when, bool converted,
                  AggregateDelta& delta) const;
  void Convert(const FoldInput& in, v1::StoredJourney& j, AggregateDelta& delta,
               std::vector<v1::ConversionAttributed>& conversions) const;
  void Renew(const FoldInput& in, const v1::StoredJourney& j, AggregateDelta& delta) const;
  v1::ConversionAttributed Describe(const v1::StoredJourney& j, const v1::StoredConversion& c,
                                    bool recredited) const;

  const AttributionSettings& s_;
};

}  // namespace firstline::attribution
