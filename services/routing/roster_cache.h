#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/redis/redis_client.h"
#include "routing/worker.h"

namespace firstline::routing {

// The roster as of one version of the domain's roster counter.
struct RosterSnapshot {
  std::string version = "-1";
  std::vector<Worker> workers;  // sorted by id
};

// In-memory copy of the roster, reloaded whenever the stored version moves (the reservation
// script refuses a decision made on an older version), so roster changes made through any
// engine instance take effect at the next decision.
class RosterCache {
 public:
  RosterCache(platform::RedisClient& redis, std::string tag)
      : redis_(redis), tag_(std::move(tag)) {}

  std::shared_ptr<const RosterSnapshot> Current() const;
  absl::Status Reload();

 private:
  platform::RedisClient& redis_;
  std::string tag_;
  mutable std::mutex mu_;
  std::shared_ptr<const RosterSnapshot> current_ = std::make_shared<RosterSnapshot>();
};

}  // namespace firstline::routing
