#include "platform/outbox/outbox_event.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "platform/events/envelope.h"

namespace firstline::platform {

absl::StatusOr<std::vector<OutboxBatchRecord>> DecodeOutboxBatch(absl::string_view records,
                                                                 int64_t count) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(records.data()),
                                            static_cast<int>(records.size()));
  std::vector<OutboxBatchRecord> out;
  while (in.BytesUntilLimit() > 0) {
    OutboxBatchRecord r;
    for (std::string* part : {&r.key, &r.id, &r.type, &r.value}) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length) || !in.ReadString(part, static_cast<int>(length))) {
        return absl::InvalidArgumentError(
            absl::StrCat("outbox batch: record ", out.size() + 1, " is cut short"));
      }
    }
    out.push_back(std::move(r));
  }
  if (static_cast<int64_t>(out.size()) != count) {
    return absl::InvalidArgumentError(
        absl::StrCat("outbox batch: n says ", count, " records, b holds ", out.size()));
  }
  return out;
}

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

int64_t NextEntriesPerRead(int64_t batch_size, int64_t entries, int64_t messages) {
  return std::max<int64_t>(1, batch_size * entries / std::max<int64_t>(1, messages));
}

}  // namespace firstline::platform
