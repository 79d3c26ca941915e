#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "routing/work_item.h"

namespace firstline::routing {

enum class Strategy { kOwner, kRoundRobin, kWeightedRoundRobin, kLeastLoaded, kBroadcast };

absl::string_view StrategyName(Strategy s);
std::optional<Strategy> ParseStrategy(absl::string_view name);

// One condition on an item attribute: the attribute's value is (or, negated, is not) one of
// `values`; with `presence` set, only whether the attribute is non-empty matters.
struct Condition {
  std::string attribute;
  std::vector<std::string> values;
  bool negate = false;
  std::optional<bool> presence;
  int line = 0;

  bool Matches(const WorkItem& item) const;
};

struct Target {
  Strategy strategy = Strategy::kRoundRobin;
  std::string pool;          // empty only for `owner`
  std::string organisation;  // literal, "$<attribute>" (from the item), or empty: any
  std::vector<std::string> skills;
  absl::Duration offer_timeout = absl::Minutes(5);
  int max_offers = 3;      // offers made at this target before escalating to the next
  int broadcast_size = 3;  // for `broadcast`: offers at once
  std::optional<absl::Duration> sla;
  int line = 0;

  // The organisation workers must belong to for this item; empty: any.
  std::string OrganisationFor(const WorkItem& item) const;
};

struct Rule {
  std::string name;
  std::vector<Condition> conditions;  // all must hold
  std::vector<Target> targets;        // tried in order
  bool is_default = false;
  int line = 0;

  bool Matches(const WorkItem& item) const;
};

// A versioned routing policy: ordered rules, first match wins; the last rule is the default.
struct Policy {
  std::string version;
  std::vector<Rule> rules;

  const Rule& Match(const WorkItem& item) const;
  const Rule* FindRule(absl::string_view name) const;
};

// Parses and validates a policy. On any problem nothing is returned but INVALID_ARGUMENT
// listing every error as "line N: ...".
absl::StatusOr<Policy> ParsePolicy(absl::string_view yaml);
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

}  // namespace firstline::routing
