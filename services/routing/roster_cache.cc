#include "routing/roster_cache.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/numbers.h"
#include "platform/core/log.h"
#include "routing/worker_json.h"

namespace firstline::routing {

void RosterSnapshot::Index() const {
  for (const auto& w : workers) {
    for (const auto& pool : w->pools) {
      by_pool_[pool].push_back(w.get());
      if (w->regions.empty()) everywhere_[pool].push_back(w.get());
      for (const auto& region : w->regions) by_pool_region_[{pool, region}].push_back(w.get());
    }
  }
}

std::vector<const Worker*> RosterSnapshot::InPool(const std::string& pool,
                                                  const std::string& region) const {
  std::call_once(indexed_, [this] { Index(); });
  static const std::vector<const Worker*> kNone;
  auto find = [](const auto& map, const auto& key) -> const std::vector<const Worker*>& {
    auto it = map.find(key);
    return it == map.end() ? kNone : it->second;
  };
  if (region.empty()) return find(by_pool_, pool);
  const auto& local = find(by_pool_region_, std::make_pair(pool, region));
  const auto& all = find(everywhere_, pool);
  std::vector<const Worker*> out;
  out.reserve(local.size() + all.size());
  std::merge(local.begin(), local.end(), all.begin(), all.end(), std::back_inserter(out),
             [](const Worker* a, const Worker* b) { return a->id < b->id; });
  return out;
}

const Worker* RosterSnapshot::Find(const std::string& id) const {
  auto it = std::lower_bound(workers.begin(), workers.end(), id,
                             [](const auto& w, const std::string& k) { return w->id < k; });
  return it == workers.end() || (*it)->id != id ? nullptr : it->get();
}

std::shared_ptr<const RosterSnapshot> RosterCache::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

absl::Status RosterCache::Reload() {
  // One transaction on one connection: the version and the roster it describes.
  auto replies =
      redis_.Pipeline({{"MULTI"}, {"GET", tag_ + ":ver"}, {"HGETALL", tag_ + ":roster"}, {"EXEC"}});
  if (auto st = platform::FirstError(replies); !st.ok()) return st;
  const auto& exec = *replies->back();
  if (exec.elements.size() != 2) {
    return absl::InternalError("roster read: the transaction returned no result");
  }
  const auto& version = exec.elements[0];
  const auto& all = exec.elements[1];
  auto snapshot = std::make_shared<RosterSnapshot>();
  snapshot->version = version.is_nil() ? "0" : version.str;
  for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
    auto worker = WorkerFromJson(all.elements[i + 1].str);
    if (!worker.ok()) {
      // Written by UpsertWorker after validation, so this is corruption: skip, say so.
      platform::Log::Error("roster_entry_invalid", {{"worker", all.elements[i].str},
                                                    {"error", worker.status().ToString()}});
      continue;
    }
    snapshot->workers.push_back(std::make_shared<const Worker>(std::move(*worker)));
  }
  std::sort(snapshot->workers.begin(), snapshot->workers.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  std::lock_guard lock(mu_);
  current_ = std::move(snapshot);
  return absl::OkStatus();
}

void RosterCache::Apply(int64_t version, const std::string& id,
                        std::shared_ptr<const Worker> worker) {
  std::lock_guard lock(mu_);
  int64_t held = -1;
  (void)absl::SimpleAtoi(current_->version, &held);
  if (held >= version) return;  // a reload already read this change
  auto next = std::make_shared<RosterSnapshot>();
  // Other instances' changes in between are not known here: the snapshot keeps its older
  // version, so the reservation script calls the next decision stale and it reloads.
  next->version = held + 1 == version ? std::to_string(version) : current_->version;
  next->workers = current_->workers;
  auto it = std::lower_bound(next->workers.begin(), next->workers.end(), id,
                             [](const auto& w, const std::string& k) { return w->id < k; });
  const bool present = it != next->workers.end() && (*it)->id == id;
  if (worker != nullptr && present) {
    *it = std::move(worker);
  } else if (worker != nullptr) {
    next->workers.insert(it, std::move(worker));
  } else if (present) {
    next->workers.erase(it);
  }
  current_ = std::move(next);
}

}  // namespace firstline::routing
