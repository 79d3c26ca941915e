// Partner opportunity registration through the real gRPC API (real Redis, mock Kafka).
#include "lead-intake/lead_intake_fixture.h"

namespace firstline::lead_intake::testing {
namespace {

using PartnerOpportunitiesTest = LeadIntakeFixture;

TEST_F(PartnerOpportunitiesTest, ProtectedAccountIsRoutedToItsPartnersPool) {
  AddRep("p-rep", "partner-sales", "partner-x");
  AddRep("rep-a", "inside-sales");
  v1::Registration reg;
  ASSERT_TRUE(
      Register(Partner("partner-x"), Registration("r1", "Acme Retail Co., Ltd."), &reg).ok());
  EXPECT_EQ(reg.status(), v1::REGISTRATION_STATUS_APPROVED);
  EXPECT_EQ(reg.protected_until().seconds() - absl::ToUnixSeconds(clock_.Now()), 90 * 86400);

  // A call-centre lead for the same company (name and region match) goes to the partner.
  v1::SubmitLeadResponse lead;
  ASSERT_TRUE(
      Submit(LeadRequest("l1", "13812345678", "", "ACME RETAIL (Group) Co Ltd"), &lead).ok());
  EXPECT_EQ(lead.lead().account_id(), reg.account_id());
  EXPECT_EQ(lead.lead().routing().rule(), "partner-protected");
  EXPECT_EQ(lead.lead().routing().worker_id(), "p-rep");
  EXPECT_EQ(lead.lead().routing().organisation_id(), "partner-x");
  Accept("p-rep", lead.lead().routing().offer_id(), "partner-x");

  // The partner reads its organisation's lead; another partner does not.
  EXPECT_TRUE(GetLead(Partner("partner-x"), lead.lead().lead_id(), nullptr).ok());
  EXPECT_EQ(GetLead(Partner("partner-y"), lead.lead().lead_id(), nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListLeadsResponse page;
  auto ctx = As(Partner("partner-x"));
  ASSERT_TRUE(stub_->ListLeads(ctx.get(), v1::ListLeadsRequest(), &page).ok());
  ASSERT_EQ(page.leads_size(), 1);
  EXPECT_EQ(page.leads(0).lead_id(), lead.lead().lead_id());
}

TEST_F(PartnerOpportunitiesTest, ConflictingRegistrationIsRefusedSayingUntilWhenNeverWho) {
  v1::Registration held;
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r1", "Acme Retail"), &held).ok());
  v1::Registration refused;
  grpc::Status st = Register(Partner("partner-y"), Registration("r2", "Acme Retail"), &refused);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  const std::string until = absl::FormatTime(
      "%Y-%m-%d", absl::FromUnixSeconds(held.protected_until().seconds()), absl::UTCTimeZone());
  EXPECT_NE(st.error_message().find(until), std::string::npos) << st.error_message();
  EXPECT_EQ(st.error_message().find("partner-x"), std::string::npos) << st.error_message();
  EXPECT_EQ(st.error_message().find(held.registration_id()), std::string::npos);

  // Another product line does not overlap: approved.
  v1::Registration other_line;
  ASSERT_TRUE(
      Register(Partner("partner-y"), Registration("r3", "Acme Retail", "pos"), &other_line).ok());
  EXPECT_EQ(other_line.status(), v1::REGISTRATION_STATUS_APPROVED);
  // The holder registering again is told it already holds it.
  EXPECT_EQ(Register(Partner("partner-x"), Registration("r4", "Acme Retail"), nullptr).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // Internally the conflict is an event naming both, for the channel team.
  bool conflict = false;
  for (const auto& e : ReadEvents(std::string(platform::topics::kOpportunities), 3)) {
    if (!e.has_opportunity_conflict()) continue;
    conflict = true;
    EXPECT_EQ(e.opportunity_conflict().holding_partner_id(), "partner-x");
    EXPECT_EQ(e.opportunity_conflict().requesting_partner_id(), "partner-y");
    EXPECT_EQ(e.opportunity_conflict().account_id(), held.account_id());
  }
  EXPECT_TRUE(conflict);
}

TEST_F(PartnerOpportunitiesTest, AccountWithAnOpenDirectLeadGoesToReview) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse lead;
  ASSERT_TRUE(Submit(LeadRequest("l1", "13812345678", "", "Beta Foods"), &lead).ok());
  v1::Registration reg;
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r1", "Beta Foods"), &reg).ok());
  EXPECT_EQ(reg.status(), v1::REGISTRATION_STATUS_PENDING_REVIEW);
  EXPECT_FALSE(reg.has_protected_until());

  auto review = [&](bool approve, const std::string& reason, v1::Registration* out) {
    v1::ReviewRegistrationRequest req;
    req.set_registration_id(reg.registration_id());
    req.set_approve(approve);
    req.set_reason(reason);
    v1::ReviewRegistrationResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = partners_->ReviewRegistration(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.registration();
    return st;
  };
  EXPECT_EQ(review(false, "", nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::Registration approved;
  ASSERT_TRUE(review(true, "", &approved).ok());
  EXPECT_EQ(approved.status(), v1::REGISTRATION_STATUS_APPROVED);
  EXPECT_TRUE(approved.has_protected_until());
  EXPECT_EQ(review(true, "", nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Both events say which state the registration is in (attribution counts only approved ones).
  std::vector<v1::RegistrationStatus> states;
  for (const auto& e : ReadEvents(std::string(platform::topics::kOpportunities), 2)) {
    if (e.has_opportunity_registered()) states.push_back(e.opportunity_registered().status());
  }
  EXPECT_EQ(states, (std::vector<v1::RegistrationStatus>{v1::REGISTRATION_STATUS_PENDING_REVIEW,
                                                         v1::REGISTRATION_STATUS_APPROVED}));
}

TEST_F(PartnerOpportunitiesTest, ExtendsOnceAndProtectionEndsByItselfWithAnEvent) {
  v1::Registration reg;
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r1", "Gamma Tech"), &reg).ok());
  auto extend = [&](v1::Registration* out) {
    v1::ExtendRegistrationRequest req;
    req.set_registration_id(reg.registration_id());
    v1::ExtendRegistrationResponse resp;
    auto ctx = As(Partner("partner-x"));
    grpc::Status st = partners_->ExtendRegistration(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.registration();
    return st;
  };
  v1::Registration extended;
  ASSERT_TRUE(extend(&extended).ok());
  EXPECT_TRUE(extended.extended());
  EXPECT_EQ(extended.protected_until().seconds() - reg.protected_until().seconds(), 90 * 86400);
  EXPECT_EQ(extend(nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  auto early = registration_desk_->Sweep();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, 0);
  clock_.Advance(absl::Hours(24 * 181));
  auto swept = registration_desk_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  v1::GetRegistrationRequest get;
  get.set_registration_id(reg.registration_id());
  v1::GetRegistrationResponse got;
  auto ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->GetRegistration(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.registration().status(), v1::REGISTRATION_STATUS_EXPIRED);
  // Protection gone: another partner may register now.
  auto later = Registration("r9", "Gamma Tech");
  later.mutable_expected_close()->set_seconds(absl::ToUnixSeconds(clock_.Now()) + 30 * 86400);
  grpc::Status again = Register(Partner("partner-y"), later, nullptr);
  EXPECT_TRUE(again.ok()) << again.error_message();

  bool ended = false;
  for (const auto& e : ReadEvents(std::string(platform::topics::kOpportunities), 4)) {
    if (e.has_opportunity_ended()) {
      ended = true;
      EXPECT_EQ(e.opportunity_ended().status(), v1::REGISTRATION_STATUS_EXPIRED);
      EXPECT_EQ(e.opportunity_ended().registration_id(), reg.registration_id());
    }
  }
  EXPECT_TRUE(ended);
}

TEST_F(PartnerOpportunitiesTest, PartnersSeeAndChangeOnlyTheirOwnRegistrations) {
  v1::Registration mine;
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r1", "Delta Mfg"), &mine).ok());
  ASSERT_TRUE(Register(Partner("partner-y"), Registration("r2", "Epsilon Ltd"), nullptr).ok());

  v1::GetRegistrationRequest get;
  get.set_registration_id(mine.registration_id());
  v1::GetRegistrationResponse got;
  auto y_ctx = As(Partner("partner-y"));
  EXPECT_EQ(partners_->GetRegistration(y_ctx.get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::WithdrawRegistrationRequest withdraw;
  withdraw.set_registration_id(mine.registration_id());
  v1::WithdrawRegistrationResponse withdrawn;
  auto y2_ctx = As(Partner("partner-y"));
  EXPECT_EQ(partners_->WithdrawRegistration(y2_ctx.get(), withdraw, &withdrawn).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListRegistrationsResponse list;
  auto y3_ctx = As(Partner("partner-y"));
  ASSERT_TRUE(
      partners_->ListRegistrations(y3_ctx.get(), v1::ListRegistrationsRequest(), &list).ok());
  ASSERT_EQ(list.registrations_size(), 1);
  EXPECT_EQ(list.registrations(0).partner_id(), "partner-y");
  // A rep cannot register at all.
  v1::RegisterOpportunityResponse resp;
  auto rep_ctx = As(Rep("rep-a"));
  EXPECT_EQ(
      partners_->RegisterOpportunity(rep_ctx.get(), Registration("r3", "Zeta"), &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  // The owner withdraws; the record says so.
  auto x_ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->WithdrawRegistration(x_ctx.get(), withdraw, &withdrawn).ok());
  auto x2_ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->GetRegistration(x2_ctx.get(), get, &got).ok());
  EXPECT_EQ(got.registration().status(), v1::REGISTRATION_STATUS_WITHDRAWN);

  // Listed by status a page at a time: withdrawn ones before and after are passed over, so
  // the page holds the approved one rather than coming back empty with a token.
  v1::Registration kept, dropped;
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r4", "Eta Foods"), &kept).ok());
  ASSERT_TRUE(Register(Partner("partner-x"), Registration("r5", "Theta Tools"), &dropped).ok());
  withdraw.set_registration_id(dropped.registration_id());
  auto x3_ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->WithdrawRegistration(x3_ctx.get(), withdraw, &withdrawn).ok());
  v1::ListRegistrationsRequest approved;
  approved.add_statuses(v1::REGISTRATION_STATUS_APPROVED);
  approved.set_page_size(1);
  auto x4_ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->ListRegistrations(x4_ctx.get(), approved, &list).ok());
  ASSERT_EQ(list.registrations_size(), 1);
  EXPECT_EQ(list.registrations(0).registration_id(), kept.registration_id());
  ASSERT_FALSE(list.next_page_token().empty());
  approved.set_page_token(list.next_page_token());
  auto x5_ctx = As(Partner("partner-x"));
  ASSERT_TRUE(partners_->ListRegistrations(x5_ctx.get(), approved, &list).ok());
  EXPECT_EQ(list.registrations_size(), 0);
  EXPECT_TRUE(list.next_page_token().empty());
}

TEST_F(PartnerOpportunitiesTest, BadRegistrationNamesEveryBadField) {
  v1::RegisterOpportunityRequest req;
  req.set_idempotency_key("bad");
  req.mutable_expected_value()->set_minor_units(-5);
  req.mutable_expected_close()->set_seconds(1'000'000'000);
  req.mutable_contact()->set_email("nope");
  v1::Registration out;
  grpc::Status st = Register(Partner("partner-x"), req, &out);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field :
       {"company.name", "company.region", "product_lines", "expected_value.minor_units",
        "expected_value.currency", "expected_close", "contact.email"}) {
    EXPECT_NE(st.error_message().find(field), std::string::npos) << field;
  }
}

}  // namespace
}  // namespace firstline::lead_intake::testing
