#include "platform/core/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace firstline::platform {
namespace {

TEST(WorkPoolTest, RunsEverythingSubmittedAndDrainsOnDestruction) {
  std::atomic<int> done{0};
  {
    WorkPool pool("test", 4, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.Submit([&] { ++done; }).ok());
  }
  EXPECT_EQ(done.load(), 500);
}

TEST(WorkPoolTest, FullQueueRefusesInsteadOfGrowing) {
  WorkPool pool("busy-pool", 1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.Submit([&] {
                    started.set_value();
                    gate.wait();
                  })
                  .ok());
  started.get_future().wait();  // the only thread is busy now
  EXPECT_TRUE(pool.Submit([] {}).ok());
  EXPECT_TRUE(pool.Submit([] {}).ok());
  absl::Status refused = pool.Submit([] {});
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("busy-pool"), std::string::npos);
  release.set_value();
}

}  // namespace
}  // namespace firstline::platform
