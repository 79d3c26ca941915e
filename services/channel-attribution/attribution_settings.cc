#include "channel-attribution/attribution_settings.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace firstline::attribution {
namespace {

// Names the line of the offending node, as the other services' policy files do.
absl::Status Bad(const YAML::Node& at, const std::string& key, const std::string& what) {
  const int line = at.IsDefined() ? at.Mark().line : -1;
  return absl::InvalidArgumentError(
      line >= 0 ? absl::StrCat("attribution settings: line ", line + 1, ": ", key, ": ", what)
                : absl::StrCat("attribution settings: ", key, ": ", what));
}

// A scalar's text; a map or a list where a word belongs is an error, not an exception.
absl::StatusOr<std::string> Text(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) return Bad(node, key, "must be a single value");
  return node.Scalar();
}

absl::StatusOr<double> Number(const YAML::Node& node, const std::string& key, double min,
                              double max) {
  double v = 0;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    return Bad(node, key, "must be a number");
  }
  if (!(v >= min && v <= max))
    return Bad(node, key, absl::StrCat("must be in [", min, ", ", max, "]"));
  return v;
}

absl::Status ReadTier(const YAML::Node& node, const std::string& key, CommissionTier& tier) {
  if (!node.IsMap()) return Bad(node, key, "must be a map of sourced, influenced, renewal");
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    double* target = name == "sourced"      ? &tier.sourced
                     : name == "influenced" ? &tier.influenced
                     : name == "renewal"    ? &tier.renewal
                                            : nullptr;
    if (target == nullptr) return Bad(kv.first, key + "." + name, "unknown rate");
    auto v = Number(kv.second, key + "." + name, 0, 1);
    if (!v.ok()) return v.status();
    *target = *v;
  }
  return absl::OkStatus();
}

absl::Status ReadCommission(const YAML::Node& node, AttributionSettings& s) {
  if (!node.IsMap()) return Bad(node, "commission", "must be a map");
  if (node["tiers"]) {
    if (!node["tiers"].IsMap()) return Bad(node["tiers"], "commission.tiers", "must be a map");
    s.tiers.clear();
    for (const auto& kv : node["tiers"]) {
      const std::string name = kv.first.Scalar();
      CommissionTier tier;
      if (auto st = ReadTier(kv.second, "commission.tiers." + name, tier); !st.ok()) return st;
      s.tiers[name] = tier;
    }
  }
  if (node["default_tier"]) {
    auto tier = Text(node["default_tier"], "commission.default_tier");
    if (!tier.ok()) return tier.status();
    s.default_tier = *tier;
  }
  if (s.tiers.count(s.default_tier) == 0) {
    return Bad(node["default_tier"] ? node["default_tier"] : node, "commission.default_tier",
               absl::StrCat("'", s.default_tier, "' is not a tier"));
  }
  if (node["partners"]) {
    if (!node["partners"].IsMap())
      return Bad(node["partners"], "commission.partners", "must be a map");
    for (const auto& kv : node["partners"]) {
      const std::string partner = kv.first.Scalar();
      auto tier = Text(kv.second, "commission.partners." + partner);
      if (!tier.ok()) return tier.status();
      if (s.tiers.count(*tier) == 0) {
        return Bad(kv.second, "commission.partners." + partner,
                   absl::StrCat("'", *tier, "' is not a tier"));
      }
      s.partner_tiers[partner] = *tier;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> AttributionSettings::ToReportMinor(const v1::Money& money,
                                                           const std::string& field) const {
  auto it = rates.find(money.currency());
  if (it == rates.end()) {
    std::vector<std::string> known;
    for (const auto& [c, r] : rates) known.push_back(c);
    return absl::InvalidArgumentError(absl::StrCat(field, ".currency: '", money.currency(),
                                                   "' is not a known currency (",
                                                   absl::StrJoin(known, ", "), ")"));
  }
  return static_cast<int64_t>(std::llround(static_cast<double>(money.minor_units()) * it->second));
}

const std::string& AttributionSettings::TierOf(const std::string& partner) const {
  auto it = partner_tiers.find(partner);
  return it == partner_tiers.end() ? default_tier : it->second;
}

absl::StatusOr<AttributionSettings> ParseAttributionSettingsYaml(const std::string& text) {
  AttributionSettings s;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("attribution settings: line ", e.mark.line + 1, ": ", e.msg));
  }
  if (!root.IsDefined() || root.IsNull()) return s;
  if (!root.IsMap()) return Bad(root, "(root)", "must be a map");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "report_currency") {
      auto currency = Text(v, key);
      if (!currency.ok()) return currency.status();
      s.report_currency = *currency;
    } else if (key == "rates") {
      if (!v.IsMap()) return Bad(v, "rates", "must be a map of currency to rate");
      s.rates.clear();
      for (const auto& r : v) {
        const std::string currency = r.first.Scalar();
        if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), ::isupper)) {
          return Bad(r.first, "rates." + currency, "must be an ISO 4217 code such as CNY");
        }
        auto rate = Number(r.second, "rates." + currency, 1e-9, 1e9);
        if (!rate.ok()) return rate.status();
        s.rates[currency] = *rate;
      }
    } else if (key == "collapse_window_hours") {
      auto h = Number(v, key, 0, 24 * 30);
      if (!h.ok()) return h.status();
      s.collapse_window = absl::Hours(*h);
    } else if (key == "lookback_days") {
      auto d = Number(v, key, 1, 3650);
      if (!d.ok()) return d.status();
      s.lookback = absl::Hours(24 * *d);
    } else if (key == "half_life_days") {
      auto d = Number(v, key, 0.01, 3650);
      if (!d.ok()) return d.status();
      s.half_life = absl::Hours(24 * *d);
    } else if (key == "commission") {
      if (auto st = ReadCommission(v, s); !st.ok()) return st;
    } else {
      return Bad(kv.first, key, "unknown key");
    }
  }
  auto own = s.rates.find(s.report_currency);
  if (own == s.rates.end()) s.rates[s.report_currency] = 1.0;
  if (s.rates[s.report_currency] != 1.0) {
    return Bad(root["rates"][s.report_currency], "rates." + s.report_currency,
               "must be 1 (the reporting currency)");
  }
  return s;
}

}  // namespace firstline::attribution
