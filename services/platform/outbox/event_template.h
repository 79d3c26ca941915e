#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "platform/core/clock.h"

namespace firstline::platform {

// An event a Lua script completes: the C++ side knows the id, type, time, producer, trace and
// most of the payload; the script decides the partition key (e.g. the account it matched) and
// appends the payload fields only it knows (outbox_emit in platform/outbox/outbox_pb.lua).
// Protobuf parsers accept fields in any order, so appending is valid encoding.
struct EventTemplate {
  std::string event_id;
  std::string type;
  std::string header;       // serialized Envelope: event_id, type, occurred_at, producer, trace
  int payload_field = 0;    // the Envelope's oneof field number of this payload type
  std::string body_prefix;  // serialized payload with the fields known up front
};

// Script arguments per template, in this order: id, type, header, payload field, body prefix.
// Lua: outbox_emit_template(stream, topic, key, first_arg_index, appended_body_fields).
inline constexpr int kEventTemplateArgs = 5;

// The payload's type name picks the Envelope field; INVALID_ARGUMENT when no field carries it.
absl::StatusOr<EventTemplate> MakeEventTemplate(const google::protobuf::Message& known_payload,
                                                absl::string_view producer,
                                                absl::string_view trace_id, const Clock& clock);

void AppendEventTemplateArgs(EventTemplate event, std::vector<std::string>& args);

}  // namespace firstline::platform
