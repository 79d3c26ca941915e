#include "support/redis_server.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

namespace firstline::testing {

RedisServer::RedisServer() : port_(FreePort()) { Start(); }

RedisServer::~RedisServer() { Kill(); }

void RedisServer::Start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                               "127.0.0.1", "--dir", dir_.path(), "--save", "", "--appendonly",
                               "no", "--loglevel", "warning"},
      dir_.path() + "/redis.log");
  platform::RedisConfig config = Config();
  config.reconnect_backoff_initial = absl::Milliseconds(5);
  config.reconnect_backoff_max = absl::Milliseconds(20);
  platform::RedisClient probe(config);
  for (int i = 0; i < 500; ++i) {
    if (probe.Ping().ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "redis-server did not start on port " << port_ << " (see " << dir_.path()
                << "/redis.log)";
}

void RedisServer::Kill() {
  if (process_ != nullptr) process_->Stop(SIGKILL);
  process_.reset();
}

void RedisServer::Restart() {
  Kill();
  Start();
}

platform::RedisConfig RedisServer::Config() const {
  platform::RedisConfig c;
  c.host = "127.0.0.1";
  c.port = port_;
  c.pool_size = 4;
  c.reconnect_backoff_initial = absl::Milliseconds(10);
  c.reconnect_backoff_max = absl::Milliseconds(200);
  return c;
}

}  // namespace firstline::testing
