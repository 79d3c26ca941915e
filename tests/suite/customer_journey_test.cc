// One customer's whole life through the suite's public gRPC APIs only: a referral lead from a
// call centre is routed and accepted, a partner's conflicting registration is refused, the
// contract makes the account a customer and extends the referrer's service, a P1 ticket is
// dispatched and resolved, its satisfaction follow-up falls due, the score moves the account's
// health, the renewal reminders reach the owner's stream as the (shifted) clock passes them,
// and the channel report credits the referral channel.
#include <set>

#include "platform/core/proto_time.h"
#include "suite/suite_fixture.h"

namespace firstline::suite::testing {
namespace {

constexpr char kRep[] = "rep-wang";
constexpr char kEngineer[] = "eng-zhao";
constexpr char kReferrer[] = "acct-referrer";

const Principal kRepPrincipal{kRep, PrincipalKind::kRep, "vendor"};
const Principal kEngineerPrincipal{kEngineer, PrincipalKind::kEngineer, "vendor"};
const Principal kPartner{"agent-east", PrincipalKind::kPartner, "partner-east"};

class CustomerJourneyTest : public SuiteTest {
 protected:
  v1::Contract RecordContract(const std::string& id, const std::string& account, absl::Time start,
                              absl::Time end, int64_t fee_minor) {
    v1::RecordContractRequest r;
    r.set_idempotency_key("contract-" + id);
    auto* c = r.mutable_contract();
    c->set_contract_id(id);
    c->set_account_id(account);
    c->add_product_lines("erp");
    *c->mutable_service_start() = platform::ToProtoTime(start);
    *c->mutable_service_end() = platform::ToProtoTime(end);
    c->mutable_annual_fee()->set_currency("CNY");
    c->mutable_annual_fee()->set_minor_units(fee_minor);
    c->set_status(v1::CONTRACT_STATUS_ACTIVE);
    c->set_version(1);
    v1::RecordContractResponse out;
    grpc::Status st = renewals_stub_->RecordContract(As(kOperator).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_TRUE(out.applied());
    return out.contract();
  }

  v1::GetAccountResponse Account(const std::string& id) {
    v1::GetAccountRequest r;
    r.set_account_id(id);
    v1::GetAccountResponse out;
    renewals_stub_->GetAccount(As(kOperator).get(), r, &out).ok();
    return out;
  }

  std::vector<v1::Reminder> Reminders(const std::string& account, v1::ReminderKind kind) {
    v1::ListRemindersRequest r;
    r.set_account_id(account);
    r.set_page_size(100);
    v1::ListRemindersResponse out;
    EXPECT_TRUE(renewals_stub_->ListReminders(As(kOperator).get(), r, &out).ok());
    std::vector<v1::Reminder> found;
    for (const auto& m : out.reminders()) {
      if (m.kind() == kind) found.push_back(m);
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return platform::FromProtoTime(a.due_at()) < platform::FromProtoTime(b.due_at());
    });
    return found;
  }

  // Moves renewal-reminder's clock just past `due`.
  void PassRenewalClock(const google::protobuf::Timestamp& due) {
    ShiftRenewalClock(platform::FromProtoTime(due) - absl::Now() + absl::Minutes(1));
  }

  v1::SubmitLeadRequest Inquiry(const std::string& key, const std::string& phone,
                                const std::string& channel) {
    v1::SubmitLeadRequest r;
    r.set_idempotency_key(key);
    r.mutable_source()->set_channel(channel);
    r.mutable_source()->set_campaign(channel == "referral" ? "customer-referral" : "autumn");
    r.mutable_source()->set_call_centre_id("cc-shanghai");
    r.mutable_contact()->set_name("Chen Jie");
    r.mutable_contact()->set_phone(phone);
    r.mutable_company()->set_name("Ningbo Harbour Trading Co., Ltd.");
    r.mutable_company()->set_region("CN-ZJ");
    r.add_product_lines("erp");
    r.set_consent(true);
    if (channel == "referral") r.set_referrer_account_id(kReferrer);
    return r;
  }
};

TEST_F(CustomerJourneyTest, ReferralLeadToRenewalRemindersAndChannelCredit) {
  const absl::Time now = absl::Now();

  // The referrer is an existing customer with a contract of its own.
  const v1::Contract referrer_contract = RecordContract(
      "c-referrer", kReferrer, now - absl::Hours(24 * 100), now + absl::Hours(24 * 265), 5'000'000);

  // A rep on the roster, present on its offer stream.
  {
    v1::UpsertRepRequest r;
    auto* rep = r.mutable_rep();
    rep->set_rep_id(kRep);
    rep->set_organisation_id("vendor");
    rep->add_pools("inside-sales");
    rep->set_capacity(20);
    rep->set_daily_cap(100);
    v1::UpsertRepResponse out;
    grpc::Status st = lead_intake_->UpsertRep(As(kOperator).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  StreamTap<v1::WatchOffersResponse> rep_offers(As(kRepPrincipal), [&](grpc::ClientContext* c) {
    return lead_intake_->WatchOffers(c, v1::WatchOffersRequest());
  });
  {
    v1::SetAvailabilityRequest r;
    r.set_availability(v1::AVAILABILITY_AVAILABLE);
    v1::SetAvailabilityResponse out;
    ASSERT_TRUE(lead_intake_->SetAvailability(As(kRepPrincipal).get(), r, &out).ok());
  }

  // 1. A call centre pushes the referral lead; the rep is offered it and accepts.
  v1::SubmitLeadResponse submitted;
  grpc::Status st = lead_intake_->SubmitLead(
      As(kCallCentre).get(), Inquiry("lead-1", "138 0571 0001", "referral"), &submitted);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string lead_id = submitted.lead().lead_id();
  const std::string account = submitted.lead().account_id();
  ASSERT_FALSE(account.empty());
  EXPECT_EQ(submitted.lead().contact().phone(), "+8613805710001");
  auto offers = rep_offers.Await([&](const auto& m) {
    return m.change() == v1::OFFER_CHANGE_OFFERED && m.lead().lead_id() == lead_id;
  });
  ASSERT_EQ(offers.size(), 1u) << "the rep was never offered the lead";
  {
    v1::AcceptLeadRequest r;
    r.set_offer_id(offers[0].offer_id());
    v1::AcceptLeadResponse out;
    st = lead_intake_->AcceptLead(As(kRepPrincipal).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  {
    v1::GetLeadRequest r;
    r.set_lead_id(lead_id);
    v1::GetLeadResponse out;
    ASSERT_TRUE(lead_intake_->GetLead(As(kOperator).get(), r, &out).ok());
    EXPECT_EQ(out.lead().status(), v1::LEAD_STATUS_ASSIGNED);
    EXPECT_EQ(out.lead().routing().worker_id(), kRep);
  }
  // The first responder owns the account: renewal-reminder learns it from lead-intake's events.
  EXPECT_TRUE(
      WaitFor([&] { return Account(account).sales_owner_id() == kRep; }, absl::Seconds(30)));

  // 2. A partner registers the same customer: the account belongs to a direct rep, so the
  // registration is held for review and the operators refuse it.
  {
    v1::RegisterOpportunityRequest r;
    r.set_idempotency_key("reg-1");
    r.mutable_company()->set_name("NINGBO HARBOUR TRADING CO LTD");
    r.mutable_company()->set_region("CN-ZJ");
    r.mutable_contact()->set_name("Chen Jie");
    r.add_product_lines("erp");
    r.mutable_expected_value()->set_currency("CNY");
    r.mutable_expected_value()->set_minor_units(10'000'000);
    *r.mutable_expected_close() = platform::ToProtoTime(now + absl::Hours(24 * 60));
    v1::RegisterOpportunityResponse registered;
    st = partners_->RegisterOpportunity(As(kPartner).get(), r, &registered);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(registered.registration().account_id(), account);
    EXPECT_EQ(registered.registration().status(), v1::REGISTRATION_STATUS_PENDING_REVIEW);
    v1::ReviewRegistrationRequest review;
    review.set_idempotency_key("review-1");
    review.set_registration_id(registered.registration().registration_id());
    review.set_approve(false);
    review.set_reason("owned by a direct rep with an open lead");
    v1::ReviewRegistrationResponse reviewed;
    st = partners_->ReviewRegistration(As(kOperator).get(), review, &reviewed);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(reviewed.registration().status(), v1::REGISTRATION_STATUS_REJECTED);
  }

  // 3. The contract is signed: the referrer's service period grows by the policy's 30 days,
  // and the account is now a customer whose next inquiry goes to its owner.
  const absl::Time service_end = now + absl::Hours(24 * 365);
  RecordContract("c-1", account, now, service_end, 12'000'000);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto referrer = Account(kReferrer);
        return referrer.contracts_size() == 1 &&
               platform::FromProtoTime(referrer.contracts(0).service_end()) ==
                   platform::FromProtoTime(referrer_contract.service_end()) + absl::Hours(24 * 30);
      },
      absl::Seconds(30)))
      << "the referrer's service period was not extended";
  int inquiry = 1;
  std::string rule;
  EXPECT_TRUE(WaitFor(
      [&] {
        ++inquiry;
        v1::SubmitLeadResponse again;
        if (!lead_intake_
                 ->SubmitLead(As(kCallCentre).get(),
                              Inquiry("lead-" + std::to_string(inquiry),
                                      "138 0571 00" + std::to_string(10 + inquiry), "hotline-400"),
                              &again)
                 .ok()) {
          return false;
        }
        rule = again.lead().routing().rule();
        return rule == "existing-customer" && again.lead().routing().worker_id() == kRep;
      },
      absl::Seconds(30)))
      << "last rule: " << rule;

  // 4. A P1 ticket: broadcast to the field engineers, accepted, worked and resolved.
  {
    v1::UpsertEngineerRequest r;
    auto* e = r.mutable_engineer();
    e->set_engineer_id(kEngineer);
    e->set_organisation_id("vendor");
    e->add_pools("field-engineers");
    for (const char* skill : {"erp", "erp:v9", "erp:finance"}) e->add_skills(skill);
    e->set_capacity(5);
    e->set_daily_cap(20);
    v1::UpsertEngineerResponse out;
    st = field_->UpsertEngineer(As(kOperator).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  StreamTap<v1::FieldEngineerWatchOffersResponse> engineer_offers(
      As(kEngineerPrincipal), [&](grpc::ClientContext* c) {
        return field_->WatchOffers(c, v1::FieldEngineerWatchOffersRequest());
      });
  {
    v1::FieldEngineerSetAvailabilityRequest r;
    r.set_availability(v1::AVAILABILITY_AVAILABLE);
    v1::FieldEngineerSetAvailabilityResponse out;
    ASSERT_TRUE(field_->SetAvailability(As(kEngineerPrincipal).get(), r, &out).ok());
  }
  // Entitlement is ticket-dispatch's copy of the contract events: wait until both contracts
  // (the referrer's and this one) reached it, as a hotline would only after signing anyway.
  ASSERT_TRUE(WaitFor([&] { return ConsumerHandled("ticket-dispatch", "ticket-dispatch") >= 2; },
                      absl::Seconds(30)))
      << "ticket-dispatch never consumed the contracts";
  v1::CreateTicketRequest raise;
  raise.set_idempotency_key("ticket-1");
  raise.set_account_id(account);
  raise.mutable_contact()->set_name("Chen Jie");
  raise.mutable_product()->set_product_line("erp");
  raise.mutable_product()->set_version("v9");
  raise.mutable_product()->set_module("finance");
  raise.set_category(v1::TICKET_CATEGORY_DEBUGGING);
  raise.set_severity(v1::SEVERITY_P1);
  raise.set_channel(v1::TICKET_CHANNEL_HOTLINE);
  raise.mutable_location()->set_region("CN-ZJ");
  raise.set_description("month-end close fails for every ledger");
  v1::CreateTicketResponse created;
  st = ticket_desk_->CreateTicket(As(kCallCentre).get(), raise, &created);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string ticket_id = created.ticket().ticket_id();
  EXPECT_TRUE(created.ticket().entitlement().covered()) << created.ticket().DebugString();
  auto ticket_offers = engineer_offers.Await([&](const auto& m) {
    return m.change() == v1::OFFER_CHANGE_OFFERED && m.ticket().ticket_id() == ticket_id;
  });
  ASSERT_EQ(ticket_offers.size(), 1u) << "the engineer was never offered the P1 ticket";
  {
    v1::AcceptOfferRequest r;
    r.set_offer_id(ticket_offers[0].offer_id());
    v1::AcceptOfferResponse out;
    st = field_->AcceptOffer(As(kEngineerPrincipal).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(out.ticket().status(), v1::TICKET_STATUS_ASSIGNED);
  }
  for (auto [status, key] :
       {std::pair{v1::TICKET_STATUS_EN_ROUTE, "s-1"}, std::pair{v1::TICKET_STATUS_ON_SITE, "s-2"},
        std::pair{v1::TICKET_STATUS_RESOLVED, "s-3"}}) {
    v1::UpdateTicketStatusRequest r;
    r.set_idempotency_key(key);
    r.set_ticket_id(ticket_id);
    r.set_status(status);
    if (status == v1::TICKET_STATUS_EN_ROUTE) {
      *r.mutable_eta() = platform::ToProtoTime(absl::Now() + absl::Minutes(40));
    }
    if (status == v1::TICKET_STATUS_RESOLVED) r.set_notes("ledger index rebuilt");
    v1::UpdateTicketStatusResponse out;
    st = field_->UpdateTicketStatus(As(kEngineerPrincipal).get(), r, &out);
    ASSERT_TRUE(st.ok()) << v1::TicketStatus_Name(status) << ": " << st.error_message();
    EXPECT_EQ(out.ticket().status(), status);
  }

  // 5. The satisfaction follow-up falls due (a day later, on renewal-reminder's clock) for the
  // engineer who took the account's first ticket: its service owner.
  std::vector<v1::Reminder> follow_ups;
  ASSERT_TRUE(WaitFor(
      [&] {
        follow_ups = Reminders(account, v1::REMINDER_KIND_SATISFACTION_FOLLOW_UP);
        return follow_ups.size() == 1;
      },
      absl::Seconds(30)))
      << "no satisfaction follow-up was scheduled";
  PassRenewalClock(follow_ups[0].due_at());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto f = Reminders(account, v1::REMINDER_KIND_SATISFACTION_FOLLOW_UP);
        return f.size() == 1 && f[0].state() == v1::REMINDER_STATE_DUE &&
               f[0].owner_id() == kEngineer;
      },
      absl::Seconds(30)))
      << Reminders(account, v1::REMINDER_KIND_SATISFACTION_FOLLOW_UP)[0].DebugString();

  // 6. The customer's score is recorded; the account's health takes it in.
  {
    v1::RecordSatisfactionRequest r;
    r.set_idempotency_key("sat-1");
    r.set_ticket_id(ticket_id);
    r.set_score(5);
    r.set_comment("fixed within the hour");
    r.set_called_back_by(kEngineer);
    v1::RecordSatisfactionResponse out;
    st = ticket_desk_->RecordSatisfaction(As(kOperator).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_TRUE(WaitFor(
      [&] {
        v1::GetAccountHealthRequest r;
        r.set_account_id(account);
        v1::GetAccountHealthResponse out;
        return renewals_stub_->GetAccountHealth(As(kOperator).get(), r, &out).ok() &&
               out.health().satisfaction_average() == 5.0 && out.health().tickets_90d() == 1;
      },
      absl::Seconds(30)))
      << "the satisfaction score did not reach the account's health";

  // 7. Renewal reminders reach the owner's stream as the clock passes T-90, then the rest.
  StreamTap<v1::WatchRemindersResponse> rep_tasks(As(kRepPrincipal), [&](grpc::ClientContext* c) {
    return renewals_stub_->WatchReminders(c, v1::WatchRemindersRequest());
  });
  auto renewals = Reminders(account, v1::REMINDER_KIND_RENEWAL);
  ASSERT_EQ(renewals.size(), 7u);  // T-90, T-60, T-30, T-7, T-0, T+7, T+30
  for (const auto& r : renewals) EXPECT_EQ(r.contract_id(), "c-1");
  auto renewal_tasks = [&](size_t n) {
    return rep_tasks.Await(
        [&](const auto& m) {
          return m.reminder().kind() == v1::REMINDER_KIND_RENEWAL &&
                 m.reminder().account_id() == account;
        },
        n);
  };
  PassRenewalClock(renewals[0].due_at());
  auto delivered = renewal_tasks(1);
  ASSERT_EQ(delivered.size(), 1u) << "T-90 never reached the owner's stream";
  EXPECT_EQ(delivered[0].reminder().reminder_id(), renewals[0].reminder_id());
  EXPECT_EQ(delivered[0].reminder().owner_id(), kRep);
  PassRenewalClock(renewals[6].due_at());
  delivered = renewal_tasks(7);
  ASSERT_EQ(delivered.size(), 7u);
  std::set<std::string> ids;
  for (const auto& d : delivered) ids.insert(d.reminder().reminder_id());
  EXPECT_EQ(ids.size(), 7u) << "a reminder was delivered twice";

  // 8. The channel report credits the referral channel with the customer and its revenue.
  v1::GetChannelReportRequest report;
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  *report.mutable_period()->mutable_start() =
      platform::ToProtoTime(absl::FromCivil(today - 1, absl::UTCTimeZone()));
  *report.mutable_period()->mutable_end() =
      platform::ToProtoTime(absl::FromCivil(today + 2, absl::UTCTimeZone()));
  report.set_model(v1::ATTRIBUTION_MODEL_W_SHAPED);
  report.set_group_by(v1::REPORT_GROUPING_CHANNEL);
  v1::ReportRow referral;
  EXPECT_TRUE(WaitFor(
      [&] {
        v1::GetChannelReportResponse out;
        if (!attribution_stub_->GetChannelReport(As(kOperator).get(), report, &out).ok()) {
          return false;
        }
        for (const auto& row : out.rows()) {
          if (row.group() == "referral") referral = row;
        }
        return referral.customers_won() == 1;
      },
      absl::Seconds(30)))
      << referral.DebugString();
  v1::GetJourneyRequest ask;
  ask.set_account_id(account);
  v1::GetJourneyResponse journey;
  EXPECT_TRUE(attribution_stub_->GetJourney(As(kOperator).get(), ask, &journey).ok());
  SCOPED_TRACE(journey.DebugString());
  EXPECT_EQ(referral.leads(), 1);
  EXPECT_EQ(referral.accepted_leads(), 1);
  EXPECT_DOUBLE_EQ(referral.attributed_conversions(), 1.0);
  EXPECT_EQ(referral.new_business_revenue().currency(), "CNY");
  EXPECT_EQ(referral.new_business_revenue().minor_units(), 12'000'000);
}

}  // namespace
}  // namespace firstline::suite::testing
