#include "platform/core/backoff.h"

#include <gtest/gtest.h>

namespace firstline::platform {
namespace {

TEST(BackoffTest, GrowsExponentiallyWithJitterAndStaysUnderTheCap) {
  Backoff backoff(absl::Milliseconds(100), absl::Seconds(1));
  for (int round = 0; round < 50; ++round) {
    absl::Duration first = backoff.DelayFor(1);
    EXPECT_GE(first, absl::Milliseconds(50));
    EXPECT_LE(first, absl::Milliseconds(100));
    absl::Duration third = backoff.DelayFor(3);
    EXPECT_GE(third, absl::Milliseconds(200));
    EXPECT_LE(third, absl::Milliseconds(400));
    absl::Duration late = backoff.DelayFor(30);
    EXPECT_GE(late, absl::Milliseconds(500));
    EXPECT_LE(late, absl::Seconds(1));
  }
}

}  // namespace
}  // namespace firstline::platform
