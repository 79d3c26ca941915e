#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/redis/redis_client.h"

namespace firstline::platform {

// Remembers which event ids a consumer has applied, so redelivered events are applied once.
// A consumer whose state change is a Lua script should instead check and mark KeyFor(tag, id)
// inside that same script (atomic with the change); this class serves the simple cases.
class ProcessedEvents {
 public:
  ProcessedEvents(RedisClient& redis, std::string consumer,
                  absl::Duration retention = absl::Hours(24 * 7));

  // Key marking `event_id` as processed, under hash tag `tag`.
  std::string KeyFor(absl::string_view tag, absl::string_view event_id) const;

  absl::StatusOr<bool> IsProcessed(absl::string_view event_id);
  absl::Status MarkProcessed(absl::string_view event_id);

  absl::Duration retention() const { return retention_; }

 private:
  RedisClient& redis_;
  std::string consumer_;
  absl::Duration retention_;
};

}  // namespace firstline::platform
