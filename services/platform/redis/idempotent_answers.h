#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "platform/redis/redis_client.h"

namespace firstline::platform {

// "A retry with the same idempotency key returns the first answer" for calls whose effect is
// not itself idempotent (accepting an offer, extending a registration, ...). The first
// successful answer is kept with a fingerprint of the request for `ttl`; the same key with the
// same request returns it without running again; with another request it is refused
// (FAILED_PRECONDITION). Each answer is its own key (its own hash tag).
class IdempotentAnswers {
 public:
  IdempotentAnswers(RedisClient& redis, std::string service, absl::Duration ttl = absl::Hours(24))
      : redis_(redis), service_(std::move(service)), ttl_(ttl) {}

  // Runs `call` (which fills `response`) unless `key` already has an answer. An empty key
  // runs the call without any of this. A call failing with FAILED_PRECONDITION because a
  // concurrent twin already succeeded also gets the twin's answer.
  absl::Status Run(const std::string& caller, const std::string& method, const std::string& key,
                   const google::protobuf::Message& request, google::protobuf::Message* response,
                   const std::function<absl::Status()>& call);

 private:
  // OK with true when a stored answer was parsed into `response`.
  absl::StatusOr<bool> Replay(const std::string& redis_key, const std::string& fingerprint,
                              google::protobuf::Message* response);

  RedisClient& redis_;
  std::string service_;
  absl::Duration ttl_;
};

}  // namespace firstline::platform
