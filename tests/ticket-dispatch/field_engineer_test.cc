// The engineers' side of ticket-dispatch through its real gRPC API (real Redis, mock Kafka):
// who sees and acts on which ticket, declining, and the on-duty roster.
#include <google/protobuf/util/time_util.h>

#include "ticket-dispatch/ticket_dispatch_fixture.h"

namespace firstline::ticket_dispatch::testing {
namespace {

class FieldEngineerTest : public TicketDispatchFixture {
 protected:
  grpc::StatusCode GetAs(const Principal& who, const std::string& ticket_id) {
    v1::GetTicketRequest req;
    req.set_ticket_id(ticket_id);
    v1::GetTicketResponse resp;
    auto ctx = As(who);
    return tickets_->GetTicket(ctx.get(), req, &resp).error_code();
  }

  // Ticket ids listed for `who` (engineer_id as given), or the error code.
  std::pair<grpc::StatusCode, std::vector<std::string>> ListAs(const Principal& who,
                                                               const std::string& engineer_id) {
    v1::ListTicketsRequest req;
    req.set_engineer_id(engineer_id);
    v1::ListTicketsResponse resp;
    auto ctx = As(who);
    grpc::Status st = tickets_->ListTickets(ctx.get(), req, &resp);
    std::vector<std::string> ids;
    for (const auto& t : resp.tickets()) ids.push_back(t.ticket_id());
    return {st.error_code(), ids};
  }

  grpc::Status SetRoster(const std::string& date,
                         const std::vector<std::pair<std::string, std::vector<std::string>>>& who) {
    v1::SetShiftRosterRequest req;
    req.set_date(date);
    for (const auto& [engineer, spans] : who) {
      auto* e = req.add_entries();
      e->set_engineer_id(engineer);
      for (size_t i = 0; i + 1 < spans.size(); i += 2) {
        auto* s = e->add_spans();
        s->set_start(spans[i]);
        s->set_end(spans[i + 1]);
      }
    }
    v1::SetShiftRosterResponse resp;
    auto ctx = As(kOperator);
    return field_->SetShiftRoster(ctx.get(), req, &resp);
  }
};

TEST_F(FieldEngineerTest, EngineersAndPartnersSeeAndActOnlyOnTheirOwnTickets) {
  const Principal partner{"dispatcher-x", PrincipalKind::kPartner, "partner-x"};
  const Principal other_partner{"dispatcher-y", PrincipalKind::kPartner, "partner-y"};
  AddEngineer("eng-a", "field");
  AddEngineer("eng-p", "field", {"erp", "erp:v9", "erp:finance"}, "partner-x");
  SetAvailability("eng-p", v1::AVAILABILITY_OFFLINE, "partner-x");
  v1::Ticket own;  // the vendor's engineer's
  ASSERT_TRUE(Create(TicketRequest("t1", "acct-1"), &own).ok());
  AcceptTheOffer("eng-a");
  SetAvailability("eng-a", v1::AVAILABILITY_OFFLINE);
  SetAvailability("eng-p", v1::AVAILABILITY_AVAILABLE, "partner-x");
  v1::Ticket theirs;  // the partner's engineer's
  ASSERT_TRUE(Create(TicketRequest("t2", "acct-2"), &theirs).ok());
  AcceptTheOffer("eng-p", "partner-x");

  EXPECT_EQ(GetAs(Engineer("eng-a"), own.ticket_id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetAs(Engineer("eng-p", "partner-x"), own.ticket_id()),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetAs(partner, own.ticket_id()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetAs(partner, theirs.ticket_id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetAs(other_partner, theirs.ticket_id()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetAs(Engineer("eng-a"), theirs.ticket_id()), grpc::StatusCode::PERMISSION_DENIED);

  using Listed = std::pair<grpc::StatusCode, std::vector<std::string>>;
  EXPECT_EQ(ListAs(Engineer("eng-p", "partner-x"), ""),
            Listed(grpc::StatusCode::OK, {theirs.ticket_id()}));
  EXPECT_EQ(ListAs(Engineer("eng-p", "partner-x"), "eng-a").first,
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListAs(partner, ""), Listed(grpc::StatusCode::OK, {theirs.ticket_id()}));
  EXPECT_EQ(ListAs(other_partner, ""), Listed(grpc::StatusCode::OK, {}));
  EXPECT_EQ(ListAs(kOperator, "eng-a"), Listed(grpc::StatusCode::OK, {own.ticket_id()}));

  auto explain = [&](const Principal& who, const std::string& id) {
    v1::TicketDeskExplainAssignmentRequest req;
    req.set_ticket_id(id);
    v1::TicketDeskExplainAssignmentResponse resp;
    auto ctx = As(who);
    grpc::Status st = tickets_->ExplainAssignment(ctx.get(), req, &resp);
    return std::make_pair(st.error_code(), resp.receipts_json_size());
  };
  EXPECT_EQ(explain(partner, own.ticket_id()).first, grpc::StatusCode::PERMISSION_DENIED);
  auto seen = explain(Engineer("eng-a"), own.ticket_id());
  EXPECT_EQ(seen.first, grpc::StatusCode::OK);
  EXPECT_GE(seen.second, 1);

  // Only the assignee moves a ticket on.
  v1::UpdateTicketStatusRequest move;
  move.set_ticket_id(own.ticket_id());
  move.set_status(v1::TICKET_STATUS_EN_ROUTE);
  *move.mutable_eta() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(clock_.Now() + absl::Minutes(40)));
  v1::UpdateTicketStatusResponse moved;
  auto by_other = As(Engineer("eng-p", "partner-x"));
  EXPECT_EQ(field_->UpdateTicketStatus(by_other.get(), move, &moved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  auto by_owner = As(Engineer("eng-a"));
  ASSERT_TRUE(field_->UpdateTicketStatus(by_owner.get(), move, &moved).ok());
  EXPECT_EQ(moved.ticket().status(), v1::TICKET_STATUS_EN_ROUTE);
}

TEST_F(FieldEngineerTest, ADeclinedOfferGoesToTheNextEngineerWithTheReasonOnTheBus) {
  AddEngineer("eng-a", "field");
  AddEngineer("eng-b", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("d1", "acct-1"), &t).ok());
  ASSERT_EQ(t.dispatch().offered_to_size(), 1);
  const std::string first = t.dispatch().offered_to(0);
  const std::string second = first == "eng-a" ? "eng-b" : "eng-a";
  auto offers = engine_->PendingOffers(first);
  ASSERT_TRUE(offers.ok() && offers->size() == 1);
  const std::string offer_id = offers->front().offer_id;

  auto decline = [&](const std::string& engineer, const std::string& reason) {
    v1::DeclineOfferRequest req;
    req.set_offer_id(offer_id);
    req.set_reason(reason);
    v1::DeclineOfferResponse resp;
    auto ctx = As(Engineer(engineer));
    return field_->DeclineOffer(ctx.get(), req, &resp);
  };
  EXPECT_EQ(decline(second, "not mine").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(decline(first, std::string(501, 'x')).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(decline(first, "no spare parts for this module").ok());

  const v1::Ticket now = Get(t.ticket_id());
  EXPECT_EQ(now.status(), v1::TICKET_STATUS_OFFERED);
  ASSERT_EQ(now.dispatch().offered_to_size(), 1);
  EXPECT_EQ(now.dispatch().offered_to(0), second);
  // The decliner cannot take it back.
  v1::AcceptOfferRequest late;
  late.set_offer_id(offer_id);
  v1::AcceptOfferResponse resp;
  auto ctx = As(Engineer(first));
  EXPECT_EQ(field_->AcceptOffer(ctx.get(), late, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  bool declined = false;
  for (const auto& e : firstline::testing::ReadEnvelopesUntil(
           kafka_, std::string(platform::topics::kTickets),
           [](const v1::Envelope& e) { return e.has_work_item_declined(); })) {
    if (e.has_work_item_declined()) {
      declined = true;
      EXPECT_EQ(e.work_item_declined().worker_id(), first);
      EXPECT_EQ(e.work_item_declined().reason(), "no spare parts for this module");
    }
  }
  EXPECT_TRUE(declined);
}

TEST_F(FieldEngineerTest, TheRosterAndRemovalDecideWhoIsOffered) {
  AddEngineer("eng-a", "field");
  AddEngineer("eng-b", "field");
  const std::string today = absl::FormatTime("%Y-%m-%d", clock_.Now(), absl::UTCTimeZone());
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%d", clock_.Now() + absl::Hours(24), absl::UTCTimeZone());
  // A bad entry refuses the whole roster, naming it; nothing is applied.
  grpc::Status bad =
      SetRoster(today, {{"eng-a", {}}, {"eng-x", {}}, {"eng-b", {"10:00", "09:00"}}});
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("entries[1].engineer_id"), std::string::npos)
      << bad.error_message();
  EXPECT_NE(bad.error_message().find("entries[2].spans[0]"), std::string::npos)
      << bad.error_message();
  EXPECT_EQ(SetRoster("21-09-2026", {{"eng-a", {}}}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // eng-a is off today: every ticket today goes to eng-b.
  ASSERT_TRUE(SetRoster(today, {{"eng-a", {}}}).ok());
  std::vector<std::string> offered_to_b;
  for (int i = 0; i < 2; ++i) {
    v1::Ticket t;
    ASSERT_TRUE(Create(TicketRequest(absl::StrCat("r", i), absl::StrCat("acct-r", i)), &t).ok());
    ASSERT_EQ(t.dispatch().offered_to_size(), 1);
    EXPECT_EQ(t.dispatch().offered_to(0), "eng-b");
    offered_to_b.push_back(t.ticket_id());
  }
  // Removed, eng-b gets nothing more; with eng-a off, the ticket waits.
  v1::RemoveEngineerRequest remove;
  remove.set_engineer_id("eng-b");
  v1::RemoveEngineerResponse removed;
  auto op = As(kOperator);
  ASSERT_TRUE(field_->RemoveEngineer(op.get(), remove, &removed).ok());
  // Its pending offers end at the next sweep, not hours later; it cannot accept them meanwhile.
  auto stale = engine_->PendingOffers("eng-b");
  ASSERT_TRUE(stale.ok() && stale->size() == 2);
  v1::AcceptOfferRequest late;
  late.set_offer_id(stale->front().offer_id);
  v1::AcceptOfferResponse late_resp;
  auto as_b = As(Engineer("eng-b"));
  EXPECT_EQ(field_->AcceptOffer(as_b.get(), late, &late_resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->expired_offers, 2);
  EXPECT_TRUE(engine_->PendingOffers("eng-b")->empty());
  for (const auto& id : offered_to_b) EXPECT_EQ(Get(id).status(), v1::TICKET_STATUS_PARKED) << id;
  v1::Ticket waiting;
  ASSERT_TRUE(Create(TicketRequest("r-wait", "acct-wait"), &waiting).ok());
  EXPECT_EQ(waiting.status(), v1::TICKET_STATUS_PARKED);
  EXPECT_EQ(SetRoster(tomorrow, {{"eng-b", {}}}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The day off was only today: tomorrow eng-a, who has no weekly hours, is on duty again.
  clock_.Advance(absl::Hours(24));
  SetAvailability("eng-a", v1::AVAILABILITY_AVAILABLE);
  v1::Ticket next_day;
  ASSERT_TRUE(Create(TicketRequest("r-next", "acct-next"), &next_day).ok());
  ASSERT_EQ(next_day.dispatch().offered_to_size(), 1);
  EXPECT_EQ(next_day.dispatch().offered_to(0), "eng-a");
}

TEST_F(FieldEngineerTest, OnSiteByTheAppointmentsEndOrTheTicketIsFlaggedWithABreach) {
  AddEngineer("eng-a", "field");
  auto on_site_request = [&](const std::string& key, const std::string& account) {
    v1::CreateTicketRequest r = TicketRequest(key, account);
    r.set_needs_on_site(true);
    r.set_channel(v1::TICKET_CHANNEL_ON_SITE_REQUEST);
    auto* window = r.mutable_appointment();
    window->mutable_start()->set_seconds(absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)));
    window->mutable_end()->set_seconds(absl::ToUnixSeconds(clock_.Now() + absl::Hours(3)));
    window->set_time_zone("Asia/Shanghai");
    r.mutable_location()->set_address("No. 1 Test Road, Hangzhou");
    return r;
  };
  auto move = [&](const std::string& id, v1::TicketStatus status) {
    grpc::Status st = UpdateStatus(Engineer("eng-a"), id, status);
    EXPECT_TRUE(st.ok()) << st.error_message();
  };
  v1::Ticket late;
  ASSERT_TRUE(Create(on_site_request("os-1", "acct-1"), &late).ok());
  EXPECT_EQ(late.sla().on_site_due().seconds(), late.appointment().end().seconds());
  AcceptTheOffer("eng-a");
  move(late.ticket_id(), v1::TICKET_STATUS_EN_ROUTE);
  v1::Ticket in_time;
  ASSERT_TRUE(Create(on_site_request("os-2", "acct-2"), &in_time).ok());
  AcceptTheOffer("eng-a");
  move(in_time.ticket_id(), v1::TICKET_STATUS_EN_ROUTE);
  clock_.Advance(absl::Hours(2));
  move(in_time.ticket_id(), v1::TICKET_STATUS_ON_SITE);

  clock_.Advance(absl::Hours(1) + absl::Minutes(1));  // past the window's end
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->breaches, 1);
  const v1::Ticket flagged = Get(late.ticket_id());
  EXPECT_TRUE(flagged.flagged());
  ASSERT_EQ(flagged.sla().breached_size(), 1);
  EXPECT_EQ(flagged.sla().breached(0), "on_site");
  EXPECT_EQ(flagged.status(), v1::TICKET_STATUS_EN_ROUTE);  // still the engineer's, not re-sent
  EXPECT_FALSE(Get(in_time.ticket_id()).flagged());
  auto breach = [&](const v1::Envelope& e) {
    return e.has_ticket_sla_breached() && e.ticket_sla_breached().deadline() == "on_site";
  };
  int breaches = 0;
  for (const auto& e : firstline::testing::ReadEnvelopesUntil(
           kafka_, std::string(platform::topics::kTickets), breach)) {
    if (!breach(e)) continue;
    ++breaches;
    EXPECT_EQ(e.ticket_sla_breached().ticket_id(), late.ticket_id());
    EXPECT_EQ(e.ticket_sla_breached().engineer_id(), "eng-a");
  }
  EXPECT_EQ(breaches, 1);
  auto again = desk_->Sweep();  // claimed once
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->breaches, 0);
}

TEST_F(FieldEngineerTest, ListTicketsFiltersByStatusAccountAndFlagAndPagesNewestFirst) {
  AddEngineer("eng-a", "field");
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(1));
    v1::Ticket t;
    ASSERT_TRUE(
        Create(TicketRequest(absl::StrCat("l", i), i == 3 ? "acct-1" : "acct-0", v1::SEVERITY_P2),
               &t)
            .ok());
    ids.push_back(t.ticket_id());
  }
  // The oldest is taken; the others wait past their accept deadline (P2, billable: 1 h) and
  // are flagged.
  auto offers = engine_->PendingOffers("eng-a");
  ASSERT_TRUE(offers.ok()) << offers.status();
  auto oldest = std::find_if(offers->begin(), offers->end(),
                             [&](const auto& o) { return o.item_id == ids[0]; });
  ASSERT_NE(oldest, offers->end());
  ASSERT_TRUE(Accept("eng-a", oldest->offer_id).ok());
  clock_.Advance(absl::Minutes(61));
  ASSERT_TRUE(desk_->Sweep().ok());

  auto list = [&](v1::ListTicketsRequest req) {
    v1::ListTicketsResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = tickets_->ListTickets(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> out;
    for (const auto& t : resp.tickets()) out.push_back(t.ticket_id());
    return std::make_pair(out, resp.next_page_token());
  };
  std::vector<std::string> all;
  v1::ListTicketsRequest page;
  page.set_page_size(3);
  for (int n = 0; n < 4; ++n) {
    auto [got, next] = list(page);
    all.insert(all.end(), got.begin(), got.end());
    if (next.empty()) break;
    page.set_page_token(next);
  }
  EXPECT_EQ(all, std::vector<std::string>(ids.rbegin(), ids.rend()));
  v1::ListTicketsRequest assigned;
  assigned.add_statuses(v1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(list(assigned).first, std::vector<std::string>{ids[0]});
  v1::ListTicketsRequest of_account;
  of_account.set_account_id("acct-1");
  EXPECT_EQ(list(of_account).first, std::vector<std::string>{ids[3]});
  v1::ListTicketsRequest flagged;
  flagged.set_flagged_only(true);
  EXPECT_EQ(list(flagged).first, (std::vector<std::string>{ids[3], ids[2], ids[1]}));
  // A filtered page is filled from further down the index, not cut short where the unfiltered
  // page would end; its token continues right after the last ticket read.
  assigned.set_page_size(1);
  auto [only, after_only] = list(assigned);
  EXPECT_EQ(only, std::vector<std::string>{ids[0]});
  ASSERT_FALSE(after_only.empty());
  assigned.set_page_token(after_only);
  EXPECT_EQ(list(assigned), std::make_pair(std::vector<std::string>{}, std::string()));
  flagged.set_page_size(2);
  auto [first_two, next_flagged] = list(flagged);
  EXPECT_EQ(first_two, (std::vector<std::string>{ids[3], ids[2]}));
  flagged.set_page_token(next_flagged);
  EXPECT_EQ(list(flagged), std::make_pair(std::vector<std::string>{ids[1]}, std::string()));
  v1::ListTicketsRequest bad;
  bad.set_page_token("not-a-token");
  v1::ListTicketsResponse resp;
  auto ctx = As(kOperator);
  grpc::Status st = tickets_->ListTickets(ctx.get(), bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("page_token"), std::string::npos) << st.error_message();
}

}  // namespace
}  // namespace firstline::ticket_dispatch::testing
