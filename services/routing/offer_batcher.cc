#include "routing/offer_batcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace firstline::routing {

OfferBatcher::OfferBatcher(platform::RedisClient& redis, const platform::RedisScript& script,
                           std::string key, Limits limits)
    : redis_(redis), script_(script), key_(std::move(key)), limits_(limits) {}

absl::StatusOr<platform::RedisValue> OfferBatcher::Decide(std::vector<std::string> args,
                                                          int64_t cost) {
  Waiter me{std::move(args), std::max<int64_t>(cost, 1), std::nullopt, {}};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&me);
  while (!me.result.has_value()) {
    // Waits while the calls are all under way, or while another carrier took this decision.
    if (in_flight_ >= std::max(limits_.in_flight, 1) || queue_.empty()) {
      me.wake.wait(lock);
      continue;
    }
    // A call may start: this caller carries the queue's head (itself among it unless more
    // than a batch waited before it, or another carrier took it, and it goes round again).
    ++in_flight_;
    std::vector<Waiter*> batch;
    int64_t cost = 0;
    while (!queue_.empty() && static_cast<int>(batch.size()) < std::max(limits_.decisions, 1) &&
           (batch.empty() || cost + queue_.front()->cost <= limits_.cost)) {
      cost += queue_.front()->cost;
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    WakeNextCarrier();  // another call may start too
    lock.unlock();
    std::vector<absl::StatusOr<platform::RedisValue>> results = Run(batch);
    lock.lock();
    // Answers are handed over under the lock: a waiter may wake (spuriously) at any time.
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->result = std::move(results[i]);
      if (batch[i] != &me) batch[i]->wake.notify_one();
    }
    --in_flight_;
    counts_.calls += 1;
    counts_.decisions += static_cast<int64_t>(batch.size());
    WakeNextCarrier();
  }
  return *std::move(me.result);
}

void OfferBatcher::WakeNextCarrier() {
  if (!queue_.empty() && in_flight_ < std::max(limits_.in_flight, 1)) {
    queue_.front()->wake.notify_one();
  }
}

std::vector<absl::StatusOr<platform::RedisValue>> OfferBatcher::Run(
    const std::vector<Waiter*>& batch) {
  std::vector<std::string> argv;
  size_t size = 1;
  for (const Waiter* w : batch) size += w->args.size() + 1;
  argv.reserve(size);
  argv.push_back(std::to_string(batch.size()));
  for (Waiter* w : batch) {
    argv.push_back(std::to_string(w->args.size()));
    for (auto& a : w->args) argv.push_back(std::move(a));
  }
  auto reply = redis_.Eval(script_, {key_}, argv);
  if (reply.ok() && (!reply->is_array() || reply->elements.size() != batch.size())) {
    reply = absl::InternalError(absl::StrCat("offer script answered ", batch.size(),
                                             " decisions with ", reply->elements.size()));
  }
  std::vector<absl::StatusOr<platform::RedisValue>> results;
  results.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!reply.ok()) {
      results.push_back(reply.status());
      continue;
    }
    platform::RedisValue& r = reply->elements[i];
    if (r.is_array() && r.elements.size() == 2 && r.elements[0].str == "error") {
      results.push_back(platform::ErrorReplyToStatus(r.elements[1].str));
    } else {
      results.push_back(std::move(r));
    }
  }
  return results;
}

OfferBatcher::Counts OfferBatcher::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace firstline::routing
