#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::routing {

// Concurrent offer decisions go to Redis together (group commit): while `in_flight` script
// calls are under way the next decisions queue, and the first of them carries the queue, up
// to the limits, as one call of the offer script. Alone, a decision goes at once; under load
// the script's entry and the round trip are shared. Two calls in flight keep Redis busy while
// the callers of the last one make their next decisions. Each decision is still atomic on its
// own and sees the ones before it.
class OfferBatcher {
 public:
  struct Limits {
    int decisions = 16;  // a call carries at most this many decisions
    // ... and at most this much cost (the workers its decisions may read), unless one decision
    // alone costs more: Redis runs nothing else while a script runs, so a call of many large
    // pools would hold up every other client.
    int64_t cost = 2048;
    int in_flight = 2;  // calls under way at once
  };

  OfferBatcher(platform::RedisClient& redis, const platform::RedisScript& script, std::string key,
               Limits limits);

  // One decision's arguments (see offer.lua) and its cost; its own answer. A refusal of this
  // decision is its status; a failed call fails every decision it carried.
  absl::StatusOr<platform::RedisValue> Decide(std::vector<std::string> args, int64_t cost = 1);

  struct Counts {
    int64_t calls = 0;      // script calls made
    int64_t decisions = 0;  // decisions they carried
  };
  Counts counts() const;

 private:
  struct Waiter {
    std::vector<std::string> args;
    int64_t cost = 1;
    std::optional<absl::StatusOr<platform::RedisValue>> result;
    // Each waiter is woken alone: when its answer is in, or when it is at the head of the queue
    // as a call may start. (One shared condition woke every waiter on every answer.)
    std::condition_variable wake;
  };
  // Under mu_: wakes the waiter at the head of the queue if a call may start.
  void WakeNextCarrier();
  std::vector<absl::StatusOr<platform::RedisValue>> Run(const std::vector<Waiter*>& batch);

  platform::RedisClient& redis_;
  const platform::RedisScript& script_;
  const std::string key_;
  const Limits limits_;
  mutable std::mutex mu_;
  std::deque<Waiter*> queue_;
  int in_flight_ = 0;
  Counts counts_;
};

}  // namespace firstline::routing
