#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "platform/redis/redis_client.h"

namespace firstline::platform {

// Listens on Redis pub/sub channels on a connection of its own and hands each message to
// `on_message(channel, payload)` on its thread. Pub/sub delivers at most once: after a lost
// connection it reconnects with backoff, subscribes again and calls `on_resubscribed`, so the
// owner can resynchronise whatever it may have missed.
class RedisSubscriber {
 public:
  using OnMessage = std::function<void(const std::string& channel, const std::string& payload)>;

  RedisSubscriber(RedisConfig config, std::vector<std::string> channels, OnMessage on_message,
                  std::function<void()> on_resubscribed);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void Start();
  void Stop();
  bool subscribed() const { return subscribed_.load(); }

 private:
  void Run();

  RedisConfig config_;
  std::vector<std::string> channels_;
  OnMessage on_message_;
  std::function<void()> on_resubscribed_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::thread thread_;
};

}  // namespace firstline::platform
