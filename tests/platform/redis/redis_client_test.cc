#include "platform/redis/redis_client.h"

#include <gtest/gtest.h>

#include "platform/redis/status_reply.lua.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

class RedisClientTest : public ::testing::Test {
 protected:
  testing::RedisServer server_;
  RedisClient client_{server_.Config()};
  RedisScript script_{"status_reply", kStatusReplyLua};
};

TEST_F(RedisClientTest, CommandsRoundTrip) {
  ASSERT_TRUE(client_.Command({"SET", "k", "v"}).ok());
  auto v = client_.Command({"GET", "k"});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->str, "v");
  auto missing = client_.Command({"GET", "nope"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
  auto wrong = client_.Command({"INCR", "k"});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
}

TEST_F(RedisClientTest, PipelineAnswersEveryCommandInOrderWithItsOwnStatus) {
  ASSERT_TRUE(client_.Command({"SET", "text", "v"}).ok());
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 500; ++i) commands.push_back({"INCR", "n"});
  commands.push_back({"INCR", "text"});  // an error reply fails only this command
  commands.push_back({"GET", "missing"});
  auto replies = client_.Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), commands.size());
  for (int i = 0; i < 500; ++i) EXPECT_EQ((*replies)[i]->integer, i + 1);
  EXPECT_EQ((*replies)[500].status().code(), absl::StatusCode::kInternal);
  ASSERT_TRUE((*replies)[501].ok());
  EXPECT_TRUE((*replies)[501]->is_nil());
  EXPECT_EQ(client_.Command({"GET", "n"})->str, "500");  // the connection is still in step
  EXPECT_TRUE(client_.Pipeline({})->empty());
  // As one status: the first error reply, OK when there is none.
  EXPECT_EQ(FirstError(replies).code(), absl::StatusCode::kInternal);
  EXPECT_NE(FirstError(replies).message().find("not an integer"), std::string::npos)
      << FirstError(replies);
  EXPECT_TRUE(FirstError(client_.Pipeline({{"INCR", "n"}, {"GET", "n"}})).ok());
  EXPECT_TRUE(FirstError(client_.Pipeline({})).ok());
  absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> broken =
      absl::UnavailableError("redis: connection lost");
  EXPECT_EQ(FirstError(broken).code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisClientTest, CountsEveryRoundTripAPipelineAsOne) {
  ASSERT_TRUE(client_.Command({"PING"}).ok());  // connected: no AUTH or reload in what follows
  ASSERT_TRUE(client_.Eval(script_, {"{t}:a"}, {"loaded"}).ok());
  const uint64_t before = RedisRoundTrips();
  ASSERT_TRUE(client_.Command({"SET", "k", "v"}).ok());
  ASSERT_TRUE(client_.Pipeline({{"GET", "k"}, {"GET", "k"}, {"INCR", "n"}}).ok());
  ASSERT_TRUE(client_.Pipeline({}).ok());  // nothing sent
  ASSERT_TRUE(client_.Eval(script_, {"{t}:a"}, {"hello"}).ok());
  EXPECT_EQ(client_.Command({"INCR", "k"}).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RedisRoundTrips() - before, 4u);
  ASSERT_TRUE(client_.Command({"SCRIPT", "FLUSH"}).ok());
  const uint64_t flushed = RedisRoundTrips();
  ASSERT_TRUE(client_.Eval(script_, {"{t}:a"}, {"again"}).ok());
  EXPECT_EQ(RedisRoundTrips() - flushed, 3u);  // EVALSHA, NOSCRIPT: SCRIPT LOAD, EVALSHA again
}

TEST_F(RedisClientTest, ScriptErrorsCarryTheirStatusCode) {
  auto ok = client_.Eval(script_, {"{t}:a"}, {"hello"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->str, "hello");
  auto failed = client_.Eval(script_, {"{t}:a"}, {"fail"});
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(failed.status().message(), "offer expired");
}

TEST_F(RedisClientTest, KeysOfTwoHashTagsAreRefusedBeforeSending) {
  auto r = client_.Eval(script_, {"{a}:x", "{b}:y"}, {"v"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  auto written = client_.Command({"EXISTS", "{a}:x"});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->integer, 0);
}

TEST_F(RedisClientTest, ScriptIsReloadedAfterFlush) {
  ASSERT_TRUE(client_.Eval(script_, {"{t}:a"}, {"one"}).ok());
  uint64_t reloads = client_.script_reloads();
  ASSERT_TRUE(client_.Command({"SCRIPT", "FLUSH"}).ok());
  auto r = client_.Eval(script_, {"{t}:a"}, {"two"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->str, "two");
  EXPECT_EQ(client_.script_reloads(), reloads + 1);
}

TEST_F(RedisClientTest, RestartedServerIsReconnectedAndScriptsReloaded) {
  ASSERT_TRUE(client_.Eval(script_, {"{t}:a"}, {"before"}).ok());
  uint64_t reloads = client_.script_reloads();
  server_.Restart();
  // The pooled connections are dead; the first call may report that (its command may or may
  // not have run), and then the client must be back without any help.
  auto first = client_.Eval(script_, {"{t}:a"}, {"after"});
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable) << first.status();
    absl::SleepFor(absl::Milliseconds(50));  // past the reconnect backoff
    first = client_.Eval(script_, {"{t}:a"}, {"after"});
  }
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->str, "after");
  EXPECT_EQ(client_.script_reloads(), reloads + 1);
  auto stored = client_.Command({"GET", "{t}:a"});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->str, "after");
}

TEST_F(RedisClientTest, DownServerGivesUnavailableNotACrash) {
  server_.Kill();
  for (int i = 0; i < 5; ++i) {
    auto r = client_.Command({"PING"});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_FALSE(client_.Ping().ok());
  server_.Start();
  absl::SleepFor(absl::Milliseconds(250));  // beyond the maximum backoff of the test config
  EXPECT_TRUE(client_.Ping().ok());
}

TEST_F(RedisClientTest, PoolServesConcurrentCallers) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!client_.Command({"INCR", "counter"}).ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto total = client_.Command({"GET", "counter"});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->str, "1600");
}

}  // namespace
}  // namespace firstline::platform
