#pragma once

#include <functional>

#include "firstline/v1/events.pb.h"
#include "platform/events/processed_events.h"
#include "platform/kafka/event_consumer.h"

namespace firstline::platform {

using EnvelopeApply = std::function<absl::Status(const firstline::v1::Envelope&)>;

// Adapts a typed envelope handler to a raw MessageHandler: undecodable bytes or an envelope
// without an event id are poison (INVALID_ARGUMENT → DLQ); with `processed` set, an event id
// seen before is skipped, and an applied one is remembered.
MessageHandler EnvelopeHandler(EnvelopeApply apply, ProcessedEvents* processed);

using EnvelopeBatchApply = std::function<absl::Status(const std::vector<firstline::v1::Envelope>&)>;

// The batch form: `apply` gets a batch's envelopes in order and must itself apply each event
// id once (atomically with its state change). A message that does not decode or has no event
// id fails the batch as INVALID_ARGUMENT, so the consumer isolates and dead-letters it.
BatchHandler EnvelopeBatchHandler(EnvelopeBatchApply apply);

}  // namespace firstline::platform
