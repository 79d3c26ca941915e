#include "platform/core/periodic_task.h"

#include "platform/core/log.h"
#include "platform/core/thread_name.h"

namespace firstline::platform {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval,
                           std::function<absl::Status()> tick)
    : name_(std::move(name)), interval_(interval), tick_(std::move(tick)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  thread_ = std::thread([this] {
    NameThisThread(name_);
    Run();
  });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Run() {
  std::string last_error;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::Status st = tick_();
    if (!st.ok() && st.ToString() != last_error) {
      Log::Warn("periodic_task_failed", {{"task", name_}, {"error", st.ToString()}});
    } else if (st.ok() && !last_error.empty()) {
      Log::Info("periodic_task_recovered", {{"task", name_}});
    }
    last_error = st.ok() ? "" : st.ToString();
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; });
  }
}

}  // namespace firstline::platform
