#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace firstline::platform {

// For a watch whose first delivery replays what is pending: remembers what was pending when
// the watch began, so anything that appears before the feed's first read is reported live,
// not as a replay. Built before the watch is registered; Delivered() after the first read.
class ReplayMark {
 public:
  // `pending_at_start`: nullopt when it could not be read (the first read's items are then all
  // taken as replayed).
  explicit ReplayMark(std::optional<std::set<std::string>> pending_at_start)
      : pending_at_start_(std::move(pending_at_start)) {}

  bool IsReplay(const std::string& id) const {
    return !delivered_ && (!pending_at_start_ || pending_at_start_->contains(id));
  }
  bool delivered() const { return delivered_; }
  void Delivered() {
    delivered_ = true;
    pending_at_start_.reset();
  }

 private:
  bool delivered_ = false;
  std::optional<std::set<std::string>> pending_at_start_;
};

}  // namespace firstline::platform
