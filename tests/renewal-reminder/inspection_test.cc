// Due inspections become tickets in a real ticket-dispatch (in-process, over loopback gRPC)
// exactly once, even when the call is retried or ticket-dispatch is down for a while.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "renewal-reminder/inspection_client.h"
#include "renewal-reminder/renewal_fixture.h"
#include "support/mock_kafka.h"
#include "support/process.h"
#include "support/service_test_support.h"
#include "ticket-dispatch/ticket_services.h"

namespace firstline::renewal {
namespace {

namespace td = firstline::ticket_dispatch;

class InspectionTest : public RenewalFixture {
 protected:
  void SetUp() override {
    auto config = firstline::testing::TestRuntimeConfig("ticket-dispatch", server_, kafka_);
    auto runtime = platform::ServiceRuntime::Create(config, clock_);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    tickets_runtime_ = std::move(*runtime);
    auto policy = routing::ParsePolicy(
        "version: t\nrules:\n  - name: default\n    default: true\n    targets:\n"
        "      - strategy: least_loaded\n        pool: field\n        offer_timeout: 1h\n");
    ASSERT_TRUE(policy.ok()) << policy.status();
    engine_ = std::make_unique<routing::RoutingEngine>(
        tickets_runtime_->redis(),
        routing::EngineConfig{.domain = "tickets",
                              .producer = "ticket-dispatch",
                              .topic = std::string(platform::topics::kTickets),
                              .owner_kind = "service"},
        std::make_shared<const routing::Policy>(*policy), clock_);
    ticket_book_ =
        std::make_unique<td::TicketBook>(tickets_runtime_->redis(), clock_, td::TicketBookConfig{});
    ticket_desk_ =
        std::make_unique<td::TicketDesk>(*ticket_book_, *engine_, clock_, td::TicketDeskConfig{});
    answers_ =
        std::make_unique<platform::IdempotentAnswers>(tickets_runtime_->redis(), "ticket-dispatch");
    service_ = std::make_unique<td::TicketDeskService>(
        td::AdapterParts{*ticket_desk_, pool_, *answers_, tickets_runtime_->authorizer()});
    tickets_runtime_->grpc().AddService(service_.get());
    ASSERT_TRUE(tickets_runtime_->Start().ok());
    target_ = "127.0.0.1:" + std::to_string(tickets_runtime_->grpc_port());
  }
  void TearDown() override {
    if (tickets_runtime_) tickets_runtime_->Shutdown();
  }

  firstline::testing::MockKafka kafka_;
  platform::WorkPool pool_{"ticket-rpc", 2, 100};
  std::unique_ptr<platform::ServiceRuntime> tickets_runtime_;
  std::unique_ptr<routing::RoutingEngine> engine_;
  std::unique_ptr<td::TicketBook> ticket_book_;
  std::unique_ptr<td::TicketDesk> ticket_desk_;
  std::unique_ptr<platform::IdempotentAnswers> answers_;
  std::unique_ptr<td::TicketDeskService> service_;
  std::string target_;
};

TEST_F(InspectionTest, ADueInspectionRaisesOneTicketEvenWhenTheCallIsRetried) {
  ASSERT_TRUE(desk_.RecordContract(Contract(1, "2027-06-10T04:00:00Z"), "t").ok());
  v1::AccountProfile vip;
  vip.set_account_id("acct-1");
  vip.set_value_tier(v1::VALUE_TIER_VIP);
  ASSERT_TRUE(desk_.SetProfile(vip).ok());
  clock_.Set(At("2026-12-20T00:00:00Z"));
  ASSERT_TRUE(desk_.PlanCadenceSlice(100, absl::Hours(24 * 35), absl::Hours(1)).ok());
  clock_.Set(At("2027-01-21T02:00:00Z"));  // the inspection of the period starting Jan 21
  ASSERT_GE(*desk_.FireDue("t"), 1);

  // ticket-dispatch is down at first: nothing is lost, the inspection waits.
  TicketDeskInspections down(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(firstline::testing::FreePort()),
                          grpc::InsecureChannelCredentials()),
      firstline::testing::kTestSecret, clock_, absl::Milliseconds(500));
  EXPECT_EQ(desk_.RaiseInspections(down, 10).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_EQ(book_.InspectionsToRaise(10)->size(), 1u);

  TicketDeskInspections up(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()),
                           firstline::testing::kTestSecret, clock_);
  ASSERT_EQ(*desk_.RaiseInspections(up, 10), 1);
  EXPECT_TRUE(book_.InspectionsToRaise(10)->empty());
  EXPECT_EQ(*desk_.RaiseInspections(up, 10), 0);

  // The answer was lost and the call is made again: the same ticket, not a second one.
  const std::string id = "inspection:acct-1:91d:";
  // Inspections are the service owner's tasks; without one, the operators'.
  auto queue = book_.Tasks(ReminderBook::kOperatorsQueue);
  ASSERT_TRUE(queue.ok());
  std::optional<v1::Reminder> inspection;
  for (const auto& r : *queue) {
    if (r.reminder_id().rfind(id, 0) == 0) inspection = r;
  }
  ASSERT_TRUE(inspection.has_value());
  auto first = up.Raise(*inspection, "erp");
  auto again = up.Raise(*inspection, "erp");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*first, *again);
  td::TicketQuery query;
  query.account_id = "acct-1";
  auto listed = ticket_book_->List(query);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->records.size(), 1u);
  EXPECT_EQ(listed->records[0].category(), v1::TICKET_CATEGORY_INSPECTION);
  EXPECT_EQ(listed->records[0].channel(), v1::TICKET_CHANNEL_INSPECTION);
}

}  // namespace
}  // namespace firstline::renewal
