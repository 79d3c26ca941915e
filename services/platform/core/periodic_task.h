#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace firstline::platform {

// Runs `tick` every `interval` on its own thread until Stop() (or destruction). A failing tick
// is logged (once per distinct error in a row) and retried at the next interval: background
// sweeps ride out a lost Redis connection instead of ending the process.
class PeriodicTask {
 public:
  PeriodicTask(std::string name, absl::Duration interval, std::function<absl::Status()> tick);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  std::string name_;
  absl::Duration interval_;
  std::function<absl::Status()> tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace firstline::platform
