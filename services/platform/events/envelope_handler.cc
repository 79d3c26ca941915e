#include "platform/events/envelope_handler.h"

#include "absl/strings/str_cat.h"
#include "platform/core/log.h"

namespace firstline::platform {

namespace {

absl::Status Decode(const ConsumedMessage& m, firstline::v1::Envelope& envelope) {
  if (!envelope.ParseFromString(m.value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed envelope: ", m.value.size(), " bytes do not decode"));
  }
  if (envelope.event_id().empty()) return absl::InvalidArgumentError("envelope has no event_id");
  return absl::OkStatus();
}

}  // namespace

BatchHandler EnvelopeBatchHandler(EnvelopeBatchApply apply) {
  return [apply = std::move(apply)](const std::vector<ConsumedMessage>& batch) -> absl::Status {
    std::vector<firstline::v1::Envelope> envelopes(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      if (auto st = Decode(batch[i], envelopes[i]); !st.ok()) return st;
    }
    return apply(envelopes);
  };
}

MessageHandler EnvelopeHandler(EnvelopeApply apply, ProcessedEvents* processed) {
  return [apply = std::move(apply), processed](const ConsumedMessage& m) -> absl::Status {
    firstline::v1::Envelope envelope;
    if (auto st = Decode(m, envelope); !st.ok()) return st;
    if (processed != nullptr) {
      auto seen = processed->IsProcessed(envelope.event_id());
      if (!seen.ok()) return seen.status();  // Redis trouble is transient: retried
      if (*seen) return absl::OkStatus();
    }
    absl::Status st = apply(envelope);
    if (!st.ok() || processed == nullptr) return st;
    absl::Status mark = processed->MarkProcessed(envelope.event_id());
    for (int i = 0; i < 3 && !mark.ok(); ++i) mark = processed->MarkProcessed(envelope.event_id());
    if (!mark.ok()) {
      // Applied but not remembered: a redelivery could apply it again, so say so loudly.
      Log::Error("processed_mark_failed",
                 {{"event_id", envelope.event_id()}, {"error", mark.ToString()}});
    }
    return absl::OkStatus();
  };
}

}  // namespace firstline::platform
