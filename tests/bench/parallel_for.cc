#include <atomic>
#include <mutex>
#include <thread>

#include "bench/load.h"

namespace firstline::bench {

absl::Status ParallelFor(int64_t begin, int64_t end, int threads,
                         const std::function<absl::Status(int64_t)>& op) {
  std::atomic<int64_t> next{begin};
  std::mutex mu;
  absl::Status first = absl::OkStatus();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int64_t i = next++; i < end; i = next++) {
        if (auto st = op(i); !st.ok()) {
          std::lock_guard lock(mu);
          if (first.ok()) first = st;
          return;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace firstline::bench
