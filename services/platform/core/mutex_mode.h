#pragma once

#include "absl/synchronization/mutex.h"

namespace firstline::platform {

// Debian builds Abseil without NDEBUG, so every absl::Mutex lock (gRPC takes them on every
// call, timer and poll) also maintains a lock-order graph for deadlock detection. Under load
// that graph was the costliest user-space code in a profile of ticket-dispatch; production
// processes turn it off once, before any thread starts. Tests keep it on.
inline void UseProductionMutexMode() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace firstline::platform
