#include "routing/offer_feed.h"

#include "platform/core/log.h"

namespace firstline::routing {

OfferFeed::OfferFeed(RoutingEngine& engine, platform::RedisConfig redis,
                     absl::Duration reconcile_interval)
    : engine_(engine),
      reconcile_interval_(reconcile_interval),
      subscriber_(
          std::move(redis), {engine.FeedChannel()},
          [this](const std::string&, const std::string& worker) { Nudge(worker); },
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
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    handle = next_handle_++;
    watchers_[handle] = Watcher{worker_id, std::move(sink), false, {}};
    by_worker_.emplace(worker_id, handle);
  }
  Nudge(worker_id);  // replay what is pending right away
  return handle;
}

void OfferFeed::Unwatch(uint64_t handle) {
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

void OfferFeed::Start() {
  subscriber_.Start();
  thread_ = std::thread([this] {
    std::string last_error;
    absl::Time next_reconcile = absl::Now();
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      std::set<std::string> nudged;
      nudged.swap(nudged_);
      const bool reconcile = absl::Now() >= next_reconcile || nudged.contains("");
      lock.unlock();
      absl::Status st = reconcile ? Poll(nullptr) : Poll(&nudged);
      if (reconcile) next_reconcile = absl::Now() + reconcile_interval_;
      if (!st.ok() && st.ToString() != last_error) {
        platform::Log::Warn("offer_feed_poll_failed", {{"error", st.ToString()}});
      }
      last_error = st.ok() ? "" : st.ToString();
      lock.lock();
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
}

absl::Status OfferFeed::Poll(const std::set<std::string>* only) {
  std::lock_guard poll(poll_mu_);
  std::vector<std::pair<uint64_t, std::string>> targets;
  {
    std::lock_guard lock(mu_);
    if (only == nullptr) {
      for (const auto& [handle, w] : watchers_) targets.emplace_back(handle, w.worker_id);
    } else {
      for (const auto& worker : *only) {
        auto [first, last] = by_worker_.equal_range(worker);
        for (auto w = first; w != last; ++w) targets.emplace_back(w->second, worker);
      }
    }
  }
  for (const auto& [handle, worker_id] : targets) {
    auto pending = engine_.PendingOffers(worker_id);
    if (!pending.ok()) return pending.status();
    std::map<std::string, PendingOffer> now;
    for (auto& p : *pending) now.emplace(p.offer_id, std::move(p));
    std::map<std::string, PendingOffer> known;
    bool primed = false;
    {
      std::lock_guard lock(mu_);
      auto it = watchers_.find(handle);
      if (it == watchers_.end()) continue;
      known = it->second.known;
      primed = it->second.primed;
    }
    std::vector<OfferNotice> notices;
    for (const auto& [id, p] : now) {
      if (!known.contains(id)) {
        notices.push_back({OfferNotice::Change::kOffered, id, p.item_id, p.deadline, !primed});
      }
    }
    for (const auto& [id, p] : known) {
      if (now.contains(id)) continue;
      auto state = engine_.OfferState(id);
      OfferNotice::Change change = OfferNotice::Change::kRescinded;
      if (state.ok() && *state == "accepted") change = OfferNotice::Change::kAssigned;
      if (state.ok() && *state == "expired") change = OfferNotice::Change::kExpired;
      if (state.ok() && *state == "declined") change = OfferNotice::Change::kDeclined;
      notices.push_back({change, id, p.item_id, p.deadline, false});
    }
    std::lock_guard lock(mu_);
    auto it = watchers_.find(handle);
    if (it == watchers_.end()) continue;  // unwatched meanwhile: deliver nothing
    it->second.known = std::move(now);
    it->second.primed = true;
    if (!notices.empty()) it->second.sink(notices);
  }
  return absl::OkStatus();
}

}  // namespace firstline::routing
