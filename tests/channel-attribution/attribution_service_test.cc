// channel-attribution in-process on the real runtime: real redis-server, mock Kafka cluster
// (events folded by the batched consumer), real gRPC over loopback with signed tokens.
#include "channel-attribution/attribution_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "firstline/v1/attribution.grpc.pb.h"
#include "firstline/v1/events.pb.h"
#include "platform/core/proto_time.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "support/mock_kafka.h"
#include "support/redis_server.h"
#include "support/service_test_support.h"
#include "support/test_time.h"

namespace firstline::attribution {
namespace {

using platform::Principal;
using platform::PrincipalKind;

using firstline::testing::At;

v1::Period September() {
  v1::Period p;
  *p.mutable_start() = platform::ToProtoTime(At("2026-09-01T00:00:00Z"));
  *p.mutable_end() = platform::ToProtoTime(At("2026-10-01T00:00:00Z"));
  return p;
}

class AttributionServiceTest : public ::testing::Test {
 protected:
  static inline const Principal kOperator{"op-1", PrincipalKind::kOperator, "vendor"};
  static inline const Principal kCallCentre{"cc-1", PrincipalKind::kCallCentre, "vendor"};

  void SetUp() override {
    settings_.rates = {{"CNY", 1.0}, {"USD", 7.0}};
    auto config = firstline::testing::TestRuntimeConfig("channel-attribution", redis_, kafka_);
    auto runtime = platform::ServiceRuntime::Create(config, clock_);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = std::move(*runtime);
    store_ = std::make_unique<AttributionStore>(runtime_->redis());
    folder_ = std::make_unique<EventFolder>(*store_, settings_, clock_);
    desk_ = std::make_unique<AttributionDesk>(*store_, *folder_, settings_, clock_);
    answers_ = std::make_unique<platform::IdempotentAnswers>(runtime_->redis(), "attribution");
    service_ =
        std::make_unique<AttributionService>(*desk_, pool_, *answers_, runtime_->authorizer());
    runtime_->grpc().AddService(service_.get());
    runtime_->AddOutboxStream(OutboxKey());
    ASSERT_TRUE(runtime_
                    ->AddBatchEnvelopeConsumer(
                        "channel-attribution",
                        {std::string(platform::topics::kLeads),
                         std::string(platform::topics::kOpportunities),
                         std::string(platform::topics::kContracts)},
                        100, [this](const auto& events) { return desk_->ApplyEvents(events); })
                    .ok());
    ASSERT_TRUE(runtime_->Start().ok());
    stub_ = v1::Attribution::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(runtime_->grpc_port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> As(const Principal& who) {
    return firstline::testing::SignedContext(who, clock_);
  }

  v1::Envelope Event(const std::string& account, const std::string& at) {
    v1::Envelope e = platform::NewEnvelope("test", account, "", clock_);
    *e.mutable_occurred_at() = platform::ToProtoTime(At(at));
    return e;
  }
  void Publish(std::string_view topic, v1::Envelope e) {
    ASSERT_TRUE(platform::Seal(e).ok());
    ASSERT_TRUE(
        runtime_->producer()
            .ProduceAndWait({std::string(topic), e.partition_key(), e.SerializeAsString(), {}},
                            absl::Seconds(10))
            .ok());
  }
  void Lead(const std::string& account, const std::string& lead, const std::string& at) {
    v1::Envelope e = Event(account, at);
    auto* p = e.mutable_lead_received();
    p->set_lead_id(lead);
    p->set_account_id(account);
    p->mutable_source()->set_channel("baidu-sem");
    p->mutable_source()->set_campaign("autumn");
    p->mutable_source()->set_keyword("erp software");
    p->mutable_company()->set_region("CN-ZJ");
    *p->mutable_occurred_at() = platform::ToProtoTime(At(at));
    Publish(platform::topics::kLeads, std::move(e));
  }
  v1::Envelope Contract(const std::string& account, const std::string& at) {
    v1::Envelope e = Event(account, at);
    auto* terms = e.mutable_contract_signed()->mutable_terms();
    terms->set_contract_id("c1");
    terms->set_account_id(account);
    terms->mutable_annual_fee()->set_currency("CNY");
    terms->mutable_annual_fee()->set_minor_units(10'000'000);  // CNY 100,000.00
    return e;
  }

  // Account a1: exhibition scan (09-01) -> search-ad lead (09-03, accepted in 30 s) -> partner
  // p-1 registers (09-05) -> contract CNY 100,000.00 (09-20), delivered twice. Account a2: a
  // search-ad lead that goes nowhere. Spend: search ad CNY 2,000.00, exhibition USD 100.00.
  void LiveSeptember() {
    v1::SetChannelCatalogRequest catalog;
    for (auto [id, kind] : {std::pair{"baidu-sem", v1::CHANNEL_KIND_ONLINE},
                            std::pair{"exhibition", v1::CHANNEL_KIND_OFFLINE},
                            std::pair{"partner", v1::CHANNEL_KIND_PARTNER}}) {
      auto* c = catalog.add_channels();
      c->set_channel(id);
      c->set_kind(kind);
    }
    v1::SetChannelCatalogResponse catalog_set;
    ASSERT_TRUE(stub_->SetChannelCatalog(As(kOperator).get(), catalog, &catalog_set).ok());
    EXPECT_EQ(catalog_set.channels(), 3);

    v1::RecordTouchRequest scan;
    scan.set_source_id("scan-1");
    scan.set_account_id("a1");
    scan.set_channel("exhibition");
    scan.set_campaign("expo");
    *scan.mutable_occurred_at() = platform::ToProtoTime(At("2026-09-01T10:00:00Z"));
    v1::RecordTouchResponse touched;
    ASSERT_TRUE(stub_->RecordTouch(As(kCallCentre).get(), scan, &touched).ok());
    EXPECT_TRUE(touched.recorded());
    EXPECT_FALSE(touched.unknown_channel());
    ASSERT_TRUE(stub_->RecordTouch(As(kCallCentre).get(), scan, &touched).ok());
    EXPECT_FALSE(touched.recorded());  // the same source id again

    Spend("baidu-sem", "autumn", "erp software", "2026-09-02", "CNY", 100'000);
    EXPECT_TRUE(Spend("baidu-sem", "autumn", "erp software", "2026-09-02", "CNY", 200'000));
    Spend("exhibition", "expo", "", "2026-09-01", "USD", 10'000);

    Lead("a1", "L1", "2026-09-03T10:00:00Z");
    v1::Envelope accepted = Event("a1", "2026-09-03T10:00:30Z");
    auto* item = accepted.mutable_work_item_assigned()->mutable_item();
    item->set_kind(v1::WORK_ITEM_KIND_LEAD);
    item->set_item_id("L1");
    item->set_account_id("a1");
    Publish(platform::topics::kLeads, std::move(accepted));
    Lead("a2", "L2", "2026-09-04T10:00:00Z");
    // Another partner's registration held for review is no opportunity (nor a touch).
    v1::Envelope held = Event("a1", "2026-09-04T10:00:00Z");
    held.mutable_opportunity_registered()->set_registration_id("reg-9");
    held.mutable_opportunity_registered()->set_partner_id("p-9");
    held.mutable_opportunity_registered()->set_account_id("a1");
    held.mutable_opportunity_registered()->set_status(v1::REGISTRATION_STATUS_PENDING_REVIEW);
    Publish(platform::topics::kOpportunities, std::move(held));
    v1::Envelope registered = Event("a1", "2026-09-05T10:00:00Z");
    registered.mutable_opportunity_registered()->set_registration_id("reg-1");
    registered.mutable_opportunity_registered()->set_partner_id("p-1");
    registered.mutable_opportunity_registered()->set_account_id("a1");
    registered.mutable_opportunity_registered()->set_status(v1::REGISTRATION_STATUS_APPROVED);
    Publish(platform::topics::kOpportunities, std::move(registered));
    // Topics are consumed independently; the contract goes out once the rest is folded here
    // (OutOfOrderTopicsStillCount covers the other order).
    ASSERT_TRUE(Eventually([&] {
      auto j = store_->Journey("a1");
      return j.ok() && j->has_value() && (*j)->touches_size() == 3 && (*j)->leads(0).stage() == 4;
    }));
    v1::Envelope signed_ = Contract("a1", "2026-09-20T10:00:00Z");
    Publish(platform::topics::kContracts, signed_);
    Publish(platform::topics::kContracts, signed_);  // redelivered: applied once
    ASSERT_TRUE(Eventually([&] {
      auto j = store_->Journey("a1");
      return j.ok() && j->has_value() && (*j)->conversions_size() == 1;
    }));
  }

  bool Spend(const std::string& channel, const std::string& campaign, const std::string& keyword,
             const std::string& day, const std::string& currency, int64_t minor) {
    v1::RecordSpendRequest r;
    r.set_channel(channel);
    r.set_campaign(campaign);
    r.set_keyword(keyword);
    r.set_day(day);
    r.mutable_amount()->set_currency(currency);
    r.mutable_amount()->set_minor_units(minor);
    v1::RecordSpendResponse out;
    EXPECT_TRUE(stub_->RecordSpend(As(kOperator).get(), r, &out).ok());
    return out.replaced();
  }

  static bool Eventually(const std::function<bool()>& done) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return done();
  }

  v1::GetChannelReportResponse Report(v1::AttributionModel model,
                                      v1::ReportGrouping grouping = v1::REPORT_GROUPING_CHANNEL) {
    v1::GetChannelReportRequest r;
    *r.mutable_period() = September();
    r.set_model(model);
    r.set_group_by(grouping);
    v1::GetChannelReportResponse out;
    grpc::Status st = stub_->GetChannelReport(As(kOperator).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  static const v1::ReportRow* Row(const v1::GetChannelReportResponse& r, const std::string& g) {
    for (const auto& row : r.rows()) {
      if (row.group() == g) return &row;
    }
    return nullptr;
  }

  firstline::testing::RedisServer redis_;
  firstline::testing::MockKafka kafka_;
  platform::FakeClock clock_{At("2026-11-23T00:00:00Z")};
  platform::WorkPool pool_{"attribution-rpc", 4, 100};
  AttributionSettings settings_;
  std::unique_ptr<platform::ServiceRuntime> runtime_;
  std::unique_ptr<AttributionStore> store_;
  std::unique_ptr<EventFolder> folder_;
  std::unique_ptr<AttributionDesk> desk_;
  std::unique_ptr<platform::IdempotentAnswers> answers_;
  std::unique_ptr<AttributionService> service_;
  std::unique_ptr<v1::Attribution::Stub> stub_;
};

TEST_F(AttributionServiceTest, ChannelReportJoinsCountsCreditsAndSpend) {
  LiveSeptember();
  // Linear over exhibition, baidu-sem (lead) and partner p-1 (opportunity): a third each.
  auto report = Report(v1::ATTRIBUTION_MODEL_LINEAR);
  const v1::ReportRow* sem = Row(report, "baidu-sem");
  ASSERT_NE(sem, nullptr);
  EXPECT_EQ(sem->leads(), 2);
  EXPECT_EQ(sem->accepted_leads(), 1);
  EXPECT_EQ(sem->median_first_response_seconds(), 30);
  EXPECT_EQ(sem->opportunities(), 1);
  EXPECT_EQ(sem->customers_won(), 1);  // the contract was delivered twice, counted once
  EXPECT_NEAR(sem->attributed_conversions(), 1.0 / 3, 1e-9);
  EXPECT_EQ(sem->new_business_revenue().minor_units(), 3'333'333);
  EXPECT_EQ(sem->spend().minor_units(), 200'000);  // the later record replaced the first
  EXPECT_EQ(sem->cost_per_lead().minor_units(), 100'000);
  EXPECT_EQ(sem->cac().minor_units(), 600'000);
  EXPECT_NEAR(sem->roi(), (10'000'000.0 / 3 - 200'000) / 200'000, 1e-6);
  EXPECT_DOUBLE_EQ(sem->lead_to_customer_rate(), .5);
  const v1::ReportRow* expo = Row(report, "exhibition");
  ASSERT_NE(expo, nullptr);
  EXPECT_EQ(expo->spend().minor_units(), 70'000);  // USD 100.00 at 7
  EXPECT_EQ(expo->leads(), 0);
  EXPECT_NEAR(expo->attributed_conversions(), 1.0 / 3, 1e-9);
  ASSERT_NE(Row(report, "partner"), nullptr);

  // By keyword and by partner.
  auto by_keyword = Report(v1::ATTRIBUTION_MODEL_FIRST_TOUCH, v1::REPORT_GROUPING_KEYWORD);
  ASSERT_NE(Row(by_keyword, "exhibition/expo/"), nullptr);
  EXPECT_DOUBLE_EQ(Row(by_keyword, "exhibition/expo/")->attributed_conversions(), 1);
  auto by_partner = Report(v1::ATTRIBUTION_MODEL_W_SHAPED, v1::REPORT_GROUPING_PARTNER);
  ASSERT_NE(Row(by_partner, "p-1"), nullptr);
  // W-shaped: every touch holds one of its positions, so the 10 % goes in proportion: 1/3.
  EXPECT_NEAR(Row(by_partner, "p-1")->attributed_conversions(), 1.0 / 3, 1e-9);

  // The conversion-attributed event reaches the bus.
  auto events =
      firstline::testing::ReadEnvelopes(kafka_, std::string(platform::topics::kAttribution), 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].conversion_attributed().contract_id(), "c1");
  EXPECT_EQ(events[0].conversion_attributed().touches_size(), 3);
}

TEST_F(AttributionServiceTest, CompareFunnelJourneyAndALateTouch) {
  LiveSeptember();
  v1::CompareModelsRequest compare;
  *compare.mutable_period() = September();
  v1::CompareModelsResponse models;
  ASSERT_TRUE(stub_->CompareModels(As(kOperator).get(), compare, &models).ok());
  ASSERT_EQ(models.models_size(), 8);
  EXPECT_EQ(models.models(0).model(), v1::ATTRIBUTION_MODEL_FIRST_TOUCH);
  EXPECT_EQ(models.models(7).model(), v1::ATTRIBUTION_MODEL_MARKOV);
  for (const auto& row : models.models(0).rows()) {
    EXPECT_DOUBLE_EQ(row.attributed_conversions(), row.group() == "exhibition" ? 1 : 0);
  }
  // One converting path, exhibition > baidu-sem > partner: removing any state loses it all,
  // so each channel's removal effect is 1 and each gets a third.
  for (const auto& row : models.models(7).rows()) {
    EXPECT_NEAR(row.attributed_conversions(), 1.0 / 3, 1e-9) << row.group();
  }

  v1::GetFunnelRequest funnel_request;
  *funnel_request.mutable_period() = September();
  funnel_request.set_channel("baidu-sem");
  v1::GetFunnelResponse funnel;
  ASSERT_TRUE(stub_->GetFunnel(As(kOperator).get(), funnel_request, &funnel).ok());
  ASSERT_EQ(funnel.stages_size(), 5);
  EXPECT_EQ(funnel.stages(0).count(), 2);
  EXPECT_EQ(funnel.stages(1).count(), 1);
  EXPECT_DOUBLE_EQ(funnel.stages(1).drop_off(), .5);
  EXPECT_EQ(funnel.stages(4).count(), 1);

  v1::GetJourneyRequest journey_request;
  journey_request.set_account_id("a1");
  v1::GetJourneyResponse journey;
  ASSERT_TRUE(stub_->GetJourney(As(kOperator).get(), journey_request, &journey).ok());
  ASSERT_EQ(journey.touches_size(), 3);
  EXPECT_EQ(journey.touches(1).channel(), "baidu-sem");
  EXPECT_EQ(journey.touches(1).positions(0), "lead");
  EXPECT_EQ(journey.touches(2).positions(0), "opportunity");
  ASSERT_EQ(journey.touches(0).credits_size(), 8);
  EXPECT_NEAR(journey.touches(0).credits(3).credit(), .4, 1e-9);  // U-shaped, first touch

  // A touch of 09-18 arriving now is still credited: it is the last touch before the contract.
  v1::RecordTouchRequest late;
  late.set_source_id("click-late");
  late.set_account_id("a1");
  late.set_channel("seo");
  *late.mutable_occurred_at() = platform::ToProtoTime(At("2026-09-18T10:00:00Z"));
  v1::RecordTouchResponse touched;
  ASSERT_TRUE(stub_->RecordTouch(As(kCallCentre).get(), late, &touched).ok());
  EXPECT_TRUE(touched.recorded());
  EXPECT_TRUE(touched.unknown_channel());
  auto last = Report(v1::ATTRIBUTION_MODEL_LAST_TOUCH);
  ASSERT_NE(Row(last, "seo"), nullptr);
  EXPECT_TRUE(Row(last, "seo")->unknown());
  EXPECT_NEAR(Row(last, "seo")->attributed_conversions(), 1, 1e-9);
  const v1::ReportRow* partner = Row(last, "partner");  // no credit left: no row
  EXPECT_TRUE(partner == nullptr || std::abs(partner->attributed_conversions()) < 1e-9);
}

TEST_F(AttributionServiceTest, OutOfOrderTopicsStillCount) {
  // The contract and the registration are folded before the lead they follow.
  v1::Envelope signed_ = Contract("a3", "2026-09-20T10:00:00Z");
  Publish(platform::topics::kContracts, signed_);
  ASSERT_TRUE(Eventually([&] {
    auto j = store_->Journey("a3");
    return j.ok() && j->has_value() && (*j)->conversions_size() == 1;
  }));
  v1::Envelope registered = Event("a3", "2026-09-05T10:00:00Z");
  registered.mutable_opportunity_registered()->set_registration_id("reg-3");
  registered.mutable_opportunity_registered()->set_partner_id("p-3");
  registered.mutable_opportunity_registered()->set_account_id("a3");
  registered.mutable_opportunity_registered()->set_status(v1::REGISTRATION_STATUS_APPROVED);
  Publish(platform::topics::kOpportunities, std::move(registered));
  Lead("a3", "L3", "2026-09-03T10:00:00Z");
  ASSERT_TRUE(Eventually([&] {
    auto j = store_->Journey("a3");
    return j.ok() && j->has_value() && j->value().leads_size() == 1 &&
           j->value().touches_size() == 2;
  }));
  auto report = Report(v1::ATTRIBUTION_MODEL_LINEAR);
  const v1::ReportRow* sem = Row(report, "baidu-sem");
  ASSERT_NE(sem, nullptr);
  EXPECT_EQ(sem->leads(), 1);
  EXPECT_EQ(sem->opportunities(), 1);
  EXPECT_EQ(sem->customers_won(), 1);
  // Both late touches were credited: a half each.
  EXPECT_NEAR(sem->attributed_conversions(), .5, 1e-9);
  EXPECT_NEAR(Row(report, "partner")->attributed_conversions(), .5, 1e-9);
  EXPECT_EQ(Row(report, "(direct)"), nullptr);
  // The last event for the contract carries both touches and says it replaces the first.
  auto events =
      firstline::testing::ReadEnvelopes(kafka_, std::string(platform::topics::kAttribution), 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(events[2].conversion_attributed().recredited());
  EXPECT_EQ(events[2].conversion_attributed().touches_size(), 2);
}

TEST_F(AttributionServiceTest, APartnerReadsOnlyItsOwnStatement) {
  LiveSeptember();
  v1::GetPartnerStatementRequest r;
  r.set_partner_id("p-1");
  *r.mutable_period() = September();
  v1::GetPartnerStatementResponse own;
  const Principal p1{"agent-1", PrincipalKind::kPartner, "p-1"};
  ASSERT_TRUE(stub_->GetPartnerStatement(As(p1).get(), r, &own).ok());
  EXPECT_EQ(own.sourced_revenue().minor_units(), 10'000'000);
  EXPECT_EQ(own.total_commission().minor_units(), 3'000'000);  // standard tier: 30 % sourced
  v1::GetPartnerStatementResponse other;
  const Principal p2{"agent-2", PrincipalKind::kPartner, "p-2"};
  grpc::Status st = stub_->GetPartnerStatement(As(p2).get(), r, &other);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other.sourced_revenue().minor_units(), 0);
  ASSERT_TRUE(stub_->GetPartnerStatement(As(kOperator).get(), r, &other).ok());
  EXPECT_EQ(other.sourced_revenue().minor_units(), 10'000'000);
  // Call centres read no reports at all.
  v1::GetChannelReportResponse report;
  EXPECT_EQ(stub_->GetChannelReport(As(kCallCentre).get(), {}, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AttributionServiceTest, BadInputIsNamedAndWritesNothing) {
  LiveSeptember();
  auto expect_invalid = [](const grpc::Status& st, const std::string& field) {
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_NE(st.error_message().find(field), std::string::npos) << st.error_message();
  };
  v1::GetChannelReportRequest report;
  *report.mutable_period() = September();
  v1::GetChannelReportResponse out;
  expect_invalid(stub_->GetChannelReport(As(kOperator).get(), report, &out), "model");
  report.set_model(v1::ATTRIBUTION_MODEL_LINEAR);
  std::swap(*report.mutable_period()->mutable_start(), *report.mutable_period()->mutable_end());
  expect_invalid(stub_->GetChannelReport(As(kOperator).get(), report, &out), "period.end");

  v1::RecordSpendRequest spend;
  spend.set_channel("baidu-sem");
  spend.set_campaign("autumn");
  spend.set_keyword("erp software");
  spend.set_day("2026-09-02");
  spend.mutable_amount()->set_currency("CNY");
  spend.mutable_amount()->set_minor_units(-5);
  v1::RecordSpendResponse spent;
  expect_invalid(stub_->RecordSpend(As(kOperator).get(), spend, &spent), "amount.minor_units");
  spend.mutable_amount()->set_minor_units(999'999);
  spend.mutable_amount()->set_currency("XYZ");
  expect_invalid(stub_->RecordSpend(As(kOperator).get(), spend, &spent), "amount.currency");
  spend.mutable_amount()->set_currency("CNY");
  spend.set_day("2026-09-31");
  expect_invalid(stub_->RecordSpend(As(kOperator).get(), spend, &spent), "day");
  EXPECT_EQ(Row(Report(v1::ATTRIBUTION_MODEL_LINEAR), "baidu-sem")->spend().minor_units(), 200'000);

  v1::RecordTouchRequest touch;
  touch.set_channel("bad channel");
  v1::RecordTouchResponse touched;
  grpc::Status st = stub_->RecordTouch(As(kCallCentre).get(), touch, &touched);
  for (const char* field : {"source_id", "account_id", "channel", "occurred_at"}) {
    expect_invalid(st, field);
  }
  v1::SetChannelCatalogRequest catalog;
  catalog.add_channels()->set_channel("web");
  v1::SetChannelCatalogResponse stored;
  expect_invalid(stub_->SetChannelCatalog(As(kOperator).get(), catalog, &stored),
                 "channels[0].kind");
}

}  // namespace
}  // namespace firstline::attribution
