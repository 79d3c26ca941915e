#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

// A sweep that emits thousands of events of one topic appends them as one batch entry,
//   XADD outbox_key * t topic n count b records
// where `records` holds per event its partition key, event id, type and serialized envelope,
// each as a varint length and the bytes (outbox_emit_batch in outbox_pb.lua writes it).
struct OutboxBatchRecord {
  std::string key;
  std::string id;
  std::string type;
  std::string value;
};

// Reads a batch entry's `b` field; INVALID_ARGUMENT when it is cut short or `count` (its `n`
// field) disagrees with the records found.
absl::StatusOr<std::vector<OutboxBatchRecord>> DecodeOutboxBatch(absl::string_view records,
                                                                 int64_t count);

// How many stream entries the relay reads next so that one round stays near `batch_size`
// messages: the last read's `entries` held `messages` (a batch entry holds many). At least 1.
int64_t NextEntriesPerRead(int64_t batch_size, int64_t entries, int64_t messages);

// Seals the envelope and appends the event's script arguments to `args`.
absl::Status AppendOutboxArgs(OutboxEvent event, std::vector<std::string>& args);

}  // namespace firstline::platform
