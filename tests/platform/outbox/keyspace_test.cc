#include "platform/outbox/keyspace.h"

#include <gtest/gtest.h>

#include <set>

#include "platform/redis/hash_tag.h"

namespace firstline::platform {
namespace {

TEST(KeyspaceTest, KeysOfOneAccountShareOneHashTag) {
  Keyspace ks("lead-intake", 8);
  int shard = ks.ShardOf("acct-42");
  EXPECT_EQ(HashTagOf(ks.Key(shard, "lead:1")), HashTagOf(ks.OutboxKey(shard)));
  EXPECT_EQ(ks.Tag(3), "{lead-intake:03}");
  EXPECT_EQ(ks.Key(3, "outbox"), "{lead-intake:03}:outbox");
}

TEST(KeyspaceTest, ShardingIsStableAndSpreads) {
  Keyspace ks("svc", 8);
  // FNV-1a is fixed: this value must never change, or stored keys would move.
  EXPECT_EQ(ks.ShardOf("acct-1"), Keyspace("svc", 8).ShardOf("acct-1"));
  std::set<int> used;
  for (int i = 0; i < 200; ++i) used.insert(ks.ShardOf("acct-" + std::to_string(i)));
  EXPECT_EQ(used.size(), 8u);
  EXPECT_EQ(ks.AllOutboxKeys().size(), 8u);
}

TEST(HashTagTest, FollowsRedisClusterRules) {
  EXPECT_EQ(HashTagOf("{user1000}.following"), "user1000");
  EXPECT_EQ(HashTagOf("foo{}{bar}"), "foo{}{bar}");
  EXPECT_EQ(HashTagOf("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(HashTagOf("foo{bar}{zap}"), "bar");
  EXPECT_EQ(HashTagOf("plain"), "plain");
}

}  // namespace
}  // namespace firstline::platform
