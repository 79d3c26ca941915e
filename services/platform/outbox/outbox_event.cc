#include "platform/outbox/outbox_event.h"

#include "platform/events/envelope.h"

namespace firstline::platform {

absl::Status AppendOutboxArgs(OutboxEvent event, std::vector<std::string>& args) {
  if (event.topic.empty()) return absl::InvalidArgumentError("outbox event has no topic");
  if (absl::Status st = Seal(event.envelope); !st.ok()) return st;
  std::string value;
  if (!event.envelope.SerializeToString(&value)) {
    return absl::InternalError("outbox event envelope does not serialize");
  }
  args.push_back(std::move(event.topic));
  args.push_back(event.envelope.partition_key());
  args.push_back(event.envelope.event_id());
  args.push_back(event.envelope.type());
  args.push_back(std::move(value));
  return absl::OkStatus();
}

}  // namespace firstline::platform
