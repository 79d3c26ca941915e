#include "routing/roster_cache.h"

#include <algorithm>

#include "platform/core/log.h"
#include "routing/worker_json.h"

namespace firstline::routing {

std::shared_ptr<const RosterSnapshot> RosterCache::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

absl::Status RosterCache::Reload() {
  // MULTI/EXEC would need a dedicated connection; a version read on both sides of the HGETALL
  // detects a concurrent change instead, and the loop retries.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto before = redis_.Command({"GET", tag_ + ":ver"});
    if (!before.ok()) return before.status();
    auto all = redis_.Command({"HGETALL", tag_ + ":roster"});
    if (!all.ok()) return all.status();
    auto after = redis_.Command({"GET", tag_ + ":ver"});
    if (!after.ok()) return after.status();
    if (before->str != after->str) continue;
    auto snapshot = std::make_shared<RosterSnapshot>();
    snapshot->version = after->is_nil() ? "0" : after->str;
    for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
      auto worker = WorkerFromJson(all->elements[i + 1].str);
      if (!worker.ok()) {
        // Written by UpsertWorker after validation, so this is corruption: skip, say so.
        platform::Log::Error("roster_entry_invalid", {{"worker", all->elements[i].str},
                                                      {"error", worker.status().ToString()}});
        continue;
      }
      snapshot->workers.push_back(std::move(*worker));
    }
    std::sort(snapshot->workers.begin(), snapshot->workers.end(),
              [](const Worker& a, const Worker& b) { return a.id < b.id; });
    std::lock_guard lock(mu_);
    current_ = std::move(snapshot);
    return absl::OkStatus();
  }
  return absl::AbortedError("roster kept changing while it was being read");
}

}  // namespace firstline::routing
