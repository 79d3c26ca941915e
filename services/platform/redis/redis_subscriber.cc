#include "platform/redis/redis_subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include "platform/core/backoff.h"
#include "platform/core/log.h"
#include "platform/core/thread_name.h"

namespace firstline::platform {
namespace {

constexpr int kPollMs = 200;  // how often a quiet subscriber checks for Stop()

// A pushed ["message", channel, payload]; false for anything else (subscribe confirmations).
bool AsMessage(const redisReply* r, std::string* channel, std::string* payload) {
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return false;
  const redisReply* kind = r->element[0];
  if (kind->type != REDIS_REPLY_STRING || std::string(kind->str, kind->len) != "message") {
    return false;
  }
  channel->assign(r->element[1]->str, r->element[1]->len);
  payload->assign(r->element[2]->str, r->element[2]->len);
  return true;
}

}  // namespace

RedisSubscriber::RedisSubscriber(RedisConfig config, std::vector<std::string> channels,
                                 OnMessage on_message, std::function<void()> on_resubscribed)
    : config_(std::move(config)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_resubscribed_(std::move(on_resubscribed)) {}

RedisSubscriber::~RedisSubscriber() { Stop(); }

void RedisSubscriber::Start() {
  thread_ = std::thread([this] {
    NameThisThread("redis-subscribe");
    Run();
  });
}

void RedisSubscriber::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RedisSubscriber::Run() {
  Backoff backoff(config_.reconnect_backoff_initial, config_.reconnect_backoff_max);
  int failures = 0;
  while (!stopping_) {
    timeval tv = absl::ToTimeval(config_.connect_timeout);
    redisContext* c = redisConnectWithTimeout(config_.host.c_str(), config_.port, tv);
    bool ok = c != nullptr && c->err == 0;
    if (ok && !config_.password.empty()) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "AUTH %s", config_.password.c_str()));
      ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
      if (r != nullptr) freeReplyObject(r);
    }
    if (ok) {
      std::vector<const char*> argv = {"SUBSCRIBE"};
      for (const auto& ch : channels_) argv.push_back(ch.c_str());
      ok = redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), nullptr) ==
           REDIS_OK;
      int written = 0;
      while (ok && written == 0) ok = redisBufferWrite(c, &written) == REDIS_OK;
    }
    if (!ok) {
      if (c != nullptr) redisFree(c);
      subscribed_ = false;
      absl::SleepFor(backoff.DelayFor(++failures));
      continue;
    }
    failures = 0;
    subscribed_ = true;
    if (on_resubscribed_) on_resubscribed_();
    while (!stopping_) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c, &raw) != REDIS_OK) break;
      if (raw == nullptr) {
        pollfd pfd{c->fd, POLLIN, 0};
        int n = poll(&pfd, 1, kPollMs);
        if (n < 0 || (n > 0 && redisBufferRead(c) != REDIS_OK)) break;
        continue;
      }
      auto* reply = static_cast<redisReply*>(raw);
      std::string channel, payload;
      if (AsMessage(reply, &channel, &payload)) on_message_(channel, payload);
      freeReplyObject(reply);
    }
    subscribed_ = false;
    if (!stopping_) Log::Warn("redis_subscription_lost", {{"error", c->errstr}});
    redisFree(c);
  }
}

}  // namespace firstline::platform
