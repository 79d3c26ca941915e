#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/core/clock.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"
#include "routing/fairness.h"
#include "routing/offer_batcher.h"
#include "routing/policy.h"
#include "routing/roster_cache.h"
#include "routing/work_item.h"
#include "routing/worker.h"

namespace firstline::routing {

struct EngineConfig {
  std::string domain;      // all routing state lives under the hash tag {rt:<domain>}
  std::string producer;    // service name written into events
  std::string topic;       // topic of the routing events
  std::string owner_kind;  // "sales" (lead-intake) or "service" (ticket-dispatch)
  absl::Duration presence_timeout = absl::Seconds(30);
  int expire_batch = 256;
  // How concurrent offer decisions share script calls.
  OfferBatcher::Limits offer_batching;
};

struct OfferRef {
  std::string offer_id;
  std::string worker_id;
  std::string organisation_id;
};

struct Decision {
  // kTaken: the item had left the parked queue before this attempt (another caller moved it).
  enum class Outcome { kOffered, kParked, kTaken };
  Outcome outcome = Outcome::kParked;
  std::string item_id;
  std::string rule;
  int target_index = -1;
  std::string strategy;
  std::vector<OfferRef> offers;
  std::string policy_version;
};

struct PendingOffer {
  std::string offer_id;
  std::string item_id;
  absl::Time deadline;
};

// An item as the engine has it now (to adopt a decision a crashed caller did not record).
struct ItemSnapshot {
  std::string state;  // routing, offered, assigned, parked, closed
  std::string rule;
  std::string assignee;
  int64_t fencing_version = 0;
  std::vector<OfferRef> live_offers;
};

struct Assignment {
  std::string item_id;
  std::string account_id;
  std::string worker_id;
  std::string organisation_id;
  int64_t fencing_version = 0;
  bool became_owner = false;
};

// Routes work items to workers. Every pick-and-reserve, accept, decline, expiry and park is
// one Lua script on the domain's single hash tag, so any number of instances can share one
// Redis and no worker goes over capacity, no item is assigned twice. Events go to the
// domain's outbox stream (relay it with the platform OutboxRelay).
class RoutingEngine {
 public:
  RoutingEngine(platform::RedisClient& redis, EngineConfig config,
                std::shared_ptr<const Policy> policy, const platform::Clock& clock);

  static std::string Tag(const std::string& domain) { return "{rt:" + domain + "}"; }
  std::string OutboxKey() const { return tag_ + ":outbox"; }
  // Pub/sub channel nudged with a worker id whenever one of its offers opens or closes.
  std::string FeedChannel() const { return tag_ + ":feed"; }

  // Swaps the policy without a restart; the next decision uses it.
  void SetPolicy(std::shared_ptr<const Policy> policy);
  std::shared_ptr<const Policy> policy() const;

  absl::Status UpsertWorker(const Worker& worker);
  // All of them in one atomic script: each is validated first, and none is stored unless all
  // are (a day's shift roster is applied whole).
  absl::Status UpsertWorkers(const std::vector<Worker>& workers);
  // Off the roster: assigned items stay; pending offers fall due at once (the next ExpireDue
  // moves their items on) and can no longer be accepted.
  absl::Status RemoveWorker(const std::string& worker_id);
  // Each returns whether the worker can now take items; if so, parked items are offered.
  absl::StatusOr<bool> SetStatus(const std::string& worker_id, WorkerStatus status);
  // The worker's own say: its status, and "available" also counts as a heartbeat (presence
  // lasts the presence timeout unless an offer stream keeps it).
  absl::Status DeclareAvailability(const std::string& worker_id, WorkerStatus status);
  absl::StatusOr<bool> Heartbeat(const std::string& worker_id);
  absl::StatusOr<bool> StreamOpened(const std::string& worker_id);
  absl::StatusOr<bool> StreamClosed(const std::string& worker_id);

  // Routes a new item (or one that is routing again) from its rule's first target.
  absl::StatusOr<Decision> Route(const WorkItem& item, const std::string& trace_id = "");
  absl::StatusOr<Assignment> Accept(const std::string& offer_id, const std::string& worker_id);
  // Returns the next decision when the item had no other live offer.
  absl::StatusOr<std::optional<Decision>> Decline(const std::string& offer_id,
                                                  const std::string& worker_id,
                                                  const std::string& reason);
  // Claims offers past their deadline (atomically, safe across instances) and routes their
  // items on; returns the new decisions.
  absl::StatusOr<std::vector<Decision>> ExpireDue();
  // Offers parked items again, oldest first.
  absl::StatusOr<std::vector<Decision>> OfferParked(int limit = 100);
  // Cancels an item in any open state: live offers are rescinded, an assignment frees its
  // worker's capacity, a parked item leaves the queue.
  absl::Status Cancel(const std::string& item_id);
  // SLA breach: rescinds the live offers and routes the item from the rule's next target
  // (parks it when there is none).
  absl::StatusOr<Decision> Escalate(const std::string& item_id);
  // Closes an assigned item; `fencing_version` must be the assignment's.
  absl::Status Complete(const std::string& item_id, int64_t fencing_version);

  absl::StatusOr<std::vector<std::string>> Receipts(const std::string& item_id);
  // NOT_FOUND when the engine never saw the item.
  absl::StatusOr<ItemSnapshot> Item(const std::string& item_id);
  // The worker's offers waiting for an answer (for replay on a reconnecting offer stream).
  absl::StatusOr<std::vector<PendingOffer>> PendingOffers(const std::string& worker_id);
  // Just their ids, in one read: what a new watch marks as replayed.
  absl::StatusOr<std::set<std::string>> PendingOfferIds(const std::string& worker_id);
  // What an offer feed polls, in one atomic read: the pending offers of each worker (every
  // worker given has an entry, soonest deadline first), and the state of each of `known`
  // ("" once forgotten), to tell how an offer that is no longer pending ended.
  struct FeedSnapshot {
    std::map<std::string, std::vector<PendingOffer>> pending;
    std::map<std::string, std::string> state_of;
  };
  absl::StatusOr<FeedSnapshot> ReadFeedSnapshot(const std::vector<std::string>& worker_ids,
                                                const std::vector<std::string>& known);
  // "pending", "accepted", "declined", "expired" or "rescinded"; NOT_FOUND once forgotten.
  absl::StatusOr<std::string> OfferState(const std::string& offer_id);
  // Assignments per worker of `pool` (every roster member, zero included) over the last
  // `window`, and their Gini coefficient.
  absl::StatusOr<FairnessReport> Fairness(const std::string& pool, absl::Duration window);
  absl::StatusOr<std::optional<std::string>> Owner(const std::string& account_id);
  // The worker as the roster cache knows it (reloaded on roster changes), or nullopt.
  std::optional<Worker> FindWorker(const std::string& worker_id) const;
  // Offer script calls so far and the decisions they carried.
  OfferBatcher::Counts offer_batching() const { return offers_.counts(); }
  // Makes `new_owner` (on the roster) the account's owner, audited, with an event; answers the
  // owner it replaced ("" when none), as the transfer saw it.
  absl::StatusOr<std::string> TransferOwner(const std::string& account_id,
                                            const std::string& new_owner, const std::string& by,
                                            const std::string& reason);
  // Makes `owner` the account's owner unless it has one; true when it did (audited, event).
  absl::StatusOr<bool> SetOwnerIfNone(const std::string& account_id, const std::string& owner,
                                      const std::string& by, const std::string& reason);

 private:
  // `rule` belongs to `policy`: one decision sees one policy version even across a reload.
  absl::StatusOr<Decision> RouteFrom(const Policy& policy, const WorkItem& item, const Rule& rule,
                                     int first_target, const std::string& trace_id,
                                     bool only_if_parked);
  absl::StatusOr<Decision> Continue(const std::string& item_id);
  absl::StatusOr<bool> Presence(const std::string& worker_id, const std::string& op,
                                const std::string& value);
  std::vector<std::string> EventArgs(const std::string& trace_id) const;
  int64_t NowMs() const;

  platform::RedisClient& redis_;
  EngineConfig config_;
  const platform::Clock& clock_;
  std::string tag_;
  std::string ver_key_;
  RosterCache roster_;
  mutable std::mutex policy_mu_;
  std::shared_ptr<const Policy> policy_;
  platform::RedisScript offer_;
  platform::RedisScript accept_;
  platform::RedisScript decline_;
  platform::RedisScript expire_;
  platform::RedisScript feed_snapshot_;
  platform::RedisScript park_;
  platform::RedisScript complete_;
  platform::RedisScript upsert_;
  platform::RedisScript remove_;
  platform::RedisScript presence_;
  platform::RedisScript transfer_;
  platform::RedisScript withdraw_;
  OfferBatcher offers_;
};

}  // namespace firstline::routing
