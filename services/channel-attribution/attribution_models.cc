#include "channel-attribution/attribution_models.h"

#include <cmath>
#include <numeric>
#include <set>

#include "absl/strings/str_cat.h"

namespace firstline::attribution {
namespace {

constexpr std::pair<Model, const char*> kNames[] = {
    {Model::kFirstTouch, "first_touch"}, {Model::kLastTouch, "last_touch"},
    {Model::kLinear, "linear"},          {Model::kUShaped, "u_shaped"},
    {Model::kWShaped, "w_shaped"},       {Model::kFullPath, "full_path"},
    {Model::kTimeDecay, "time_decay"},   {Model::kMarkov, "markov"},
};

struct Position {
  std::optional<size_t> touch;
  double share;
};

// See Credits: positions' shares to their holders (missing positions' shares spread over the
// present ones in proportion), the rest evenly over the others.
std::vector<double> Positional(size_t n, const std::vector<Position>& positions, double rest) {
  std::vector<double> credits(n, 0.0);
  double present = 0, missing = 0;
  for (const auto& p : positions) (p.touch && *p.touch < n ? present : missing) += p.share;
  std::vector<bool> holds(n, false);
  for (const auto& p : positions) {
    if (!p.touch || *p.touch >= n) continue;
    credits[*p.touch] += p.share * (present + missing) / present;
    holds[*p.touch] = true;
  }
  const size_t others = static_cast<size_t>(std::count(holds.begin(), holds.end(), false));
  const double positional = present + missing;
  for (size_t i = 0; i < n; ++i) {
    if (others > 0) {
      if (!holds[i]) credits[i] += rest / static_cast<double>(others);
    } else {
      credits[i] += rest * credits[i] / positional;
    }
  }
  return credits;
}

}  // namespace

absl::StatusOr<Model> ParseModel(const std::string& name) {
  for (const auto& [model, known] : kNames) {
    if (name == known) return model;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "model: '", name,
      "' is not one of first_touch, last_touch, linear, u_shaped, w_shaped, full_path, "
      "time_decay, markov"));
}

const char* ModelName(Model model) {
  for (const auto& [m, name] : kNames) {
    if (m == model) return name;
  }
  return "unknown";
}

Journey Prepare(Journey j, absl::Duration window, absl::Duration lookback) {
  Journey out;
  out.converted_at = j.converted_at;
  std::vector<std::optional<size_t>> kept_as(j.touches.size());
  std::map<std::pair<std::string, std::string>, size_t> last_kept;  // channel, campaign
  for (size_t i = 0; i < j.touches.size(); ++i) {
    const Touch& t = j.touches[i];
    if (t.at < j.converted_at - lookback || t.at > j.converted_at) continue;
    auto key = std::make_pair(t.channel, t.campaign);
    auto it = last_kept.find(key);
    if (it != last_kept.end() && t.at - out.touches[it->second].at <= window) {
      kept_as[i] = it->second;  // a repeat: collapses into the touch kept before
      continue;
    }
    kept_as[i] = out.touches.size();
    last_kept[key] = out.touches.size();
    out.touches.push_back(t);
  }
  auto remap = [&](std::optional<size_t> p) -> std::optional<size_t> {
    if (!p || *p >= kept_as.size()) return std::nullopt;
    return kept_as[*p];
  };
  out.lead_touch = remap(j.lead_touch);
  out.opportunity_touch = remap(j.opportunity_touch);
  out.won_touch = remap(j.won_touch);
  return out;
}

absl::StatusOr<std::vector<double>> Credits(Model model, const Journey& j,
                                            absl::Duration half_life) {
  const size_t n = j.touches.size();
  if (n == 0) return std::vector<double>();
  std::vector<double> credits(n, 0.0);
  switch (model) {
    case Model::kFirstTouch:
      credits[0] = 1;
      return credits;
    case Model::kLastTouch:
      credits[n - 1] = 1;
      return credits;
    case Model::kLinear:
      for (auto& c : credits) c = 1.0 / static_cast<double>(n);
      return credits;
    case Model::kUShaped:
      return Positional(n, {{0, 0.4}, {j.lead_touch, 0.4}}, 0.2);
    case Model::kWShaped:
      return Positional(n, {{0, 0.3}, {j.lead_touch, 0.3}, {j.opportunity_touch, 0.3}}, 0.1);
    case Model::kFullPath:
      return Positional(
          n,
          {{0, 0.225}, {j.lead_touch, 0.225}, {j.opportunity_touch, 0.225}, {j.won_touch, 0.225}},
          0.1);
    case Model::kTimeDecay: {
      if (half_life <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError("half_life: must be positive");
      }
      double total = 0;
      for (size_t i = 0; i < n; ++i) {
        const double age = absl::FDivDuration(j.converted_at - j.touches[i].at, half_life);
        credits[i] = std::exp2(-std::max(0.0, age));
        total += credits[i];
      }
      for (auto& c : credits) c /= total;
      return credits;
    }
    case Model::kMarkov:
      break;
  }
  return absl::InvalidArgumentError(
      "model: markov credits channels over many journeys (MarkovRemovalEffects), not one");
}

std::vector<std::string> PositionsOf(const Journey& journey, size_t i) {
  std::vector<std::string> out;
  if (i == 0) out.push_back("first");
  if (journey.lead_touch == i) out.push_back("lead");
  if (journey.opportunity_touch == i) out.push_back("opportunity");
  if (journey.won_touch == i) out.push_back("won");
  return out;
}

TransitionCounts TransitionsOf(const std::vector<Path>& paths) {
  TransitionCounts counts;
  for (const auto& p : paths) {
    if (p.channels.empty()) continue;
    std::string from = kMarkovStart;
    for (const auto& c : p.channels) {
      counts[{from, c}] += 1;
      from = c;
    }
    counts[{from, p.converted ? kMarkovConversion : kMarkovNull}] += 1;
  }
  return counts;
}

std::map<std::string, double> MarkovRemovalEffects(const std::vector<Path>& paths) {
  return MarkovRemovalEffects(TransitionsOf(paths));
}

std::map<std::string, double> MarkovRemovalEffects(const TransitionCounts& transitions) {
  // States: 0 start, 1 conversion, 2 null, 3.. channels.
  std::map<std::string, int> index = {{kMarkovStart, 0}, {kMarkovConversion, 1}, {kMarkovNull, 2}};
  int states = 3;
  std::map<std::pair<int, int>, double> counts;
  for (const auto& [edge, n] : transitions) {
    if (n <= 0) continue;
    int ends[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& name = k == 0 ? edge.first : edge.second;
      auto [it, fresh] = index.try_emplace(name, states);
      if (fresh) ++states;
      ends[k] = it->second;
    }
    counts[{ends[0], ends[1]}] += n;
  }
  std::vector<double> out_total(states, 0.0);
  for (const auto& [edge, n] : counts) out_total[edge.first] += n;

  // Probability of reaching conversion from start, with `removed` sending everything to null.
  auto conversion = [&](int removed) {
    std::vector<double> p(states, 0.0);
    p[1] = 1;
    for (int iteration = 0; iteration < 10'000; ++iteration) {
      std::vector<double> next(states, 0.0);
      for (const auto& [edge, n] : counts) {
        if (edge.first == removed || edge.first == 1 || edge.first == 2) continue;
        next[edge.first] +=
            n / out_total[edge.first] * (edge.second == removed ? 0 : p[edge.second]);
      }
      next[1] = 1;
      double change = 0;
      for (int s = 0; s < states; ++s) change = std::max(change, std::abs(next[s] - p[s]));
      p.swap(next);
      if (change < 1e-12) break;
    }
    return p[0];
  };
  std::map<std::string, double> effects;
  const double base = conversion(-1);
  if (base <= 0) return effects;
  double total = 0;
  for (const auto& [name, s] : index) {
    if (s < 3) continue;
    const double effect = std::max(0.0, 1 - conversion(s) / base);
    if (name != kMarkovOther) effects[name] = effect;
    total += effect;
  }
  if (total <= 0) return {};
  for (auto& [channel, e] : effects) e /= total;
  return effects;
}

}  // namespace firstline::attribution
