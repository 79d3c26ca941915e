#include "platform/outbox/event_template.h"

#include "absl/strings/str_cat.h"
#include "firstline/v1/events.pb.h"
#include "platform/events/envelope.h"

namespace firstline::platform {

absl::StatusOr<EventTemplate> MakeEventTemplate(const google::protobuf::Message& known_payload,
                                                absl::string_view producer,
                                                absl::string_view trace_id, const Clock& clock) {
  const std::string& type = known_payload.GetDescriptor()->name();
  const auto* oneof = firstline::v1::Envelope::descriptor()->FindOneofByName("payload");
  int field = 0;
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (oneof->field(i)->message_type() == known_payload.GetDescriptor()) {
      field = oneof->field(i)->number();
    }
  }
  if (field == 0) {
    return absl::InvalidArgumentError(absl::StrCat(type, " is not an Envelope payload type"));
  }
  firstline::v1::Envelope envelope = NewEnvelope(producer, "", trace_id, clock);
  envelope.set_type(type);
  EventTemplate t;
  t.event_id = envelope.event_id();
  t.type = type;
  t.payload_field = field;
  envelope.SerializeToString(&t.header);
  known_payload.SerializeToString(&t.body_prefix);
  return t;
}

void AppendEventTemplateArgs(EventTemplate event, std::vector<std::string>& args) {
  args.push_back(std::move(event.event_id));
  args.push_back(std::move(event.type));
  args.push_back(std::move(event.header));
  args.push_back(std::to_string(event.payload_field));
  args.push_back(std::move(event.body_prefix));
}

}  // namespace firstline::platform
