#include "platform/core/work_pool.h"

#include "absl/strings/str_cat.h"
#include "platform/core/thread_name.h"

namespace firstline::platform {

WorkPool::WorkPool(std::string name, int threads, size_t max_queued)
    : name_(std::move(name)), max_queued_(max_queued) {
  // Threads are named by the pool name's last word and their number ("rpc-3"): the
  // first 15 bytes are all a thread name keeps.
  const std::string word = name_.substr(name_.rfind('-') + 1);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, name = absl::StrCat(word, "-", i)] {
      NameThisThread(name);
      Run();
    });
  }
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

absl::Status WorkPool::Submit(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::UnavailableError(absl::StrCat(name_, " is shutting down"));
    if (queue_.size() >= max_queued_) {
      return absl::ResourceExhaustedError(
          absl::StrCat(name_, ": ", queue_.size(), " requests already waiting; retry later"));
    }
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
  return absl::OkStatus();
}

void WorkPool::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    auto work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    work();
    lock.lock();
  }
}

}  // namespace firstline::platform
