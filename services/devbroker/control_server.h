#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "devbroker/mock_cluster.h"

namespace firstline::devbroker {

// Line-oriented control socket on 127.0.0.1 (see control_command.h); one client at a time.
class ControlServer {
 public:
  static absl::StatusOr<std::unique_ptr<ControlServer>> Start(MockCluster& cluster, int port);
  ~ControlServer();
  int port() const { return port_; }

 private:
  ControlServer(MockCluster& cluster, int fd, int port);
  void Serve();
  void ServeClient(int client);

  MockCluster& cluster_;
  int fd_;
  int port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace firstline::devbroker
