#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace firstline::platform {

// A service's Redis keys are spread over a fixed number of shards, each its own hash tag
// "{<service>:<shard>}". Everything a script touches for one account (its state and the
// outbox stream its events go to) sits under the account's shard tag, so every script is
// Cluster-safe and each account's events stay ordered in one stream.
class Keyspace {
 public:
  Keyspace(std::string service, int shards);

  int shards() const { return shards_; }
  const std::string& service() const { return service_; }

  // Shard of a partition key (account id); stable across processes and releases.
  int ShardOf(absl::string_view partition_key) const;
  // "{service:NN}" for a shard.
  std::string Tag(int shard) const;
  std::string TagFor(absl::string_view partition_key) const { return Tag(ShardOf(partition_key)); }
  // "<tag>:<suffix>".
  std::string Key(int shard, absl::string_view suffix) const;

  std::string OutboxKey(int shard) const { return Key(shard, "outbox"); }
  std::vector<std::string> AllOutboxKeys() const;

 private:
  std::string service_;
  int shards_;
};

}  // namespace firstline::platform
