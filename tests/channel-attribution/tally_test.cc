// The aggregate layout (tally.h): entries sum per field, compaction's encoding keeps every
// field, and bytes cut short are refused with the key and the entry named.
#include "channel-attribution/tally.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace firstline::attribution {
namespace {

TEST(TallyTest, EntriesOfOneFieldAddUp) {
  std::string bytes;
  AppendTally(bytes, "seo\x1fleads", 1);
  AppendTally(bytes, "sem\x1fleads", 2);
  AppendTally(bytes, "seo\x1fleads", 4);
  AppendTally(bytes,
              "seo\x1f"
              "conv",
              0.25);
  AppendTally(bytes, "", -1.5);  // an empty field is still a field
  // 4-byte length + field + 8-byte value each.
  EXPECT_EQ(bytes.size(), 5 * 12 + 9 + 9 + 9 + 8);
  TallySums sums;
  ASSERT_TRUE(AddTallies("k", bytes, sums).ok());
  EXPECT_EQ(sums.size(), 4u);
  EXPECT_EQ(sums["seo\x1fleads"], 5);
  EXPECT_EQ(sums["sem\x1fleads"], 2);
  EXPECT_EQ(sums["seo\x1f"
                 "conv"],
            0.25);
  EXPECT_EQ(sums[""], -1.5);
}

TEST(TallyTest, EncodedSumsReadBackAsOneEntryPerField) {
  TallySums sums{{"a", 3}, {"b", 0}, {"c", 1e15 + 1}, {std::string("n\0ul", 4), -2}};
  const std::string bytes = EncodeTallies(sums);
  EXPECT_EQ(bytes.size(), 4 * 12 + 1 + 1 + 1 + 4);  // the zero field stays, as in a hash
  TallySums back;
  ASSERT_TRUE(AddTallies("k", bytes, back).ok());
  EXPECT_EQ(back, sums);
  // Read twice into the same sums: every field doubles.
  ASSERT_TRUE(AddTallies("k", bytes, back).ok());
  EXPECT_EQ(back["c"], 2e15 + 2);
}

TEST(TallyTest, BytesCutShortAreRefusedNamingKeyAndEntry) {
  std::string bytes;
  AppendTally(bytes, "seo\x1fleads", 1);
  AppendTally(bytes, "sem\x1fleads", 2);
  for (size_t cut : {bytes.size() - 1, bytes.size() - 8, size_t{20}, size_t{2}}) {
    TallySums sums;
    const auto st = AddTallies("{ca}:agg:ch:d:2026-09-01", bytes.substr(0, cut), sums);
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << cut;
    EXPECT_TRUE(absl::StrContains(st.message(), "{ca}:agg:ch:d:2026-09-01")) << st;
    const std::string entry = cut > 21 ? "at byte 21" : "at byte 0";
    EXPECT_TRUE(absl::StrContains(st.message(), entry)) << st;
  }
  TallySums empty;
  EXPECT_TRUE(AddTallies("k", "", empty).ok());
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace firstline::attribution
