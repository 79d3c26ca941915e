#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "firstline/v1/events.pb.h"
#include "platform/core/clock.h"

namespace firstline::platform {

// A fresh envelope with a new event id and occurred_at = clock.Now(); set the payload, then
// Seal() it.
firstline::v1::Envelope NewEnvelope(absl::string_view producer, absl::string_view partition_key,
                                    absl::string_view trace_id, const Clock& clock);

// Fills `type` from the payload case and checks the envelope is complete (event id, producer,
// partition key, payload); names what is missing otherwise.
absl::Status Seal(firstline::v1::Envelope& envelope);

// Name of the payload's message type, e.g. "WorkItemAssigned"; empty when no payload is set.
std::string PayloadTypeName(const firstline::v1::Envelope& envelope);

}  // namespace firstline::platform
