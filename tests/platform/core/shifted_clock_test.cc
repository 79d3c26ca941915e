#include "platform/core/shifted_clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace firstline::platform {
namespace {

class ShiftedClockTest : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    std::ofstream out(path_, std::ios::trunc);
    out << text;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_ = ::testing::TempDir() + "/clock-shift-" +
                      std::to_string(::testing::UnitTest::GetInstance()->random_seed());
  FakeClock base_{absl::FromUnixSeconds(1'790'000'000)};
};

TEST_F(ShiftedClockTest, RunsAheadByTheFileAndRereadsItAtMostEvery100Ms) {
  ShiftedClock clock(path_, base_);
  EXPECT_EQ(clock.Now(), base_.Now());  // no file yet: no offset

  Write("86400\n");
  base_.Advance(absl::Milliseconds(100));
  EXPECT_EQ(clock.Now(), base_.Now() + absl::Hours(24));

  Write("172800.5");
  base_.Advance(absl::Milliseconds(50));  // read 50 ms ago: the old offset still holds
  EXPECT_EQ(clock.Now(), base_.Now() + absl::Hours(24));
  base_.Advance(absl::Milliseconds(50));
  EXPECT_EQ(clock.Now(), base_.Now() + absl::Hours(48) + absl::Milliseconds(500));

  Write("not a number");  // a half-written or broken file keeps the last offset
  base_.Advance(absl::Milliseconds(100));
  EXPECT_EQ(clock.Now(), base_.Now() + absl::Hours(48) + absl::Milliseconds(500));
}

}  // namespace
}  // namespace firstline::platform
