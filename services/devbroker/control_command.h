#pragma once

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "devbroker/mock_cluster.h"

namespace firstline::devbroker {

// One line of the control protocol, answered with one line starting "ok" or "error":
//   status                          -> ok up|down bootstrap=<servers>
//   down | up                       -> take every broker down / bring them back
//   errors <api-key> <code> <count> -> next <count> requests of that API fail with <code>
//   clear <api-key>                 -> drop injected errors for that API
//   rtt <ms>                        -> add latency to every broker
std::string ExecuteControl(MockCluster& cluster, absl::string_view line);

}  // namespace firstline::devbroker
