#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace firstline::platform {

// A fixed pool of threads for blocking work (Redis round trips) handed off by gRPC callback
// handlers: the callback API runs handlers on a few shared threads that must never block, or
// every call in the process waits behind one Redis round trip. The queue is bounded: when it
// is full, Submit refuses (RESOURCE_EXHAUSTED) instead of growing without limit.
class WorkPool {
 public:
  WorkPool(std::string name, int threads, size_t max_queued);
  ~WorkPool();  // runs what is queued, then joins
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  absl::Status Submit(std::function<void()> work);

 private:
  void Run();

  std::string name_;
  size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace firstline::platform
