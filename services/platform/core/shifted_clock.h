#pragma once

#include <mutex>
#include <string>

#include "platform/core/clock.h"

namespace firstline::platform {

// A clock running ahead of another by an offset read from a file (whole or fractional seconds,
// e.g. "7776000" for 90 days), so an end-to-end test or a demo can make days pass in seconds
// (--clock-shift-file). The file is read again at most every 100 ms of the base clock; while it
// is missing, empty or unreadable the last offset read stays (zero at first). Never used in
// production deployments.
class ShiftedClock final : public Clock {
 public:
  ShiftedClock(std::string path, const Clock& base);
  absl::Time Now() const override;

 private:
  const std::string path_;
  const Clock& base_;
  mutable std::mutex mu_;
  mutable absl::Time next_read_ = absl::InfinitePast();
  mutable absl::Duration offset_ = absl::ZeroDuration();
};

}  // namespace firstline::platform
