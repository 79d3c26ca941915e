#pragma once

#include <string>
#include <vector>

#include "firstline/v1/events.pb.h"
#include "platform/redis/redis_client.h"

namespace firstline::testing {

// Every event in an outbox stream, decoded, in stream order: single entries (field `v`) and
// batch entries (`n`, `b`) alike. An entry that does not decode fails the calling test.
std::vector<v1::Envelope> OutboxEvents(platform::RedisClient& client, const std::string& key);

}  // namespace firstline::testing
