#include "platform/events/envelope.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "platform/core/ids.h"

namespace firstline::platform {

firstline::v1::Envelope NewEnvelope(absl::string_view producer, absl::string_view partition_key,
                                    absl::string_view trace_id, const Clock& clock) {
  firstline::v1::Envelope e;
  e.set_event_id(NewRandomId());
  e.set_producer(std::string(producer));
  e.set_partition_key(std::string(partition_key));
  e.set_trace_id(std::string(trace_id));
  absl::Time now = clock.Now();
  int64_t nanos = absl::ToUnixNanos(now);
  e.mutable_occurred_at()->set_seconds(nanos / 1'000'000'000);
  e.mutable_occurred_at()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return e;
}

std::string PayloadTypeName(const firstline::v1::Envelope& envelope) {
  const auto* descriptor = envelope.GetDescriptor();
  const auto* oneof = descriptor->FindOneofByName("payload");
  const auto* field = envelope.GetReflection()->GetOneofFieldDescriptor(envelope, oneof);
  return field == nullptr ? std::string() : field->message_type()->name();
}

absl::Status Seal(firstline::v1::Envelope& envelope) {
  std::vector<std::string> missing;
  if (envelope.event_id().empty()) missing.push_back("event_id");
  if (envelope.producer().empty()) missing.push_back("producer");
  if (envelope.partition_key().empty()) missing.push_back("partition_key");
  std::string type = PayloadTypeName(envelope);
  if (type.empty()) missing.push_back("payload");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event envelope is missing: ", absl::StrJoin(missing, ", ")));
  }
  envelope.set_type(type);
  return absl::OkStatus();
}

}  // namespace firstline::platform
