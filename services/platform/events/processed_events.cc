#include "platform/events/processed_events.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {

ProcessedEvents::ProcessedEvents(RedisClient& redis, std::string consumer, absl::Duration retention)
    : redis_(redis), consumer_(std::move(consumer)), retention_(retention) {}

std::string ProcessedEvents::KeyFor(absl::string_view tag, absl::string_view event_id) const {
  return absl::StrCat("{", tag, "}:processed:", consumer_, ":", event_id);
}

absl::StatusOr<bool> ProcessedEvents::IsProcessed(absl::string_view event_id) {
  auto r = redis_.Command({"EXISTS", KeyFor(consumer_, event_id)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::Status ProcessedEvents::MarkProcessed(absl::string_view event_id) {
  auto r = redis_.Command({"SET", KeyFor(consumer_, event_id), "1", "PX",
                           std::to_string(absl::ToInt64Milliseconds(retention_))});
  return r.ok() ? absl::OkStatus() : r.status();
}

}  // namespace firstline::platform
