#pragma once
// lead-intake in-process on the real runtime: real redis-server, mock Kafka cluster, real gRPC
// over loopback, principals with real signed tokens, a fake clock for deadlines.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "firstline/v1/events.pb.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "lead-intake/lead_intake_service.h"
#include "lead-intake/partner_opportunities_service.h"
#include "platform/auth/tokens.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"
#include "support/service_test_support.h"

namespace firstline::lead_intake::testing {

namespace v1 = firstline::v1;
using platform::Principal;
using platform::PrincipalKind;

inline constexpr const char* kTestPolicy = R"(version: "test-1"
rules:
  - name: partner-protected
    when:
      partner_registration: {present: true}
    targets:
      - strategy: round_robin
        pool: partner-sales
        organisation: $partner_registration
        offer_timeout: 30m
        sla: 4h
  - name: default
    default: true
    targets:
      - strategy: owner
        offer_timeout: 2h
      - strategy: round_robin
        pool: inside-sales
        offer_timeout: 2h
        max_offers: 3
        sla: 1h
      - strategy: round_robin
        pool: senior-sales
        offer_timeout: 2h
        sla: 1h
)";

class LeadIntakeFixture : public ::testing::Test {
 protected:
  static inline const Principal kOperator{"op-1", PrincipalKind::kOperator, "vendor"};
  static inline const Principal kCallCentre{"cc-1", PrincipalKind::kCallCentre, "cc-shanghai"};

  void SetUp() override {
    auto config = firstline::testing::TestRuntimeConfig("lead-intake", redis_, kafka_);
    auto runtime = platform::ServiceRuntime::Create(config, clock_);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    auto policy = routing::ParsePolicy(kTestPolicy);
    ASSERT_TRUE(policy.ok()) << policy.status();
    engine_ = std::make_unique<routing::RoutingEngine>(
        runtime_->redis(),
        routing::EngineConfig{.domain = "leads",
                              .producer = "lead-intake",
                              .topic = std::string(platform::topics::kLeads),
                              .owner_kind = "sales"},
        std::make_shared<const routing::Policy>(*policy), clock_);
    book_ = std::make_unique<LeadBook>(runtime_->redis(), clock_, LeadBookConfig{});
    desk_ = std::make_unique<LeadDesk>(*book_, *engine_, clock_, LeadDeskConfig{});
    // Reconciling only every 20 s: offers reach streams through the engine's pub/sub nudges.
    answers_ = std::make_unique<platform::IdempotentAnswers>(runtime_->redis(), "lead-intake");
    feed_ = std::make_unique<routing::OfferFeed>(*engine_, redis_.Config(), absl::Seconds(20));
    service_ = std::make_unique<LeadIntakeService>(*desk_, *feed_, runtime_->grpc().live_streams(),
                                                   pool_, *answers_, runtime_->authorizer());
    runtime_->grpc().AddService(service_.get());
    registrations_ =
        std::make_unique<RegistrationBook>(runtime_->redis(), clock_, RegistrationBookConfig{});
    registration_desk_ =
        std::make_unique<RegistrationDesk>(*registrations_, *engine_, clock_, LeadLimits{});
    partner_service_ = std::make_unique<PartnerOpportunitiesService>(
        *registration_desk_, pool_, *answers_, runtime_->authorizer());
    runtime_->grpc().AddService(partner_service_.get());
    BeforeStart();
    runtime_->AddOutboxStream(engine_->OutboxKey());
    runtime_->AddOutboxStream(LeadBook::OutboxKey());
    ASSERT_TRUE(runtime_->Start().ok());
    feed_->Start();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(runtime_->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    stub_ = v1::LeadIntake::NewStub(channel);
    partners_ = v1::PartnerOpportunities::NewStub(channel);
  }

  // Hook for fixtures that add consumers (they join a consumer group, which takes seconds).
  virtual void BeforeStart() {}

  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
    if (feed_) feed_->Stop();
  }

  // A client context carrying `who`'s signed token.
  std::unique_ptr<grpc::ClientContext> As(const Principal& who) {
    return firstline::testing::SignedContext(who, clock_);
  }

  static Principal Rep(const std::string& id, const std::string& org = "vendor") {
    return {id, PrincipalKind::kRep, org};
  }

  // Puts a rep on the roster (through the API) and makes it available and present.
  void AddRep(const std::string& id, const std::string& pool, const std::string& org = "vendor") {
    v1::UpsertRepRequest req;
    auto* rep = req.mutable_rep();
    rep->set_rep_id(id);
    rep->set_organisation_id(org);
    rep->add_pools(pool);
    rep->set_capacity(1000);
    rep->set_daily_cap(5000);
    v1::UpsertRepResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = stub_->UpsertRep(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    SetAvailability(id, v1::AVAILABILITY_AVAILABLE, org);
  }

  void SetAvailability(const std::string& rep, v1::Availability a,
                       const std::string& org = "vendor") {
    v1::SetAvailabilityRequest req;
    req.set_availability(a);
    v1::SetAvailabilityResponse resp;
    auto ctx = As(Rep(rep, org));
    grpc::Status st = stub_->SetAvailability(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  static v1::SubmitLeadRequest LeadRequest(const std::string& key, const std::string& phone,
                                           const std::string& email = "",
                                           const std::string& company = "Hangzhou Demo Co., Ltd.") {
    v1::SubmitLeadRequest req;
    req.set_idempotency_key(key);
    req.mutable_source()->set_channel("hotline-400");
    req.mutable_source()->set_campaign("autumn-expo");
    req.mutable_contact()->set_name("Li Lei");
    req.mutable_contact()->set_phone(phone);
    req.mutable_contact()->set_email(email);
    req.mutable_company()->set_name(company);
    req.mutable_company()->set_region("CN-ZJ");
    req.add_product_lines("erp-finance");
    req.set_consent(true);
    return req;
  }

  grpc::Status Submit(const v1::SubmitLeadRequest& req, v1::SubmitLeadResponse* resp,
                      const Principal& who = kCallCentre) {
    auto ctx = As(who);
    return stub_->SubmitLead(ctx.get(), req, resp);
  }

  v1::AcceptLeadResponse Accept(const std::string& rep, const std::string& offer_id,
                                const std::string& org = "vendor") {
    v1::AcceptLeadRequest req;
    req.set_offer_id(offer_id);
    v1::AcceptLeadResponse resp;
    auto ctx = As(Rep(rep, org));
    grpc::Status st = stub_->AcceptLead(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  static Principal Partner(const std::string& org) {
    return {"user-of-" + org, PrincipalKind::kPartner, org};
  }

  static v1::RegisterOpportunityRequest Registration(const std::string& key,
                                                     const std::string& company,
                                                     const std::string& line = "erp-finance") {
    v1::RegisterOpportunityRequest req;
    req.set_idempotency_key(key);
    req.mutable_company()->set_name(company);
    req.mutable_company()->set_region("CN-ZJ");
    req.mutable_contact()->set_name("Han Meimei");
    req.add_product_lines(line);
    req.mutable_expected_value()->set_currency("CNY");
    req.mutable_expected_value()->set_minor_units(120'000'00);
    req.mutable_expected_close()->set_seconds(1'790'000'000 + 60 * 86400);
    return req;
  }

  grpc::Status Register(const Principal& partner, const v1::RegisterOpportunityRequest& req,
                        v1::Registration* out) {
    v1::RegisterOpportunityResponse resp;
    auto ctx = As(partner);
    grpc::Status st = partners_->RegisterOpportunity(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.registration();
    return st;
  }

  grpc::Status GetLead(const Principal& who, const std::string& lead_id, v1::Lead* out) {
    v1::GetLeadRequest req;
    req.set_lead_id(lead_id);
    v1::GetLeadResponse resp;
    auto ctx = As(who);
    grpc::Status st = stub_->GetLead(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.lead();
    return st;
  }

  // The envelopes on a topic: at least `at_least` of them, or what came before the timeout.
  std::vector<v1::Envelope> ReadLeadEvents(size_t at_least,
                                           absl::Duration timeout = absl::Seconds(30)) {
    return ReadEvents(std::string(platform::topics::kLeads), at_least, timeout);
  }
  std::vector<v1::Envelope> ReadEvents(const std::string& topic, size_t at_least,
                                       absl::Duration timeout = absl::Seconds(30)) {
    return firstline::testing::ReadEnvelopes(kafka_, topic, at_least, timeout);
  }

  firstline::testing::RedisServer redis_;
  firstline::testing::MockKafka kafka_;
  platform::FakeClock clock_;
  platform::WorkPool pool_{"lead-intake-rpc", 8, 1000};
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<routing::RoutingEngine> engine_;
  std::unique_ptr<LeadBook> book_;
  std::unique_ptr<LeadDesk> desk_;
  std::unique_ptr<routing::OfferFeed> feed_;
  std::unique_ptr<platform::IdempotentAnswers> answers_;
  std::unique_ptr<LeadIntakeService> service_;
  std::unique_ptr<RegistrationBook> registrations_;
  std::unique_ptr<RegistrationDesk> registration_desk_;
  std::unique_ptr<PartnerOpportunitiesService> partner_service_;
  std::unique_ptr<v1::LeadIntake::Stub> stub_;
  std::unique_ptr<v1::PartnerOpportunities::Stub> partners_;
};

}  // namespace firstline::lead_intake::testing
