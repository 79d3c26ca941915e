#include "renewal-reminder/reminder_feed.h"

#include "platform/core/log.h"

namespace firstline::renewal {

ReminderFeed::ReminderFeed(ReminderBook& book, platform::RedisConfig redis,
                           absl::Duration reconcile_interval)
    : book_(book),
      reconcile_interval_(reconcile_interval),
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
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    handle = next_handle_++;
    watchers_[handle] = Watcher{owner, std::move(sink), false, {}};
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
    auto tasks = book_.Tasks(owner);
    if (!tasks.ok()) {
      platform::Log::Warn("reminder_feed_poll_failed", {{"error", tasks.status().ToString()}});
      return;
    }
    std::lock_guard lock(mu_);
    for (auto& [handle, w] : watchers_) {
      if (w.owner != owner) continue;
      std::vector<v1::Reminder> fresh;
      std::set<std::string> now;
      for (const auto& t : *tasks) {
        now.insert(t.reminder_id());
        if (!w.known.contains(t.reminder_id())) fresh.push_back(t);
      }
      const bool replayed = !w.primed;
      w.known = std::move(now);
      w.primed = true;
      if (!fresh.empty()) w.sink(fresh, replayed);
    }
  }
}

}  // namespace firstline::renewal
