#include "renewal-reminder/reminder_feed.h"

#include <map>

#include "platform/core/log.h"
#include "platform/core/thread_name.h"

namespace firstline::renewal {

ReminderFeed::ReminderFeed(ReminderBook& book, platform::RedisConfig redis,
                           absl::Duration reconcile_interval, size_t window)
    : book_(book),
      reconcile_interval_(reconcile_interval),
      window_(window),
      subscriber_(
          std::move(redis), {ReminderBook::FeedChannel()},
          [this](const std::string&, const std::string& owner) { Nudge(owner); },
          [this] { Nudge(""); }) {}

ReminderFeed::~ReminderFeed() { Stop(); }

void ReminderFeed::Nudge(const std::string& owner) {
  std::lock_guard lock(wake_mu_);
  nudged_.insert(owner);
  wake_.notify_all();
}

uint64_t ReminderFeed::Watch(const std::string& owner, Sink sink) {
  std::optional<std::set<std::string>> pending_now;
  if (auto ids = book_.TaskIds(owner, window_); ids.ok()) {
    pending_now.emplace(ids->begin(), ids->end());
  }
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    handle = next_handle_++;
    watchers_.emplace(
        handle, Watcher{owner, std::move(sink), platform::ReplayMark(std::move(pending_now)), {}});
  }
  Nudge(owner);  // replay the open tasks right away
  return handle;
}

void ReminderFeed::Unwatch(uint64_t handle) {
  std::lock_guard lock(mu_);
  watchers_.erase(handle);
}

void ReminderFeed::Start() {
  subscriber_.Start();
  thread_ = std::thread([this] {
    platform::NameThisThread("reminder-feed");
    absl::Time next_reconcile = absl::Now() + reconcile_interval_;
    std::unique_lock lock(wake_mu_);
    while (!stopping_) {
      wake_.wait_until(lock, absl::ToChronoTime(next_reconcile),
                       [this] { return stopping_ || !nudged_.empty(); });
      if (stopping_) break;
      std::set<std::string> owners;
      owners.swap(nudged_);
      if (absl::Now() >= next_reconcile || owners.contains("")) {
        owners.clear();  // everyone
        next_reconcile = absl::Now() + reconcile_interval_;
      }
      lock.unlock();
      Poll(owners);
      lock.lock();
    }
  });
}

void ReminderFeed::Stop() {
  subscriber_.Stop();
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReminderFeed::Poll(const std::set<std::string>& owners) {
  std::set<std::string> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [handle, w] : watchers_) {
      if (owners.empty() || owners.contains(w.owner)) targets.insert(w.owner);
    }
  }
  for (const auto& owner : targets) {
    // An owner's list can hold thousands of open tasks (the operators' queue): every nudge
    // reads the ids of the window, and only tasks some watch has not seen yet are loaded.
    auto ids = book_.TaskIds(owner, window_);
    if (!ids.ok()) {
      platform::Log::Warn("reminder_feed_poll_failed", {{"error", ids.status().ToString()}});
      return;
    }
    std::vector<std::string> unseen;
    {
      std::lock_guard lock(mu_);
      std::set<std::string> wanted;
      for (const auto& [handle, w] : watchers_) {
        if (w.owner != owner) continue;
        for (const auto& id : *ids) {
          if (!w.known.contains(id) && wanted.insert(id).second) unseen.push_back(id);
        }
      }
    }
    auto loaded = book_.Load(unseen);
    if (!loaded.ok()) {
      platform::Log::Warn("reminder_feed_poll_failed", {{"error", loaded.status().ToString()}});
      return;
    }
    std::map<std::string, const v1::Reminder*> by_id;
    for (const auto& t : *loaded) by_id.emplace(t.reminder_id(), &t);
    std::lock_guard lock(mu_);
    for (auto& [handle, w] : watchers_) {
      if (w.owner != owner) continue;
      std::vector<v1::Reminder> replayed, live;
      std::set<std::string> now;
      for (const auto& id : *ids) {
        if (w.known.contains(id)) {
          now.insert(id);
          continue;
        }
        auto task = by_id.find(id);
        if (task == by_id.end()) continue;  // gone between the two reads: neither sent nor kept
        now.insert(id);
        (w.replay.IsReplay(id) ? replayed : live).push_back(*task->second);
      }
      w.known = std::move(now);
      w.replay.Delivered();
      if (!replayed.empty()) w.sink(replayed, true);
      if (!live.empty()) w.sink(live, false);
    }
  }
}

}  // namespace firstline::renewal
