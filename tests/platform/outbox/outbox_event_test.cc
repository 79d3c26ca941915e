#include "platform/outbox/outbox_event.h"

#include <gtest/gtest.h>

#include <string>

namespace firstline::platform {
namespace {

// The bytes outbox_emit_batch (outbox_pb.lua) writes for one event: four varint-prefixed parts.
std::string Record(const std::string& key, const std::string& id, const std::string& type,
                   const std::string& value) {
  std::string out;
  for (const std::string* part : {&key, &id, &type, &value}) {
    out += static_cast<char>(part->size());  // every part here is shorter than 128 bytes
    out += *part;
  }
  return out;
}

TEST(OutboxBatchTest, DecodesEveryRecordInOrder) {
  const std::string value(100, '\x7f');
  auto records = DecodeOutboxBatch(
      Record("acct-1", "e1", "ReminderDue", value) + Record("", "e2", "ReminderDue", ""), 2);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].key, "acct-1");
  EXPECT_EQ((*records)[0].id, "e1");
  EXPECT_EQ((*records)[0].type, "ReminderDue");
  EXPECT_EQ((*records)[0].value, value);
  EXPECT_EQ((*records)[1].key, "");
  EXPECT_EQ((*records)[1].id, "e2");
  EXPECT_EQ((*records)[1].value, "");
}

TEST(OutboxBatchTest, ACountThatDisagreesIsAnError) {
  auto records = DecodeOutboxBatch(Record("k", "e1", "T", "v"), 2);
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(records.status().message(), "outbox batch: n says 2 records, b holds 1");
}

TEST(OutboxBatchTest, ALengthPastTheEndIsAnError) {
  std::string bytes = Record("k", "e1", "T", "value");
  bytes.pop_back();
  auto records = DecodeOutboxBatch(bytes, 1);
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(records.status().message(), "outbox batch: record 1 is cut short");
}

TEST(NextEntriesPerReadTest, KeepsARoundNearTheBatchSizeInMessages) {
  EXPECT_EQ(NextEntriesPerRead(256, 256, 256), 256);  // single events: as many entries
  EXPECT_EQ(NextEntriesPerRead(256, 2, 2000), 1);     // batch entries of 1,000: one at a time
  EXPECT_EQ(NextEntriesPerRead(256, 10, 40), 64);     // four events per entry
  EXPECT_EQ(NextEntriesPerRead(256, 64, 64), 256);    // back up once entries carry one each
  EXPECT_EQ(NextEntriesPerRead(256, 1, 0), 256);      // nothing decoded: never zero or a crash
}

}  // namespace
}  // namespace firstline::platform
