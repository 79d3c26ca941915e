#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/common.pb.h"

namespace firstline::attribution {

// A partner tier's commission rates, shares of revenue (0-1).
struct CommissionTier {
  double sourced = 0.3;     // deals the partner's registration created
  double influenced = 0.1;  // deals the partner touched but did not source
  double renewal = 0.2;     // renewals of accounts it sourced
};

// What the service is configured with (deploy/policies/attribution.yaml).
struct AttributionSettings {
  // Every amount is converted into this currency when it is recorded.
  std::string report_currency = "CNY";
  // Units of the reporting currency per unit of each known currency (the reporting currency
  // itself is 1). A currency not listed is unknown and refused.
  std::map<std::string, double> rates = {{"CNY", 1.0}};
  absl::Duration collapse_window = absl::Hours(24);
  absl::Duration lookback = absl::Hours(24 * 90);
  absl::Duration half_life = absl::Hours(24 * 7);
  std::map<std::string, CommissionTier> tiers = {{"standard", {}}};
  std::string default_tier = "standard";
  std::map<std::string, std::string> partner_tiers;  // partner id -> tier name

  static AttributionSettings Default() { return {}; }

  // `money` in minor units of the reporting currency; INVALID_ARGUMENT naming `field` for an
  // unknown currency.
  absl::StatusOr<int64_t> ToReportMinor(const v1::Money& money, const std::string& field) const;
  bool KnowsCurrency(const std::string& currency) const { return rates.count(currency) > 0; }
  const std::string& TierOf(const std::string& partner) const;
};

// Parses the YAML form; errors name the key. Unset keys keep their defaults:
//   report_currency: CNY
//   rates: {CNY: 1, USD: 7.1}
//   collapse_window_hours: 24
//   lookback_days: 90
//   half_life_days: 7
//   commission:
//     default_tier: silver
//     tiers: {gold: {sourced: 0.5, influenced: 0.15, renewal: 0.3}, silver: {...}}
//     partners: {p-hz-01: gold}
absl::StatusOr<AttributionSettings> ParseAttributionSettingsYaml(const std::string& text);

}  // namespace firstline::attribution
