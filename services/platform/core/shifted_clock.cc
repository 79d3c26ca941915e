#include "platform/core/shifted_clock.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace firstline::platform {

ShiftedClock::ShiftedClock(std::string path, const Clock& base)
    : path_(std::move(path)), base_(base) {}

absl::Time ShiftedClock::Now() const {
  const absl::Time now = base_.Now();
  std::lock_guard lock(mu_);
  if (now >= next_read_) {
    next_read_ = now + absl::Milliseconds(100);
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    double seconds = 0;
    if (in && absl::SimpleAtod(absl::StripAsciiWhitespace(text.str()), &seconds)) {
      offset_ = absl::Seconds(seconds);
    }
  }
  return now + offset_;
}

}  // namespace firstline::platform
