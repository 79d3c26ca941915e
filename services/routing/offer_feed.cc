#include "routing/offer_feed.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/core/log.h"
#include "platform/core/thread_name.h"

namespace firstline::routing {

OfferFeed::OfferFeed(RoutingEngine& engine, platform::RedisConfig redis,
                     absl::Duration reconcile_interval)
    : engine_(engine),
      reconcile_interval_(reconcile_interval),
      subscriber_(
          std::move(redis), {engine.FeedChannel()},
          // One worker id, or several joined by '|' (the offer script nudges once a call).
          [this](const std::string&, const std::string& workers) {
            for (absl::string_view w : absl::StrSplit(workers, '|', absl::SkipEmpty())) {
              Nudge(std::string(w));
            }
          },
          // Nudges may have been lost while the subscription was down: reconcile everything.
          [this] {
            std::lock_guard lock(stop_mu_);
            nudged_.insert("");
            stop_cv_.notify_all();
          }) {}

void OfferFeed::Nudge(const std::string& worker_id) {
  {
    std::lock_guard lock(mu_);
    if (!by_worker_.contains(worker_id)) return;  // nobody here streams this worker's offers
  }
  std::lock_guard lock(stop_mu_);
  nudged_.insert(worker_id);
  stop_cv_.notify_all();
}

OfferFeed::~OfferFeed() { Stop(); }

uint64_t OfferFeed::Watch(const std::string& worker_id, Sink sink) {
  std::optional<std::set<std::string>> pending_now;
  if (auto ids = engine_.PendingOfferIds(worker_id); ids.ok()) pending_now = std::move(*ids);
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    handle = next_handle_++;
    watchers_.emplace(handle, Watcher{worker_id,
                                      std::make_shared<Sink>(std::move(sink)),
                                      platform::ReplayMark(std::move(pending_now)),
                                      {}});
    by_worker_.emplace(worker_id, handle);
  }
  Nudge(worker_id);  // replay what is pending right away
  return handle;
}

void OfferFeed::Unwatch(uint64_t handle) {
  {
    std::lock_guard lock(mu_);
    auto it = watchers_.find(handle);
    if (it == watchers_.end()) return;
    auto [first, last] = by_worker_.equal_range(it->second.worker_id);
    for (auto w = first; w != last; ++w) {
      if (w->second == handle) {
        by_worker_.erase(w);
        break;
      }
    }
    watchers_.erase(it);
  }
  // A delivery to this watch may be under way on its lane: wait it out. Later ones find the
  // watch gone.
  std::lock_guard wait(LaneOf(handle).mu);
}

void OfferFeed::Deliver(uint64_t handle, const std::vector<OfferNotice>& notices) {
  std::shared_ptr<Sink> sink;
  {
    std::lock_guard lock(mu_);
    auto it = watchers_.find(handle);
    if (it == watchers_.end()) return;  // unwatched meanwhile: deliver nothing
    sink = it->second.sink;
  }
  (*sink)(notices);
}

void OfferFeed::Start() {
  for (auto& lane : lanes_) {
    lane.thread = std::thread([this, &lane, n = &lane - lanes_.data()] {
      platform::NameThisThread(absl::StrCat("offer-lane-", n));
      std::unique_lock queue(lane.queue_mu);
      while (true) {
        lane.cv.wait(queue, [&] { return stopping_lanes_ || !lane.queue.empty(); });
        if (lane.queue.empty()) return;  // stopping, and everything queued was delivered
        auto [handle, notices] = std::move(lane.queue.front());
        lane.queue.pop_front();
        queue.unlock();
        {
          std::lock_guard delivering(lane.mu);
          Deliver(handle, notices);
        }
        queue.lock();
      }
    });
  }
  lanes_running_ = true;
  subscriber_.Start();
  thread_ = std::thread([this] {
    platform::NameThisThread("offer-feed");
    std::string last_error;
    absl::Time next_reconcile = absl::Now();
    Targets reconciling;  // what is left of the current full reconcile
    size_t cursor = 0;
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      std::set<std::string> nudged;
      nudged.swap(nudged_);
      const bool restart = nudged.erase("") > 0;
      lock.unlock();
      if (restart || (cursor >= reconciling.size() && absl::Now() >= next_reconcile)) {
        reconciling = TargetsOf(nullptr);
        cursor = 0;
        next_reconcile = absl::Now() + reconcile_interval_;
      }
      absl::Status st = nudged.empty() ? absl::OkStatus() : Poll(TargetsOf(&nudged));
      if (cursor < reconciling.size()) {
        size_t end = std::min(reconciling.size(), cursor + kReconcileSlice);
        Targets slice(reconciling.begin() + cursor, reconciling.begin() + end);
        cursor = end;
        if (auto s2 = Poll(slice); st.ok()) st = s2;
      }
      if (!st.ok() && st.ToString() != last_error) {
        platform::Log::Warn("offer_feed_poll_failed", {{"error", st.ToString()}});
      }
      last_error = st.ok() ? "" : st.ToString();
      lock.lock();
      if (cursor < reconciling.size()) continue;  // next slice after the nudges
      stop_cv_.wait_until(lock, absl::ToChronoTime(next_reconcile),
                          [this] { return stopping_ || !nudged_.empty(); });
    }
  });
}

void OfferFeed::Stop() {
  subscriber_.Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  stopping_lanes_ = true;
  for (auto& lane : lanes_) {
    { std::lock_guard queue(lane.queue_mu); }  // a lane between its check and its wait
    lane.cv.notify_all();
    if (lane.thread.joinable()) lane.thread.join();
  }
  lanes_running_ = false;
}

OfferFeed::Targets OfferFeed::TargetsOf(const std::set<std::string>* only) {
  Targets targets;
  std::lock_guard lock(mu_);
  if (only == nullptr) {
    for (const auto& [handle, w] : watchers_) targets.emplace_back(handle, w.worker_id);
  } else {
    for (const auto& worker : *only) {
      auto [first, last] = by_worker_.equal_range(worker);
      for (auto w = first; w != last; ++w) targets.emplace_back(w->second, worker);
    }
  }
  return targets;
}

absl::Status OfferFeed::Poll(const Targets& targets) {
  if (targets.empty()) return absl::OkStatus();
  std::lock_guard poll(poll_mu_);
  std::vector<std::string> workers;
  for (const auto& [handle, worker] : targets) workers.push_back(worker);
  std::sort(workers.begin(), workers.end());
  workers.erase(std::unique(workers.begin(), workers.end()), workers.end());
  // What the watches knew is asked about in the same read as what is pending now: an offer
  // that is no longer pending is reported with how it ended. Only Poll (one at a time) changes
  // `known`, so it is the same when the answer is applied.
  std::vector<std::string> known;
  {
    std::lock_guard lock(mu_);
    for (const auto& [handle, worker] : targets) {
      auto it = watchers_.find(handle);
      if (it == watchers_.end()) continue;
      for (const auto& [id, p] : it->second.known) known.push_back(id);
    }
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  auto snapshot = engine_.ReadFeedSnapshot(workers, known);
  if (!snapshot.ok()) return snapshot.status();
  auto& pending = snapshot->pending;

  struct Change {
    uint64_t handle;
    std::map<std::string, PendingOffer> now;
    std::vector<OfferNotice> notices;
    std::vector<PendingOffer> ended;  // known before, pending no more
  };
  std::vector<Change> changes;
  {
    std::lock_guard lock(mu_);
    for (const auto& [handle, worker] : targets) {
      auto it = watchers_.find(handle);
      if (it == watchers_.end()) continue;
      Change c{handle, {}, {}, {}};
      for (const auto& p : pending[worker]) c.now.emplace(p.offer_id, p);
      const Watcher& w = it->second;
      for (const auto& [id, p] : c.now) {
        if (!w.known.contains(id)) {
          c.notices.push_back(
              {OfferNotice::Change::kOffered, id, p.item_id, p.deadline, w.replay.IsReplay(id)});
        }
      }
      for (const auto& [id, p] : w.known) {
        if (c.now.contains(id)) continue;
        c.ended.push_back(p);
      }
      changes.push_back(std::move(c));
    }
  }
  std::map<std::string, std::string>& state_of = snapshot->state_of;
  for (auto& c : changes) {
    for (const auto& p : c.ended) {
      const std::string& state = state_of[p.offer_id];
      OfferNotice::Change change = OfferNotice::Change::kRescinded;
      if (state == "accepted") change = OfferNotice::Change::kAssigned;
      if (state == "expired") change = OfferNotice::Change::kExpired;
      if (state == "declined") change = OfferNotice::Change::kDeclined;
      c.notices.push_back({change, p.offer_id, p.item_id, p.deadline, false});
    }
    {
      std::lock_guard lock(mu_);
      auto it = watchers_.find(c.handle);
      if (it == watchers_.end()) continue;  // unwatched meanwhile: deliver nothing
      it->second.known = std::move(c.now);
      it->second.replay.Delivered();
    }
    if (c.notices.empty()) continue;
    if (!lanes_running_) {
      Deliver(c.handle, c.notices);
      continue;
    }
    Lane& lane = LaneOf(c.handle);
    {
      std::lock_guard queue(lane.queue_mu);
      lane.queue.emplace_back(c.handle, std::move(c.notices));
    }
    lane.cv.notify_one();
  }
  return absl::OkStatus();
}

}  // namespace firstline::routing
