#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace firstline::attribution {

enum class Model {
  kFirstTouch,
  kLastTouch,
  kLinear,
  kUShaped,
  kWShaped,
  kFullPath,
  kTimeDecay,
  kMarkov,
};

// "first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path", "time_decay",
// "markov"; INVALID_ARGUMENT naming the known ones otherwise.
absl::StatusOr<Model> ParseModel(const std::string& name);
const char* ModelName(Model model);

struct Touch {
  std::string channel;
  std::string campaign;
  std::string keyword;
  absl::Time at;
};

// One account's path to a conversion: touches in time order, and which touch created the
// lead, the opportunity and won the customer (indexes into `touches`; unset when the journey
// has not reached that stage).
struct Journey {
  std::vector<Touch> touches;
  std::optional<size_t> lead_touch;
  std::optional<size_t> opportunity_touch;
  std::optional<size_t> won_touch;
  absl::Time converted_at;  // time decay counts back from here
};

// Repeated touches of the same channel and campaign within `window` of the previous kept one
// collapse into that one; touches before `converted_at - lookback` or after `converted_at` are
// dropped. Positions are remapped to the kept touches. Touches must be in time order.
Journey Prepare(Journey journey, absl::Duration window, absl::Duration lookback);

// The share of the conversion each touch gets under a positional or time model; the shares
// sum to 1 (an empty journey gets none).
//
// Positional models give each position's share to the touch holding it (one touch holding
// several positions gets their sum), and spread the rest evenly over the touches that hold no
// position. Short journeys: a position the journey has not reached (no opportunity yet, not
// won yet) gives its share to the positions it has, in proportion; when every touch holds a
// position, the rest goes to them in proportion too. So one touch gets everything, and a
// two-touch U-shaped journey is 50/50.
//   U-shaped: first 40 %, lead creation 40 %, rest 20 %.
//   W-shaped: first 30 %, lead creation 30 %, opportunity creation 30 %, rest 10 %.
//   Full path: first, lead, opportunity, won 22.5 % each, rest 10 %.
// Time decay: weight 2^(-age/half_life) with age = converted_at - touch time, normalised.
// kMarkov is not per journey: see MarkovRemovalEffects.
absl::StatusOr<std::vector<double>> Credits(Model model, const Journey& journey,
                                            absl::Duration half_life = absl::Hours(24 * 7));

// The positions touch `i` holds: "first", "lead", "opportunity", "won".
std::vector<std::string> PositionsOf(const Journey& journey, size_t i);

// A path for the Markov model: its channels in order and whether it converted.
struct Path {
  std::vector<std::string> channels;
  bool converted = false;
};

// First-order Markov chain over all paths (start -> channel -> ... -> conversion | null):
// each channel's removal effect (the share of conversions lost when its state sends
// everything to null), normalised to sum to 1 over the channels. Empty when nothing converts.
std::map<std::string, double> MarkovRemovalEffects(const std::vector<Path>& paths);

// The chain's special states, as transition counts name them.
inline constexpr const char* kMarkovStart = "(start)";
inline constexpr const char* kMarkovConversion = "(conversion)";
inline constexpr const char* kMarkovNull = "(null)";
// The state of touches a grouping has no group for (a non-partner touch by partner).
inline constexpr const char* kMarkovOther = "(other)";

// Transition counts (from, to) of many paths summed, e.g. over the days of a period.
using TransitionCounts = std::map<std::pair<std::string, std::string>, double>;
TransitionCounts TransitionsOf(const std::vector<Path>& paths);
// The same removal effects from summed transition counts (what reports keep per day). States
// other than the special ones are channels; kMarkovOther takes part but is not returned.
std::map<std::string, double> MarkovRemovalEffects(const TransitionCounts& transitions);

}  // namespace firstline::attribution
