#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/events.pb.h"

namespace firstline::platform {

// An event to be appended to an outbox stream by the same Lua script that makes the state
// change. It travels as kOutboxArgsPerEvent script arguments, in this order:
//   topic, partition key, event id, type, serialized envelope
// and the script appends them with
//   redis.call('XADD', outbox_key, '*', 't', topic, 'k', key, 'i', id, 'y', type, 'v', value)
inline constexpr int kOutboxArgsPerEvent = 5;

struct OutboxEvent {
  std::string topic;
  firstline::v1::Envelope envelope;
};

// Seals the envelope and appends the event's script arguments to `args`.
absl::Status AppendOutboxArgs(OutboxEvent event, std::vector<std::string>& args);

}  // namespace firstline::platform
