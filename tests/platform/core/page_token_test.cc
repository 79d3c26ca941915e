#include "platform/core/page_token.h"

#include <gtest/gtest.h>

namespace firstline::platform {
namespace {

TEST(PageTokenTest, AnOffsetThisServiceIssuedIsReadBackAndAnythingElseIsNamed) {
  EXPECT_EQ(*PageOffset(""), 0);
  EXPECT_EQ(*PageOffset("300"), 300);
  EXPECT_EQ(*PageOffset("1099511627776"), kMaxPageOffset);
  // Not a number, negative, past any list, past int64 (offset + size would overflow).
  for (const char* bad :
       {"12x", "-1", "1099511627777", "9223372036854775807", "99999999999999999999"}) {
    auto offset = PageOffset(bad);
    EXPECT_EQ(offset.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(offset.status().message(), "page_token: not a token this service issued") << bad;
  }
}

TEST(PageTokenTest, APageSizeIsZeroForTheDefaultUpToTheMaximum) {
  EXPECT_EQ(*PageSize(0), kDefaultPageSize);
  EXPECT_EQ(*PageSize(1), 1);
  EXPECT_EQ(*PageSize(kMaxPageSize), kMaxPageSize);
  for (int bad : {-1, kMaxPageSize + 1}) {
    EXPECT_EQ(PageSize(bad).status().message(), "page_size: must be 0..500") << bad;
  }
}

}  // namespace
}  // namespace firstline::platform
