#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "platform/grpc/replay_mark.h"
#include "platform/redis/redis_subscriber.h"
#include "routing/routing_engine.h"

namespace firstline::routing {

// A change on a worker's offer feed.
struct OfferNotice {
  enum class Change { kOffered, kAssigned, kRescinded, kExpired, kDeclined };
  Change change = Change::kOffered;
  std::string offer_id;
  std::string item_id;
  absl::Time deadline;
  bool replayed = false;  // pending when the watch began
};

// Live offer feeds for workers with an open stream. The truth is in Redis (each worker's
// pending-offer set), so a feed is correct whichever engine instance made the offer and
// survives reconnects: a new watch first replays what is pending, then reports what appears
// and how each offer ended. The engine's scripts nudge every instance over pub/sub when a
// worker's offers change, and the feed re-reads just that worker at once; a full reconcile
// every `reconcile_interval` covers nudges lost with a dropped connection. The reconcile runs
// in slices of kReconcileSlice watches with the nudges in between, so thousands of open
// streams never hold up a fresh offer. Delivery (a sink looks its items up) runs on
// kDeliveryLanes threads, each watch always on the same lane so its notices stay in order;
// the feed's thread only reads offers, pipelined. Each lookup blocks on a Redis round trip:
// with 4 lanes, 1,000 tickets/s (an offer and an assignment each) left offers seconds late.
class OfferFeed {
 public:
  static constexpr size_t kReconcileSlice = 256;
  static constexpr size_t kDeliveryLanes = 16;
  using Sink = std::function<void(const std::vector<OfferNotice>&)>;

  OfferFeed(RoutingEngine& engine, platform::RedisConfig redis, absl::Duration reconcile_interval);
  ~OfferFeed();

  // The sink is called from a delivery lane (or from PollOnce's caller before Start), never
  // after Unwatch returns.
  uint64_t Watch(const std::string& worker_id, Sink sink);
  void Unwatch(uint64_t handle);

  void Start();
  void Stop();
  // One round over every watch (the thread calls it; tests may too).
  absl::Status PollOnce() { return Poll(TargetsOf(nullptr)); }
  // The worker's offers changed: re-read its watches now.
  void Nudge(const std::string& worker_id);
  bool listening() const { return subscriber_.subscribed(); }

 private:
  struct Watcher {
    std::string worker_id;
    std::shared_ptr<Sink> sink;
    platform::ReplayMark replay;  // what the first poll reports as replayed
    std::map<std::string, PendingOffer> known;
  };

  using Targets = std::vector<std::pair<uint64_t, std::string>>;  // watch handle, worker
  Targets TargetsOf(const std::set<std::string>* only);
  // Re-reads the targets' pending offers (pipelined) and delivers what changed.
  absl::Status Poll(const Targets& targets);
  void Deliver(uint64_t handle, const std::vector<OfferNotice>& notices);

  struct Lane {
    std::mutex mu;  // held while delivering, so Unwatch can wait out a delivery in progress
    std::mutex queue_mu;
    std::condition_variable cv;
    std::deque<std::pair<uint64_t, std::vector<OfferNotice>>> queue;
    std::thread thread;
  };
  Lane& LaneOf(uint64_t handle) { return lanes_[handle % kDeliveryLanes]; }

  RoutingEngine& engine_;
  absl::Duration reconcile_interval_;
  platform::RedisSubscriber subscriber_;
  std::mutex mu_;  // guards watchers_
  std::map<uint64_t, Watcher> watchers_;
  std::multimap<std::string, uint64_t> by_worker_;  // worker id -> its watches (nudges, polls)
  uint64_t next_handle_ = 1;
  std::mutex poll_mu_;  // one PollOnce at a time
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::set<std::string> nudged_;  // guarded by stop_mu_
  std::thread thread_;
  std::array<Lane, kDeliveryLanes> lanes_;
  std::atomic<bool> lanes_running_{false};
  std::atomic<bool> stopping_lanes_{false};
};

}  // namespace firstline::routing
