#pragma once

#include <signal.h>

namespace firstline::platform {

// SIGINT and SIGTERM, blocked in the calling thread (and so in every thread it starts later),
// so that only the code that waits for them with sigwait/sigtimedwait ever sees them.
inline sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace firstline::platform
