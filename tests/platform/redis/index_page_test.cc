#include "platform/redis/index_page.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

// Records are the index's own ids, read back as numbers; ids in `gone_` read as archived.
class IndexPageTest : public ::testing::Test {
 protected:
  void Index(int n) {
    std::vector<std::vector<std::string>> adds;
    for (int i = 0; i < n; ++i)
      adds.push_back({"ZADD", "idx", std::to_string(i), std::to_string(i)});
    ASSERT_TRUE(FirstError(client_.Pipeline(adds)).ok());
  }

  absl::StatusOr<IndexPage<int>> Page(const std::string& token, int size, int multiple_of) {
    return ReadIndexPage<int>(
        client_, "idx", token, size,
        [this](const std::vector<std::string>& ids) {
          ++loads_;
          std::vector<std::optional<int>> out;
          for (const auto& id : ids) {
            int n = 0;
            if (gone_.count(id) > 0 || !absl::SimpleAtoi(id, &n)) {
              out.emplace_back();
            } else {
              out.emplace_back(n);
            }
          }
          return absl::StatusOr<std::vector<std::optional<int>>>(out);
        },
        [multiple_of](int n) { return n % multiple_of == 0; });
  }

  testing::RedisServer server_;
  RedisClient client_{server_.Config()};
  std::set<std::string> gone_;
  int loads_ = 0;
};

TEST_F(IndexPageTest, FilteredPagesAreFullNewestFirstAndNeitherSkipNorRepeat) {
  Index(30);
  gone_ = {"27"};  // archived between index and read
  std::vector<int> all;
  std::string token;
  std::vector<size_t> sizes;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = Page(token, 2, 3);
    ASSERT_TRUE(page.ok()) << page.status();
    sizes.push_back(page->records.size());
    all.insert(all.end(), page->records.begin(), page->records.end());
    token = page->next_page_token;
    if (token.empty()) break;
  }
  EXPECT_EQ(all, (std::vector<int>{24, 21, 18, 15, 12, 9, 6, 3, 0}));
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 2, 2, 1}));
}

TEST_F(IndexPageTest, AFilterThatKeepsNothingStopsAfterTheScanLimitWithAToken) {
  Index(kMaxIndexScan + 10);
  auto page = Page("", 500, kMaxIndexScan * 10);  // keeps only 0, the oldest
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->records.empty());
  EXPECT_EQ(page->next_page_token, std::to_string(kMaxIndexScan));
  EXPECT_EQ(loads_, kMaxIndexScan / 500);
  auto rest = Page(page->next_page_token, 500, kMaxIndexScan * 10);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->records, std::vector<int>{0});
  EXPECT_TRUE(rest->next_page_token.empty());
}

TEST_F(IndexPageTest, ABadTokenOrAShortLoadIsAnError) {
  Index(3);
  EXPECT_EQ(Page("nope", 2, 1).status().code(), absl::StatusCode::kInvalidArgument);
  auto short_load = ReadIndexPage<int>(
      client_, "idx", "", 2,
      [](const std::vector<std::string>&) {
        return absl::StatusOr<std::vector<std::optional<int>>>(std::vector<std::optional<int>>{});
      },
      [](int) { return true; });
  EXPECT_EQ(short_load.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace firstline::platform
