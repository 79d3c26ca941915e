#include "platform/core/thread_name.h"

#include <pthread.h>

#include <string>

namespace firstline::platform {

void NameThisThread(std::string_view name) {
  const std::string shown(name.substr(0, 15));
  // Naming is for people reading a process listing; a refusal changes nothing else.
  (void)pthread_setname_np(pthread_self(), shown.c_str());
}

}  // namespace firstline::platform
