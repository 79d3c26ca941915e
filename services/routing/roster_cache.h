#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/redis/redis_client.h"
#include "routing/worker.h"

namespace firstline::routing {

// The roster as of one version of the domain's roster counter.
// Workers are shared between snapshots, so a one-worker change copies pointers, not workers.
struct RosterSnapshot {
  std::string version = "-1";
  std::vector<std::shared_ptr<const Worker>> workers;  // sorted by id

  // The members of `pool` that cover `region` (all of the pool's members when `region` is
  // empty), in id order: what a decision filters instead of the whole roster. The index is
  // built on first use, once per snapshot.
  std::vector<const Worker*> InPool(const std::string& pool, const std::string& region) const;
  const Worker* Find(const std::string& id) const;

 private:
  void Index() const;
  mutable std::once_flag indexed_;
  mutable std::map<std::string, std::vector<const Worker*>> by_pool_;
  mutable std::map<std::string, std::vector<const Worker*>> everywhere_;  // pool -> no regions
  mutable std::map<std::pair<std::string, std::string>, std::vector<const Worker*>> by_pool_region_;
};

// In-memory copy of the roster, reloaded whenever the stored version moves (the reservation
// script refuses a decision made on an older version), so roster changes made through any
// engine instance take effect at the next decision. A change made through this instance is
// patched in without a reload, so loading a roster of N workers costs O(N) reads, not O(N^2).
class RosterCache {
 public:
  RosterCache(platform::RedisClient& redis, std::string tag)
      : redis_(redis), tag_(std::move(tag)) {}

  std::shared_ptr<const RosterSnapshot> Current() const;
  absl::Status Reload();
  // `version` is what the upsert (worker set) or removal (nullptr) script returned for `id`.
  void Apply(int64_t version, const std::string& id, std::shared_ptr<const Worker> worker);

 private:
  platform::RedisClient& redis_;
  std::string tag_;
  mutable std::mutex mu_;
  std::shared_ptr<const RosterSnapshot> current_ = std::make_shared<RosterSnapshot>();
};

}  // namespace firstline::routing
