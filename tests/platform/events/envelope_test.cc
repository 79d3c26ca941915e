#include "platform/events/envelope.h"

#include <gtest/gtest.h>

#include "platform/outbox/outbox_event.h"

namespace firstline::platform {
namespace {

TEST(EnvelopeTest, SealSetsTypeFromPayload) {
  FakeClock clock;
  auto e = NewEnvelope("lead-intake", "acct-1", "trace-1", clock);
  e.mutable_work_item_parked()->set_rule("default");
  ASSERT_TRUE(Seal(e).ok());
  EXPECT_EQ(e.type(), "WorkItemParked");
  EXPECT_EQ(e.event_id().size(), 32u);
  EXPECT_EQ(e.occurred_at().seconds(), absl::ToUnixSeconds(clock.Now()));
}

TEST(EnvelopeTest, SealNamesWhatIsMissing) {
  firstline::v1::Envelope e;
  absl::Status st = Seal(e);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"event_id", "producer", "partition_key", "payload"}) {
    EXPECT_NE(st.message().find(field), absl::string_view::npos) << field;
  }
}

TEST(EnvelopeTest, OutboxArgsCarryTopicKeyIdTypeAndBytes) {
  FakeClock clock;
  auto e = NewEnvelope("svc", "acct-9", "", clock);
  e.mutable_account_owner_changed()->set_owner_id("rep-1");
  std::vector<std::string> args;
  ASSERT_TRUE(AppendOutboxArgs({"firstline.leads.v1", e}, args).ok());
  ASSERT_EQ(args.size(), static_cast<size_t>(kOutboxArgsPerEvent));
  EXPECT_EQ(args[0], "firstline.leads.v1");
  EXPECT_EQ(args[1], "acct-9");
  EXPECT_EQ(args[2], e.event_id());
  EXPECT_EQ(args[3], "AccountOwnerChanged");
  firstline::v1::Envelope decoded;
  ASSERT_TRUE(decoded.ParseFromString(args[4]));
  EXPECT_EQ(decoded.account_owner_changed().owner_id(), "rep-1");

  std::vector<std::string> none;
  EXPECT_FALSE(AppendOutboxArgs({"", e}, none).ok());
  EXPECT_TRUE(none.empty());
}

TEST(EnvelopeTest, EventIdsAreUnique) {
  FakeClock clock;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewEnvelope("s", "k", "", clock).event_id());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace firstline::platform
