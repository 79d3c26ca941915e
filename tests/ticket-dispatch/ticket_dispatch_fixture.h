#pragma once
// ticket-dispatch in-process on the real runtime: real redis-server, mock Kafka cluster, real
// gRPC over loopback, real signed tokens, a fake clock for deadlines.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "firstline/v1/events.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "platform/events/envelope_handler.h"
#include "platform/events/processed_events.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"
#include "support/service_test_support.h"
#include "ticket-dispatch/ticket_services.h"

namespace firstline::ticket_dispatch::testing {

namespace v1 = firstline::v1;
using platform::Principal;
using platform::PrincipalKind;

inline constexpr const char* kTicketPolicy = R"(version: "tickets-test"
rules:
  - name: escalated
    when:
      escalated: "true"
    targets:
      - strategy: least_loaded
        pool: supervisors
        offer_timeout: 30m
      - strategy: least_loaded
        pool: field
        offer_timeout: 2h
  - name: p1-broadcast
    when:
      priority: P1
    targets:
      - strategy: broadcast
        pool: field
        broadcast: 3
        offer_timeout: 5m
        sla: 15m
  - name: default
    default: true
    targets:
      - strategy: owner
        offer_timeout: 10m
      - strategy: least_loaded
        pool: field
        offer_timeout: 2h
        max_offers: 3
      - strategy: least_loaded
        pool: supervisors
        offer_timeout: 10m
)";

class TicketDispatchFixture : public ::testing::Test {
 protected:
  static inline const Principal kOperator{"op-1", PrincipalKind::kOperator, "vendor"};
  static inline const Principal kHotline{"agent-1", PrincipalKind::kCallCentre, "hotline"};

  static Principal Engineer(const std::string& id, const std::string& org = "vendor") {
    return {id, PrincipalKind::kEngineer, org};
  }

  void SetUp() override {
    auto config = firstline::testing::TestRuntimeConfig("ticket-dispatch", redis_, kafka_);
    auto runtime = platform::ServiceRuntime::Create(config, clock_);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    auto policy = routing::ParsePolicy(kTicketPolicy);
    ASSERT_TRUE(policy.ok()) << policy.status();
    engine_ = std::make_unique<routing::RoutingEngine>(
        runtime_->redis(),
        routing::EngineConfig{.domain = "tickets",
                              .producer = "ticket-dispatch",
                              .topic = std::string(platform::topics::kTickets),
                              .owner_kind = "service"},
        std::make_shared<const routing::Policy>(*policy), clock_);
    book_ = std::make_unique<TicketBook>(runtime_->redis(), clock_, TicketBookConfig{});
    desk_ = std::make_unique<TicketDesk>(*book_, *engine_, clock_, TicketDeskConfig{});
    answers_ = std::make_unique<platform::IdempotentAnswers>(runtime_->redis(), "ticket-dispatch");
    feed_ = std::make_unique<routing::OfferFeed>(*engine_, redis_.Config(), absl::Seconds(20));
    AdapterParts parts{*desk_, pool_, *answers_, runtime_->authorizer()};
    desk_service_ = std::make_unique<TicketDeskService>(parts);
    engineer_service_ =
        std::make_unique<FieldEngineerService>(parts, *feed_, runtime_->grpc().live_streams());
    runtime_->grpc().AddService(desk_service_.get());
    runtime_->grpc().AddService(engineer_service_.get());
    runtime_->AddOutboxStream(engine_->OutboxKey());
    runtime_->AddOutboxStream(TicketBook::OutboxKey());
    ASSERT_TRUE(runtime_->Start().ok());
    feed_->Start();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(runtime_->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    tickets_ = v1::TicketDesk::NewStub(channel);
    field_ = v1::FieldEngineer::NewStub(channel);
  }

  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
    if (feed_) feed_->Stop();
  }

  std::unique_ptr<grpc::ClientContext> As(const Principal& who) {
    return firstline::testing::SignedContext(who, clock_);
  }

  void AddEngineer(const std::string& id, const std::string& pool,
                   const std::vector<std::string>& skills = {"erp", "erp:v9", "erp:finance"},
                   const std::string& org = "vendor") {
    v1::UpsertEngineerRequest req;
    auto* e = req.mutable_engineer();
    e->set_engineer_id(id);
    e->set_organisation_id(org);
    e->add_pools(pool);
    for (const auto& s : skills) e->add_skills(s);
    e->set_capacity(10);
    e->set_daily_cap(100);
    v1::UpsertEngineerResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = field_->UpsertEngineer(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    SetAvailability(id, v1::AVAILABILITY_AVAILABLE, org);
  }

  void SetAvailability(const std::string& id, v1::Availability a,
                       const std::string& org = "vendor") {
    v1::FieldEngineerSetAvailabilityRequest req;
    req.set_availability(a);
    v1::FieldEngineerSetAvailabilityResponse resp;
    auto ctx = As(Engineer(id, org));
    grpc::Status st = field_->SetAvailability(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  v1::CreateTicketRequest TicketRequest(const std::string& key, const std::string& account,
                                        v1::Severity severity = v1::SEVERITY_P3) {
    v1::CreateTicketRequest r;
    r.set_idempotency_key(key);
    r.set_account_id(account);
    r.mutable_contact()->set_name("Zhang Wei");
    r.mutable_product()->set_product_line("erp");
    r.mutable_product()->set_version("v9");
    r.mutable_product()->set_module("finance");
    r.set_category(v1::TICKET_CATEGORY_DEBUGGING);
    r.set_severity(severity);
    r.set_channel(v1::TICKET_CHANNEL_HOTLINE);
    r.mutable_location()->set_region("CN-ZJ");
    r.set_description("month-end close fails");
    return r;
  }

  grpc::Status Create(const v1::CreateTicketRequest& r, v1::Ticket* out) {
    v1::CreateTicketResponse resp;
    auto ctx = As(kHotline);
    grpc::Status st = tickets_->CreateTicket(ctx.get(), r, &resp);
    if (out != nullptr) *out = resp.ticket();
    return st;
  }

  grpc::Status Accept(const std::string& engineer, const std::string& offer,
                      v1::AcceptOfferResponse* out = nullptr) {
    v1::AcceptOfferRequest req;
    req.set_offer_id(offer);
    v1::AcceptOfferResponse resp;
    auto ctx = As(Engineer(engineer));
    grpc::Status st = field_->AcceptOffer(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp;
    return st;
  }

  // The engineer's one pending offer, accepted by it.
  void AcceptTheOffer(const std::string& engineer, const std::string& org = "vendor") {
    auto offers = engine_->PendingOffers(engineer);
    ASSERT_TRUE(offers.ok()) << offers.status();
    ASSERT_EQ(offers->size(), 1u) << engineer;
    v1::AcceptOfferRequest req;
    req.set_offer_id(offers->front().offer_id);
    v1::AcceptOfferResponse resp;
    auto ctx = As(Engineer(engineer, org));
    grpc::Status st = field_->AcceptOffer(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  // UpdateTicketStatus by `engineer`; ASSIGNED means "unable to resolve" (handed back).
  grpc::Status UpdateStatus(const Principal& engineer, const std::string& ticket_id,
                            v1::TicketStatus status, const std::string& notes = "done",
                            v1::Ticket* out = nullptr) {
    v1::UpdateTicketStatusRequest req;
    req.set_ticket_id(ticket_id);
    req.set_status(status);
    req.set_notes(notes);
    req.set_unable_to_resolve(status == v1::TICKET_STATUS_ASSIGNED);
    v1::UpdateTicketStatusResponse resp;
    auto ctx = As(engineer);
    grpc::Status st = field_->UpdateTicketStatus(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.ticket();
    return st;
  }

  v1::Ticket Get(const std::string& id) {
    v1::GetTicketRequest req;
    req.set_ticket_id(id);
    v1::GetTicketResponse resp;
    auto ctx = As(kOperator);
    EXPECT_TRUE(tickets_->GetTicket(ctx.get(), req, &resp).ok());
    return resp.ticket();
  }

  std::vector<v1::Envelope> ReadTicketEvents(size_t at_least) {
    return firstline::testing::ReadEnvelopes(kafka_, std::string(platform::topics::kTickets),
                                             at_least);
  }

  firstline::testing::RedisServer redis_;
  firstline::testing::MockKafka kafka_;
  platform::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  platform::WorkPool pool_{"ticket-dispatch-rpc", 8, 1000};
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<routing::RoutingEngine> engine_;
  std::unique_ptr<TicketBook> book_;
  std::unique_ptr<TicketDesk> desk_;
  std::unique_ptr<platform::IdempotentAnswers> answers_;
  std::unique_ptr<routing::OfferFeed> feed_;
  std::unique_ptr<TicketDeskService> desk_service_;
  std::unique_ptr<FieldEngineerService> engineer_service_;
  std::unique_ptr<v1::TicketDesk::Stub> tickets_;
  std::unique_ptr<v1::FieldEngineer::Stub> field_;
};

}  // namespace firstline::ticket_dispatch::testing
