#include "platform/redis/redis_subscriber.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

using firstline::testing::WaitFor;

TEST(RedisSubscriberTest, DeliversMessagesAndResubscribesAfterARestart) {
  testing::RedisServer redis;
  RedisClient client(redis.Config());
  std::mutex mu;
  std::vector<std::string> got;
  std::atomic<int> subscriptions{0};
  RedisSubscriber subscriber(
      redis.Config(), {"{t}:feed"},
      [&](const std::string& channel, const std::string& payload) {
        std::lock_guard lock(mu);
        got.push_back(channel + "=" + payload);
      },
      [&] { ++subscriptions; });
  subscriber.Start();
  ASSERT_TRUE(WaitFor([&] { return subscriber.subscribed(); }, absl::Seconds(5)));
  // Publish until the subscription is live on the server side too.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto n = client.Command({"PUBLISH", "{t}:feed", "rep-1"});
        return n.ok() && n->integer == 1;
      },
      absl::Seconds(5)));
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard lock(mu);
        return !got.empty();
      },
      absl::Seconds(5)));
  EXPECT_EQ(got.front(), "{t}:feed=rep-1");
  EXPECT_EQ(subscriptions.load(), 1);

  redis.Restart();
  // At least once more: a reconnect may land on the old server while it shuts down and then
  // happen again on the new one.
  ASSERT_TRUE(WaitFor([&] { return subscriptions.load() >= 2; }, absl::Seconds(15)))
      << "no resubscription after the restart";
  ASSERT_TRUE(WaitFor(
      [&] {
        auto n = client.Command({"PUBLISH", "{t}:feed", "rep-2"});
        return n.ok() && n->integer == 1;
      },
      absl::Seconds(10)));
  EXPECT_TRUE(WaitFor(
      [&] {
        std::lock_guard lock(mu);
        return got.back() == "{t}:feed=rep-2";
      },
      absl::Seconds(5)));
  subscriber.Stop();
}

}  // namespace
}  // namespace firstline::platform
