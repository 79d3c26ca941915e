#include "platform/outbox/keyspace.h"

#include <cassert>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {
namespace {

// FNV-1a: fixed forever, unlike std::hash, because shard placement is persistent.
uint32_t Fnv1a(absl::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

Keyspace::Keyspace(std::string service, int shards)
    : service_(std::move(service)), shards_(shards) {
  assert(shards_ > 0 && shards_ <= 1024);
}

int Keyspace::ShardOf(absl::string_view partition_key) const {
  return static_cast<int>(Fnv1a(partition_key) % static_cast<uint32_t>(shards_));
}

std::string Keyspace::Tag(int shard) const { return absl::StrFormat("{%s:%02d}", service_, shard); }

std::string Keyspace::Key(int shard, absl::string_view suffix) const {
  return absl::StrCat(Tag(shard), ":", suffix);
}

std::vector<std::string> Keyspace::AllOutboxKeys() const {
  std::vector<std::string> keys;
  keys.reserve(shards_);
  for (int s = 0; s < shards_; ++s) keys.push_back(OutboxKey(s));
  return keys;
}

}  // namespace firstline::platform
