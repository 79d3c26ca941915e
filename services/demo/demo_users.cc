#include "demo/demo_users.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/core/proto_time.h"

namespace firstline::demo {
namespace {

using platform::Principal;
using platform::PrincipalKind;

const Principal kOperator{"demo-operator", PrincipalKind::kOperator, "vendor"};
const Principal kCallCentre{"demo-agent", PrincipalKind::kCallCentre, "cc-shanghai"};
constexpr const char* kProductLines[] = {"erp", "pos", "chain-retail"};

std::string Today() { return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()); }

}  // namespace

DemoUsers::DemoUsers(DemoConfig config, DemoTally& tally)
    : config_(std::move(config)),
      tally_(tally),
      issuer_(config_.auth_secret, platform::SystemClock::Instance()) {
  auto channel = [](const std::string& target) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  };
  auto lead_channel = channel(config_.lead_intake);
  leads_ = v1::LeadIntake::NewStub(lead_channel);
  partners_ = v1::PartnerOpportunities::NewStub(lead_channel);
  auto ticket_channel = channel(config_.ticket_dispatch);
  tickets_ = v1::TicketDesk::NewStub(ticket_channel);
  field_ = v1::FieldEngineer::NewStub(ticket_channel);
  renewals_ = v1::Renewals::NewStub(channel(config_.renewal_reminder));
  attribution_ = v1::Attribution::NewStub(channel(config_.channel_attribution));
}

DemoUsers::~DemoUsers() { Stop(); }

std::unique_ptr<grpc::ClientContext> DemoUsers::As(const Principal& who) {
  auto c = std::make_unique<grpc::ClientContext>();
  // Long enough for renewal-reminder's clock, which the demo may run months ahead.
  auto token = issuer_.Mint(who, absl::Hours(24 * 400));
  c->AddMetadata("authorization", "Bearer " + token.value_or(""));
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return c;
}

std::shared_ptr<grpc::ClientContext> DemoUsers::StreamAs(const Principal& who) {
  std::shared_ptr<grpc::ClientContext> c = As(who);
  c->set_deadline(std::chrono::system_clock::time_point::max());
  std::lock_guard lock(mu_);
  if (stopping_) c->TryCancel();
  // Apps reconnect for as long as the demo runs: forget the streams that have ended.
  std::erase_if(streams_, [](const auto& s) { return s.expired(); });
  streams_.push_back(c);
  return c;
}

bool DemoUsers::Check(const grpc::Status& st, const char* call) {
  if (st.ok()) return true;
  if (!stopping()) tally_.Error(absl::StrCat(call, ": ", st.error_message()));
  return false;
}

bool DemoUsers::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

bool DemoUsers::Pause(absl::Duration d) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, absl::ToChronoNanoseconds(d), [&] { return stopping_; });
  return !stopping_;
}

absl::Status DemoUsers::SetUp() {
  auto fail = [](const char* what, const grpc::Status& st) {
    return absl::UnavailableError(absl::StrCat(what, ": ", st.error_message()));
  };
  v1::SetChannelCatalogRequest catalog;
  for (const auto& c : DemoChannels()) {
    auto* ch = catalog.add_channels();
    ch->set_channel(c.channel);
    ch->set_kind(static_cast<v1::ChannelKind>(c.kind));
    ch->set_display_name(c.channel);
  }
  auto* partner = catalog.add_channels();
  partner->set_channel("partner");
  partner->set_kind(v1::CHANNEL_KIND_PARTNER);
  partner->set_display_name("channel partners");
  v1::SetChannelCatalogResponse catalogued;
  if (auto st = attribution_->SetChannelCatalog(As(kOperator).get(), catalog, &catalogued);
      !st.ok()) {
    return fail("channel-attribution SetChannelCatalog", st);
  }
  for (const auto& c : DemoChannels()) {
    v1::RecordSpendRequest spend;
    spend.set_channel(c.channel);
    spend.set_campaign(c.campaign);
    spend.set_keyword(c.keyword);
    spend.set_day(Today());
    spend.mutable_amount()->set_currency("CNY");
    spend.mutable_amount()->set_minor_units(c.daily_spend_minor);
    v1::RecordSpendResponse out;
    if (auto st = attribution_->RecordSpend(As(kOperator).get(), spend, &out); !st.ok()) {
      return fail("channel-attribution RecordSpend", st);
    }
  }
  auto upsert_rep = [&](const std::string& id, const std::string& org,
                        std::vector<std::string> pools) -> absl::Status {
    v1::UpsertRepRequest r;
    auto* rep = r.mutable_rep();
    rep->set_rep_id(id);
    rep->set_organisation_id(org);
    for (auto& p : pools) rep->add_pools(std::move(p));
    rep->set_capacity(40);
    rep->set_daily_cap(2000);
    v1::UpsertRepResponse out;
    if (auto st = leads_->UpsertRep(As(kOperator).get(), r, &out); !st.ok()) {
      return fail("lead-intake UpsertRep", st);
    }
    return absl::OkStatus();
  };
  for (int i = 1; i <= config_.reps; ++i) {
    std::vector<std::string> pools{"inside-sales"};
    if (i % 2 == 0) pools.push_back("account-management");
    if (i % 3 == 0) pools.push_back("senior-sales");
    if (auto st = upsert_rep(absl::StrCat("rep-", i), "vendor", pools); !st.ok()) return st;
  }
  for (int i = 1; i <= config_.partners; ++i) {
    const std::string org = absl::StrCat("partner-", i);
    if (auto st = upsert_rep(org + "-sales", org, {"partner-sales"}); !st.ok()) return st;
  }
  for (int i = 1; i <= config_.engineers; ++i) {
    v1::UpsertEngineerRequest r;
    auto* e = r.mutable_engineer();
    e->set_engineer_id(absl::StrCat("eng-", i));
    e->set_organisation_id("vendor");
    e->add_pools(i == config_.engineers ? "supervisors" : "field-engineers");
    for (const char* line : kProductLines) {
      e->add_skills(line);
      e->add_skills(absl::StrCat(line, ":v9"));
      e->add_skills(absl::StrCat(line, ":finance"));
    }
    e->set_capacity(8);
    e->set_daily_cap(500);
    v1::UpsertEngineerResponse out;
    if (auto st = field_->UpsertEngineer(As(kOperator).get(), r, &out); !st.ok()) {
      return fail("ticket-dispatch UpsertEngineer", st);
    }
  }
  return absl::OkStatus();
}

void DemoUsers::Start() {
  uint32_t seed = config_.seed;
  for (int i = 1; i <= config_.reps; ++i) {
    const std::string rep = absl::StrCat("rep-", i);
    threads_.emplace_back([this, rep, s = ++seed] { RepApp(rep, "vendor", s); });
    threads_.emplace_back([this, rep, s = ++seed] { RepTasks(rep, s); });
  }
  for (int i = 1; i <= config_.partners; ++i) {
    const std::string org = absl::StrCat("partner-", i);
    threads_.emplace_back([this, org, s = ++seed] { RepApp(org + "-sales", org, s); });
    threads_.emplace_back([this, org, s = ++seed] { PartnerAgent(org, s); });
  }
  for (int i = 1; i <= config_.engineers; ++i) {
    threads_.emplace_back([this, i, s = ++seed] { EngineerApp(absl::StrCat("eng-", i), s); });
  }
  threads_.emplace_back([this] { CallCentre(); });
  threads_.emplace_back([this] { TicketRaiser(); });
  if (!config_.clock_shift_file.empty()) threads_.emplace_back([this] { ClockDriver(); });
}

void DemoUsers::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& s : streams_) {
      if (auto c = s.lock()) c->TryCancel();
    }
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void DemoUsers::CallCentre() {
  DemoScript script(config_.seed);
  const absl::Duration gap = absl::Seconds(1.0 / std::max(config_.leads_per_second, 0.01));
  for (int n = 0; Pause(gap); ++n) {
    DemoInquiry in = script.NextInquiry();
    v1::SubmitLeadRequest r;
    r.set_idempotency_key(absl::StrCat("demo-", run_, "-", config_.seed, "-", n));
    r.mutable_source()->set_channel(in.channel->channel);
    r.mutable_source()->set_campaign(in.channel->campaign);
    r.mutable_source()->set_keyword(in.channel->keyword);
    r.mutable_source()->set_call_centre_id("cc-shanghai");
    r.mutable_contact()->set_name(in.contact_name);
    r.mutable_contact()->set_phone(in.phone);
    r.mutable_company()->set_name(in.company);
    r.mutable_company()->set_region(in.region);
    r.add_product_lines(in.product_line);
    r.set_consent(true);
    v1::SubmitLeadResponse out;
    if (!Check(leads_->SubmitLead(As(kCallCentre).get(), r, &out), "SubmitLead")) continue;
    tally_.Add(Count::kLeadsSubmitted);
    if (out.merged()) tally_.Add(Count::kLeadsMerged);
  }
}

void DemoUsers::RepApp(const std::string& rep, const std::string& org, uint32_t seed) {
  DemoScript script(seed);
  const Principal me{rep, PrincipalKind::kRep, org};
  while (!stopping()) {
    v1::SetAvailabilityRequest available;
    available.set_availability(v1::AVAILABILITY_AVAILABLE);
    v1::SetAvailabilityResponse set;
    Check(leads_->SetAvailability(As(me).get(), available, &set), "SetAvailability");
    auto context = StreamAs(me);
    auto stream = leads_->WatchOffers(context.get(), v1::WatchOffersRequest());
    v1::WatchOffersResponse m;
    while (stream->Read(&m)) {
      if (m.change() == v1::OFFER_CHANGE_EXPIRED || m.change() == v1::OFFER_CHANGE_RESCINDED) {
        tally_.Add(Count::kLeadOffersGone);
      }
      if (m.change() != v1::OFFER_CHANGE_OFFERED) continue;
      tally_.Add(Count::kLeadOffers);
      if (script.Chance(0.12)) {
        v1::DeclineLeadRequest d;
        d.set_offer_id(m.offer_id());
        d.set_reason("with a customer right now");
        v1::DeclineLeadResponse out;
        if (Check(leads_->DeclineLead(As(me).get(), d, &out), "DeclineLead")) {
          tally_.Add(Count::kLeadsDeclined);
        }
        continue;
      }
      v1::AcceptLeadRequest a;
      a.set_offer_id(m.offer_id());
      v1::AcceptLeadResponse out;
      if (!Check(leads_->AcceptLead(As(me).get(), a, &out), "AcceptLead")) continue;
      tally_.Add(Count::kLeadsAccepted);
      const bool in_time = !m.lead().has_first_response_due() ||
                           absl::Now() <= platform::FromProtoTime(m.lead().first_response_due());
      tally_.Add(in_time ? Count::kLeadSlaHits : Count::kLeadSlaBreaches);
      WorkLead(rep, org, m.lead(), script);
    }
    stream->Finish();
    Pause(absl::Seconds(1));  // reconnect, as the app would
  }
}

void DemoUsers::WorkLead(const std::string& rep, const std::string& org, const v1::Lead& lead,
                         DemoScript& script) {
  const Principal me{rep, PrincipalKind::kRep, org};
  for (v1::LeadStatus status : {v1::LEAD_STATUS_CONTACTED, v1::LEAD_STATUS_QUALIFIED}) {
    if (!script.Chance(status == v1::LEAD_STATUS_CONTACTED ? 0.8 : 0.5)) return;
    v1::UpdateLeadStatusRequest r;
    r.set_idempotency_key(absl::StrCat(lead.lead_id(), "-", status));
    r.set_lead_id(lead.lead_id());
    r.set_status(status);
    v1::UpdateLeadStatusResponse out;
    if (!Check(leads_->UpdateLeadStatus(As(me).get(), r, &out), "UpdateLeadStatus")) return;
  }
  if (!script.Chance(0.6)) return;
  {
    // One contract per customer: the next inquiry of a customer is not a new deal.
    std::lock_guard lock(mu_);
    for (const auto& c : customers_) {
      if (c.account == lead.account_id()) return;
    }
  }
  // Signed: a year of service ending about 90 days after the demo's clock starts, so the
  // accelerated renewal-reminder delivers renewal reminders while the demo runs.
  const absl::Time now = absl::Now();
  v1::RecordContractRequest r;
  r.set_idempotency_key("demo-contract-" + lead.lead_id());
  auto* c = r.mutable_contract();
  c->set_contract_id("c-" + lead.lead_id());
  c->set_account_id(lead.account_id());
  for (const auto& line : lead.product_lines()) c->add_product_lines(line);
  *c->mutable_service_start() = platform::ToProtoTime(now - absl::Hours(24 * 270));
  *c->mutable_service_end() =
      platform::ToProtoTime(now + absl::Hours(24 * script.Between(90, 100)));
  c->mutable_annual_fee()->set_currency("CNY");
  c->mutable_annual_fee()->set_minor_units(int64_t{script.Between(3, 30)} * 10'000'00);
  c->set_status(v1::CONTRACT_STATUS_ACTIVE);
  c->set_version(1);
  c->set_closed_by_id(rep);
  v1::RecordContractResponse out;
  if (!Check(renewals_->RecordContract(As(kOperator).get(), r, &out), "RecordContract")) return;
  tally_.Add(Count::kContracts);
  std::lock_guard lock(mu_);
  customers_.push_back({lead.account_id(), lead.company().region(),
                        lead.product_lines_size() > 0 ? lead.product_lines(0) : "erp"});
}

void DemoUsers::RepTasks(const std::string& rep, uint32_t seed) {
  DemoScript script(seed);
  const Principal me{rep, PrincipalKind::kRep, "vendor"};
  while (!stopping()) {
    auto context = StreamAs(me);
    auto stream = renewals_->WatchReminders(context.get(), v1::WatchRemindersRequest());
    v1::WatchRemindersResponse m;
    while (stream->Read(&m)) {
      if (m.replayed()) continue;
      tally_.Add(Count::kRemindersDue);
      if (!script.Chance(0.5)) continue;
      v1::CompleteReminderRequest r;
      r.set_idempotency_key("done-" + m.reminder().reminder_id());
      r.set_reminder_id(m.reminder().reminder_id());
      r.set_outcome(script.Chance(0.7) ? v1::REMINDER_OUTCOME_WILL_RENEW
                                       : v1::REMINDER_OUTCOME_DONE);
      v1::CompleteReminderResponse out;
      if (Check(renewals_->CompleteReminder(As(me).get(), r, &out), "CompleteReminder")) {
        tally_.Add(Count::kRemindersCompleted);
      }
    }
    stream->Finish();
    Pause(absl::Seconds(1));
  }
}

void DemoUsers::EngineerApp(const std::string& engineer, uint32_t seed) {
  DemoScript script(seed);
  const Principal me{engineer, PrincipalKind::kEngineer, "vendor"};
  while (!stopping()) {
    v1::FieldEngineerSetAvailabilityRequest available;
    available.set_availability(v1::AVAILABILITY_AVAILABLE);
    v1::FieldEngineerSetAvailabilityResponse set;
    Check(field_->SetAvailability(As(me).get(), available, &set), "SetAvailability");
    auto context = StreamAs(me);
    auto stream = field_->WatchOffers(context.get(), v1::FieldEngineerWatchOffersRequest());
    v1::FieldEngineerWatchOffersResponse m;
    while (stream->Read(&m)) {
      if (m.change() == v1::OFFER_CHANGE_EXPIRED || m.change() == v1::OFFER_CHANGE_RESCINDED) {
        tally_.Add(Count::kTicketOffersGone);
      }
      if (m.change() != v1::OFFER_CHANGE_OFFERED) continue;
      tally_.Add(Count::kTicketOffers);
      if (script.Chance(0.1)) {
        v1::DeclineOfferRequest d;
        d.set_offer_id(m.offer_id());
        d.set_reason("on another site");
        v1::DeclineOfferResponse out;
        // A broadcast offer another engineer won meanwhile is gone already: not an error.
        grpc::Status st = field_->DeclineOffer(As(me).get(), d, &out);
        if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION && Check(st, "DeclineOffer")) {
          tally_.Add(Count::kTicketsDeclined);
        }
        continue;
      }
      v1::AcceptOfferRequest a;
      a.set_offer_id(m.offer_id());
      v1::AcceptOfferResponse out;
      grpc::Status st = field_->AcceptOffer(As(me).get(), a, &out);
      if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION) continue;
      if (!Check(st, "AcceptOffer")) continue;
      tally_.Add(Count::kTicketsAccepted);
      const auto& sla = m.ticket().sla();
      const bool in_time =
          !sla.has_accept_due() || absl::Now() <= platform::FromProtoTime(sla.accept_due());
      tally_.Add(in_time ? Count::kTicketSlaHits : Count::kTicketSlaBreaches);
      WorkTicket(engineer, out.ticket(), script);
    }
    stream->Finish();
    Pause(absl::Seconds(1));
  }
}

void DemoUsers::WorkTicket(const std::string& engineer, const v1::Ticket& ticket,
                           DemoScript& script) {
  const Principal me{engineer, PrincipalKind::kEngineer, "vendor"};
  for (v1::TicketStatus status :
       {v1::TICKET_STATUS_EN_ROUTE, v1::TICKET_STATUS_ON_SITE, v1::TICKET_STATUS_RESOLVED}) {
    v1::UpdateTicketStatusRequest r;
    r.set_idempotency_key(absl::StrCat(ticket.ticket_id(), "-", status));
    r.set_ticket_id(ticket.ticket_id());
    r.set_status(status);
    if (status == v1::TICKET_STATUS_EN_ROUTE) {
      *r.mutable_eta() = platform::ToProtoTime(absl::Now() + absl::Minutes(30));
    }
    if (status == v1::TICKET_STATUS_RESOLVED) r.set_notes("fixed on the spot");
    v1::UpdateTicketStatusResponse out;
    if (!Check(field_->UpdateTicketStatus(As(me).get(), r, &out), "UpdateTicketStatus")) return;
  }
  tally_.Add(Count::kTicketsResolved);
  if (!script.Chance(0.7)) return;
  v1::RecordSatisfactionRequest r;
  r.set_idempotency_key("sat-" + ticket.ticket_id());
  r.set_ticket_id(ticket.ticket_id());
  r.set_score(script.Between(3, 5));
  r.set_called_back_by(engineer);
  v1::RecordSatisfactionResponse out;
  Check(tickets_->RecordSatisfaction(As(kOperator).get(), r, &out), "RecordSatisfaction");
}

void DemoUsers::PartnerAgent(const std::string& org, uint32_t seed) {
  DemoScript script(seed);
  const Principal me{org + "-agent", PrincipalKind::kPartner, org};
  for (int n = 0; Pause(absl::Seconds(script.Between(3, 6))); ++n) {
    DemoScript::Company company = script.AnyCompany();
    v1::RegisterOpportunityRequest r;
    r.set_idempotency_key(absl::StrCat(org, "-", run_, "-", seed, "-", n));
    r.mutable_company()->set_name(company.name);
    r.mutable_company()->set_region(company.region);
    r.mutable_contact()->set_name("Purchasing");
    r.add_product_lines(kProductLines[script.Between(0, 2)]);
    r.mutable_expected_value()->set_currency("CNY");
    r.mutable_expected_value()->set_minor_units(int64_t{script.Between(5, 50)} * 10'000'00);
    *r.mutable_expected_close() = platform::ToProtoTime(absl::Now() + absl::Hours(24 * 60));
    v1::RegisterOpportunityResponse out;
    grpc::Status st = partners_->RegisterOpportunity(As(me).get(), r, &out);
    if (st.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      tally_.Add(Count::kRegistrationsRefused);
    } else if (Check(st, "RegisterOpportunity")) {
      tally_.Add(out.registration().status() == v1::REGISTRATION_STATUS_APPROVED
                     ? Count::kRegistrationsApproved
                     : Count::kRegistrationsHeld);
    }
  }
}

void DemoUsers::TicketRaiser() {
  DemoScript script(config_.seed + 7);
  const absl::Duration gap = absl::Seconds(1.0 / std::max(config_.tickets_per_second, 0.01));
  for (int n = 0; Pause(gap); ++n) {
    Customer customer;
    {
      std::lock_guard lock(mu_);
      if (customers_.empty()) continue;
      customer = customers_[script.Between(0, static_cast<int>(customers_.size()) - 1)];
    }
    v1::CreateTicketRequest r;
    r.set_idempotency_key(absl::StrCat("demo-ticket-", run_, "-", config_.seed, "-", n));
    r.set_account_id(customer.account);
    r.mutable_contact()->set_name("IT desk");
    r.mutable_product()->set_product_line(customer.product_line);
    r.mutable_product()->set_version("v9");
    r.mutable_product()->set_module("finance");
    r.set_category(script.Chance(0.5) ? v1::TICKET_CATEGORY_DEBUGGING
                                      : v1::TICKET_CATEGORY_DATA_REPAIR);
    r.set_severity(static_cast<v1::Severity>(script.Severity()));
    r.set_channel(v1::TICKET_CHANNEL_HOTLINE);
    r.mutable_location()->set_region(customer.region);
    r.set_description("month-end close does not balance");
    v1::CreateTicketResponse out;
    if (Check(tickets_->CreateTicket(As(kCallCentre).get(), r, &out), "CreateTicket")) {
      tally_.Add(Count::kTickets);
    }
  }
}

void DemoUsers::ClockDriver() {
  while (Pause(absl::Milliseconds(250))) {
    const std::string tmp = config_.clock_shift_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << absl::ToDoubleSeconds(ClockAhead()) << "\n";
    }
    std::rename(tmp.c_str(), config_.clock_shift_file.c_str());
  }
}

absl::Duration DemoUsers::ClockAhead() const {
  if (config_.clock_shift_file.empty()) return absl::ZeroDuration();
  return (absl::Now() - started_) * (config_.clock_speed - 1);
}

std::vector<ChannelCost> DemoUsers::CheapestChannels(size_t n) {
  v1::GetChannelReportRequest r;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  *r.mutable_period()->mutable_start() =
      platform::ToProtoTime(absl::FromCivil(today, absl::UTCTimeZone()));
  *r.mutable_period()->mutable_end() =
      platform::ToProtoTime(absl::FromCivil(today + 1, absl::UTCTimeZone()));
  r.set_model(v1::ATTRIBUTION_MODEL_W_SHAPED);
  r.set_group_by(v1::REPORT_GROUPING_CHANNEL);
  v1::GetChannelReportResponse out;
  std::vector<ChannelCost> costs;
  if (!Check(attribution_->GetChannelReport(As(kOperator).get(), r, &out), "GetChannelReport")) {
    return costs;
  }
  for (const auto& row : out.rows()) {
    if (row.customers_won() <= 0 || !row.has_cac()) continue;
    costs.push_back(
        {row.group(), row.customers_won(), row.cac().minor_units(), row.cac().currency()});
  }
  std::sort(costs.begin(), costs.end(),
            [](const auto& a, const auto& b) { return a.cac_minor < b.cac_minor; });
  if (costs.size() > n) costs.resize(n);
  return costs;
}

}  // namespace firstline::demo
