#pragma once

#include <memory>
#include <string>

#include "platform/redis/redis_client.h"
#include "support/process.h"

namespace firstline::testing {

// A real redis-server on a free loopback port with its data in a temp dir.
class RedisServer {
 public:
  // Starts it and waits until it answers PING; aborts the test (ASSERT) when it cannot.
  RedisServer();
  ~RedisServer();

  int port() const { return port_; }
  platform::RedisConfig Config() const;
  // Stops the server (SIGKILL: nothing saved) and starts a new one on the same port.
  void Restart();
  void Kill();
  void Start();

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace firstline::testing
