#include "admin/text_table.h"

#include <gtest/gtest.h>

namespace firstline::admin {
namespace {

TEST(TextTableTest, ColumnsAsWideAsTheirWidestCellNumbersRightAligned) {
  TextTable t({"channel", "leads", "CAC"});
  t.Add({"baidu-sem", "12", Amount(1'234'567)});
  t.Add({"wechat", "3", Amount(-50)});
  EXPECT_EQ(t.Render(),
            "channel    leads        CAC\n"
            "---------------------------\n"
            "baidu-sem     12  12,345.67\n"
            "wechat         3      -0.50\n");
}

TEST(TextTableTest, AmountsGroupThousands) {
  EXPECT_EQ(Amount(0), "0.00");
  EXPECT_EQ(Amount(99'999), "999.99");
  EXPECT_EQ(Amount(100'000), "1,000.00");
  EXPECT_EQ(Amount(123'456'789'00), "123,456,789.00");
}

}  // namespace
}  // namespace firstline::admin
