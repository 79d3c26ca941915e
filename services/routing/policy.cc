#include "routing/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace firstline::routing {
namespace {

constexpr std::pair<Strategy, absl::string_view> kStrategies[] = {
    {Strategy::kOwner, "owner"},
    {Strategy::kRoundRobin, "round_robin"},
    {Strategy::kWeightedRoundRobin, "weighted_round_robin"},
    {Strategy::kLeastLoaded, "least_loaded"},
    {Strategy::kBroadcast, "broadcast"},
};

// Collects errors with their (1-based) line so one run reports them all.
class Problems {
 public:
  void Add(const YAML::Node& at, absl::string_view what) {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    items_.push_back(absl::StrCat("line ", line, ": ", what));
  }
  void AddAt(int line, absl::string_view what) {
    items_.push_back(absl::StrCat("line ", line, ": ", what));
  }
  bool empty() const { return items_.empty(); }
  absl::Status ToStatus() const {
    return absl::InvalidArgumentError(
        absl::StrCat("policy has ", items_.size(), " error(s): ", absl::StrJoin(items_, "; ")));
  }

 private:
  std::vector<std::string> items_;
};

std::optional<std::string> Scalar(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  return n.Scalar();
}

std::vector<std::string> StringList(const YAML::Node& n, absl::string_view what, Problems& p) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& v : n) {
      if (v.IsScalar()) {
        out.push_back(v.Scalar());
      } else {
        p.Add(v, absl::StrCat(what, ": every entry must be a plain value"));
      }
    }
  } else {
    p.Add(n, absl::StrCat(what, ": must be a value or a list of values"));
  }
  return out;
}

std::optional<absl::Duration> DurationOf(const YAML::Node& n, absl::string_view what, Problems& p) {
  absl::Duration d;
  auto s = Scalar(n);
  if (!s || !absl::ParseDuration(*s, &d) || d <= absl::ZeroDuration()) {
    p.Add(n, absl::StrCat(what, ": must be a positive duration such as 30s, 5m or 1h"));
    return std::nullopt;
  }
  return d;
}

std::optional<int> IntOf(const YAML::Node& n, absl::string_view what, int lo, int hi, Problems& p) {
  int v = 0;
  try {
    v = n.as<int>();
  } catch (const YAML::Exception&) {
    p.Add(n, absl::StrCat(what, ": must be a whole number"));
    return std::nullopt;
  }
  if (v < lo || v > hi) {
    p.Add(n, absl::StrCat(what, ": must be ", lo, "..", hi));
    return std::nullopt;
  }
  return v;
}

void ParseConditions(const YAML::Node& when, Rule& rule, Problems& p) {
  if (!when.IsMap()) {
    p.Add(when, "when: must map attribute names to conditions");
    return;
  }
  for (const auto& entry : when) {
    Condition c;
    c.attribute = entry.first.Scalar();
    c.line = entry.first.Mark().line + 1;
    const YAML::Node& v = entry.second;
    if (v.IsMap()) {
      for (const auto& op : v) {
        std::string key = op.first.Scalar();
        if (key == "not") {
          c.negate = true;
          c.values = StringList(op.second, absl::StrCat("when.", c.attribute, ".not"), p);
        } else if (key == "in") {
          c.values = StringList(op.second, absl::StrCat("when.", c.attribute, ".in"), p);
        } else if (key == "present") {
          try {
            c.presence = op.second.as<bool>();
          } catch (const YAML::Exception&) {
            p.Add(op.second, absl::StrCat("when.", c.attribute, ".present: must be true or false"));
          }
        } else {
          p.Add(op.first, absl::StrCat("when.", c.attribute, ": unknown operator '", key,
                                       "' (in, not, present)"));
        }
      }
    } else {
      c.values = StringList(v, absl::StrCat("when.", c.attribute), p);
    }
    if (!c.presence && c.values.empty()) {
      p.Add(v, absl::StrCat("when.", c.attribute, ": needs at least one value"));
    }
    rule.conditions.push_back(std::move(c));
  }
}

void ParseTarget(const YAML::Node& n, Rule& rule, Problems& p) {
  Target t;
  t.line = n.Mark().line + 1;
  if (!n.IsMap()) {
    p.Add(n, "targets: every target must be a map");
    return;
  }
  static const std::set<std::string> kKeys = {
      "strategy",      "pool",       "organisation", "skills",
      "offer_timeout", "max_offers", "broadcast",    "sla"};
  for (const auto& entry : n) {
    if (!kKeys.contains(entry.first.Scalar())) {
      p.Add(entry.first, absl::StrCat("target: unknown key '", entry.first.Scalar(), "'"));
    }
  }
  std::string strategy = n["strategy"] ? Scalar(n["strategy"]).value_or("") : "";
  std::optional<Strategy> parsed = ParseStrategy(strategy);
  const bool known = parsed.has_value();
  if (!known) {
    p.Add(n["strategy"] ? n["strategy"] : n,
          absl::StrCat("target.strategy: '", strategy,
                       "' is not one of owner, round_robin, weighted_round_robin, "
                       "least_loaded, broadcast"));
  } else {
    t.strategy = *parsed;
  }
  if (n["pool"]) t.pool = Scalar(n["pool"]).value_or("");
  if (t.pool.empty() && known && t.strategy != Strategy::kOwner) {
    p.Add(n, absl::StrCat("target.pool: required for strategy ", strategy));
  }
  if (n["organisation"]) t.organisation = Scalar(n["organisation"]).value_or("");
  if (n["skills"]) t.skills = StringList(n["skills"], "target.skills", p);
  if (n["offer_timeout"]) {
    if (auto d = DurationOf(n["offer_timeout"], "target.offer_timeout", p)) t.offer_timeout = *d;
  }
  if (n["max_offers"]) {
    if (auto v = IntOf(n["max_offers"], "target.max_offers", 1, 100, p)) t.max_offers = *v;
  }
  if (n["broadcast"]) {
    if (auto v = IntOf(n["broadcast"], "target.broadcast", 1, 50, p)) t.broadcast_size = *v;
  }
  if (n["sla"]) {
    if (auto d = DurationOf(n["sla"], "target.sla", p)) t.sla = *d;
  }
  rule.targets.push_back(std::move(t));
}

}  // namespace

absl::string_view StrategyName(Strategy s) {
  for (const auto& [k, name] : kStrategies) {
    if (k == s) return name;
  }
  return "unknown";
}

std::optional<Strategy> ParseStrategy(absl::string_view name) {
  for (const auto& [k, n] : kStrategies) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool Condition::Matches(const WorkItem& item) const {
  std::string value = item.Attribute(attribute);
  if (presence) return value.empty() != *presence;
  bool in = std::find(values.begin(), values.end(), value) != values.end();
  return negate ? !in : in;
}

std::string Target::OrganisationFor(const WorkItem& item) const {
  if (!organisation.empty() && organisation[0] == '$')
    return item.Attribute(organisation.substr(1));
  return organisation;
}

bool Rule::Matches(const WorkItem& item) const {
  return std::all_of(conditions.begin(), conditions.end(),
                     [&](const Condition& c) { return c.Matches(item); });
}

const Rule& Policy::Match(const WorkItem& item) const {
  for (const Rule& r : rules) {
    if (r.Matches(item)) return r;
  }
  return rules.back();  // the validated default rule has no conditions
}

const Rule* Policy::FindRule(absl::string_view name) const {
  for (const Rule& r : rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

absl::StatusOr<Policy> ParsePolicy(absl::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy is not valid YAML: line ", e.mark.line + 1, ": ", e.msg));
  }
  Problems p;
  Policy policy;
  if (!root.IsMap()) return absl::InvalidArgumentError("line 1: policy must be a YAML map");
  if (auto v = root["version"] ? Scalar(root["version"]) : std::nullopt; v && !v->empty()) {
    policy.version = *v;
  } else {
    p.Add(root["version"] ? root["version"] : root, "version: required (e.g. \"2026-11-22.1\")");
  }
  const YAML::Node rules = root["rules"];
  if (!rules || !rules.IsSequence() || rules.size() == 0) {
    p.Add(rules ? rules : root, "rules: required, a non-empty list");
    return p.ToStatus();
  }
  std::set<std::string> names;
  for (const auto& n : rules) {
    Rule rule;
    rule.line = n.Mark().line + 1;
    if (!n.IsMap()) {
      p.Add(n, "rules: every rule must be a map");
      continue;
    }
    rule.name = n["name"] ? Scalar(n["name"]).value_or("") : "";
    if (rule.name.empty()) p.Add(n, "rule.name: required");
    if (!rule.name.empty() && !names.insert(rule.name).second) {
      p.Add(n["name"], absl::StrCat("rule.name: '", rule.name, "' is used twice"));
    }
    if (n["default"]) {
      try {
        rule.is_default = n["default"].as<bool>();
      } catch (const YAML::Exception&) {
        p.Add(n["default"], "rule.default: must be true or false");
      }
    }
    if (n["when"]) ParseConditions(n["when"], rule, p);
    if (rule.is_default && !rule.conditions.empty()) {
      p.Add(n["when"], "the default rule matches everything: it takes no 'when'");
    }
    if (!n["targets"] || !n["targets"].IsSequence() || n["targets"].size() == 0) {
      p.Add(n, absl::StrCat("rule '", rule.name, "': targets: required, a non-empty list"));
    } else {
      for (const auto& t : n["targets"]) ParseTarget(t, rule, p);
    }
    policy.rules.push_back(std::move(rule));
  }
  int defaults = 0;
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    if (!policy.rules[i].is_default) continue;
    ++defaults;
    if (i + 1 != policy.rules.size()) {
      p.AddAt(policy.rules[i].line,
              "the default rule must be the last one (rules after it never match)");
    }
  }
  if (defaults == 0) p.Add(rules, "a default rule (default: true) is required");
  if (defaults > 1) p.Add(rules, "only one rule may be the default");
  if (!p.empty()) return p.ToStatus();
  return policy;
}

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("policy file ", path, " cannot be read"));
  std::stringstream ss;
  ss << in.rdbuf();
  auto policy = ParsePolicy(ss.str());
  if (!policy.ok()) {
    return absl::Status(policy.status().code(),
                        absl::StrCat(path, ": ", policy.status().message()));
  }
  return policy;
}

}  // namespace firstline::routing
