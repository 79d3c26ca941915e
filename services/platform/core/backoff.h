#pragma once

#include <algorithm>

#include "absl/random/random.h"
#include "absl/time/time.h"

namespace firstline::platform {

// Exponential backoff with full jitter, capped; shared by reconnects and consumer retries.
class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max) : initial_(initial), max_(max) {}

  // Delay before the given attempt (1-based); attempt 1 waits up to `initial`.
  absl::Duration DelayFor(int attempt) {
    absl::Duration ceiling = initial_;
    for (int i = 1; i < attempt && ceiling < max_; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, max_);
    double fraction = absl::Uniform(bitgen_, 0.5, 1.0);
    return ceiling * fraction;
  }

  absl::Duration initial() const { return initial_; }
  absl::Duration max() const { return max_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  absl::BitGen bitgen_;
};

}  // namespace firstline::platform
