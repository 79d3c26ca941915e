#pragma once
// Shared pieces of in-process service tests: a runtime configured for loopback, contexts
// carrying real signed tokens, and the envelopes on a topic.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "firstline/v1/events.pb.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/redis/redis_client.h"
#include "platform/runtime/runtime_config.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"

namespace firstline::testing {

// The HS256 secret of every in-process service test.
inline const std::string kTestSecret(32, 's');

platform::RuntimeConfig TestRuntimeConfig(const std::string& service, const RedisServer& redis,
                                          const MockKafka& kafka);

// A client context carrying `who`'s token (minted on `clock`) and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> SignedContext(const platform::Principal& who,
                                                   const platform::Clock& clock);

// The envelopes on `topic`: at least `at_least`, or what came before `timeout`.
std::vector<firstline::v1::Envelope> ReadEnvelopes(const MockKafka& kafka, const std::string& topic,
                                                   size_t at_least,
                                                   absl::Duration timeout = absl::Seconds(30));

// The envelopes on `topic` once one of them satisfies `wanted` (read again as more arrive), or
// all that came before `timeout` when none does: for an event whose place among its topic's
// events depends on how several outboxes' relays interleave.
std::vector<firstline::v1::Envelope> ReadEnvelopesUntil(
    const MockKafka& kafka, const std::string& topic,
    const std::function<bool(const firstline::v1::Envelope&)>& wanted,
    absl::Duration timeout = absl::Seconds(30));

// Whether `member` is in the sorted set `key` (an index entry); a failed read fails the test.
bool InSortedSet(platform::RedisClient& redis, const std::string& key, const std::string& member);

}  // namespace firstline::testing
