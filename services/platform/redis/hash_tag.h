#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace firstline::platform {

// The part of a key Redis Cluster hashes: the text inside the first non-empty {...}, else the
// whole key. Every multi-key script must touch keys with one hash tag.
inline absl::string_view HashTagOf(absl::string_view key) {
  auto open = key.find('{');
  if (open == absl::string_view::npos) return key;
  auto close = key.find('}', open + 1);
  if (close == absl::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

}  // namespace firstline::platform
