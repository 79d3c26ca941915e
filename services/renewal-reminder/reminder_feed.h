#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "platform/grpc/replay_mark.h"
#include "platform/redis/redis_subscriber.h"
#include "renewal-reminder/reminder_book.h"

namespace firstline::renewal {

// Live task feeds of owners with an open WatchReminders stream. The truth is each owner's
// task list in Redis, so a feed is right whichever instance fired the reminder: a new watch
// replays the open tasks, then reports each task that appears. The scripts nudge every
// instance over pub/sub ("{rr}:feed", payload the owner); a reconcile every
// `reconcile_interval` covers nudges lost with a dropped connection. Which tasks count as
// replayed is decided when the watch begins (the ids open then), not at the feed's first read,
// so a task that falls due in between is reported live.
// A feed follows the `window` most recently due tasks of a list, not the whole list: the
// operators' queue can hold many thousands, and every nudge re-reads what the feed follows.
// A task older than that is not replayed (ListReminders pages through it), and one that comes
// back into the window when newer ones are done is sent again (apps key tasks by id).
class ReminderFeed {
 public:
  // Called on the feed's thread, never after Unwatch returns.
  using Sink = std::function<void(const std::vector<v1::Reminder>& tasks, bool replayed)>;
  static constexpr size_t kDefaultWindow = 1000;

  ReminderFeed(ReminderBook& book, platform::RedisConfig redis, absl::Duration reconcile_interval,
               size_t window = kDefaultWindow);
  ~ReminderFeed();

  uint64_t Watch(const std::string& owner, Sink sink);
  void Unwatch(uint64_t handle);
  void Start();
  void Stop();
  // Re-reads the owners' task lists (every watched owner when `owners` is empty).
  void Poll(const std::set<std::string>& owners);

 private:
  struct Watcher {
    std::string owner;
    Sink sink;
    platform::ReplayMark replay;  // what the first read reports as replayed
    std::set<std::string> known;
  };
  void Nudge(const std::string& owner);

  ReminderBook& book_;
  absl::Duration reconcile_interval_;
  size_t window_;
  platform::RedisSubscriber subscriber_;
  std::mutex mu_;  // guards watchers_; held while delivering, so Unwatch waits a delivery out
  std::map<uint64_t, Watcher> watchers_;
  uint64_t next_handle_ = 1;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::set<std::string> nudged_;  // "" = everyone
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace firstline::renewal
