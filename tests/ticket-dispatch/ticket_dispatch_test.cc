// ticket-dispatch through its real gRPC API and offer streams (real Redis, mock Kafka).
#include "ticket-dispatch/ticket_dispatch_fixture.h"

namespace firstline::ticket_dispatch::testing {
namespace {

TEST_F(TicketDispatchFixture, EngineersStreamReceivesTheOfferAndAcceptsIt) {
  AddEngineer("eng-a", "field");
  auto ctx = As(Engineer("eng-a"));
  auto stream = field_->WatchOffers(ctx.get(), v1::FieldEngineerWatchOffersRequest());
  // The stream is presence: wait until the engine counts it.
  for (int i = 0; i < 100; ++i) {
    auto s = runtime_->redis().Command({"HGET", "{rt:tickets}:w:eng-a", "streams"});
    if (s.ok() && s->str == "1") break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("t1", "acct-1"), &t).ok());
  ASSERT_EQ(t.status(), v1::TICKET_STATUS_OFFERED);
  v1::FieldEngineerWatchOffersResponse m;
  ASSERT_TRUE(stream->Read(&m));
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_OFFERED);
  EXPECT_EQ(m.ticket().ticket_id(), t.ticket_id());
  EXPECT_EQ(m.ticket().product().module(), "finance");
  v1::AcceptOfferResponse accepted;
  ASSERT_TRUE(Accept("eng-a", m.offer_id(), &accepted).ok());
  EXPECT_TRUE(accepted.became_owner());  // first responder becomes the service owner
  EXPECT_EQ(accepted.ticket().status(), v1::TICKET_STATUS_ASSIGNED);
  ASSERT_TRUE(stream->Read(&m));
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_ASSIGNED);
  ctx->TryCancel();
  stream->Finish();
}

TEST_F(TicketDispatchFixture, ShutdownEndsOpenOfferStreamsAtOnceSoAppsReconnectElsewhere) {
  AddEngineer("eng-a", "field");
  auto ctx = As(Engineer("eng-a"));
  auto stream = field_->WatchOffers(ctx.get(), v1::FieldEngineerWatchOffersRequest());
  auto streams = [&] {
    auto s = runtime_->redis().Command({"HGET", "{rt:tickets}:w:eng-a", "streams"});
    return s.ok() ? s->str : "?";
  };
  for (int i = 0; i < 100 && streams() != "1"; ++i) absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(streams(), "1");

  // The stream never ends by itself: without being ended it would hold the whole drain grace
  // and then be cancelled, telling the app nothing.
  runtime_->Shutdown();
  v1::FieldEngineerWatchOffersResponse m;
  EXPECT_FALSE(stream->Read(&m));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("shutting down"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(streams(), "0");  // presence off before the server stopped
}

TEST_F(TicketDispatchFixture, BroadcastP1GoesToTheFirstAcceptorAndTheRacerIsRefused) {
  AddEngineer("eng-a", "field");
  AddEngineer("eng-b", "field");
  AddEngineer("eng-c", "field", {"pos"});  // lacks the skills: never offered
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("p1", "acct-1", v1::SEVERITY_P1), &t).ok());
  ASSERT_EQ(t.dispatch().offered_to_size(), 2);
  auto offers = engine_->PendingOffers("eng-a");
  auto other = engine_->PendingOffers("eng-b");
  ASSERT_TRUE(offers.ok() && other.ok());
  ASSERT_EQ(offers->size(), 1u);
  ASSERT_EQ(other->size(), 1u);
  ASSERT_TRUE(Accept("eng-b", other->front().offer_id).ok());
  grpc::Status late = Accept("eng-a", offers->front().offer_id);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << late.error_message();
  EXPECT_EQ(Get(t.ticket_id()).dispatch().engineer_id(), "eng-b");
}

TEST_F(TicketDispatchFixture, ReconnectReplaysThePendingOffer) {
  AddEngineer("eng-a", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("r1", "acct-1"), &t).ok());
  ASSERT_EQ(t.dispatch().offered_to(0), "eng-a");
  auto ctx = As(Engineer("eng-a"));
  auto stream = field_->WatchOffers(ctx.get(), v1::FieldEngineerWatchOffersRequest());
  v1::FieldEngineerWatchOffersResponse m;
  ASSERT_TRUE(stream->Read(&m));
  EXPECT_TRUE(m.replayed());
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_OFFERED);
  EXPECT_EQ(m.ticket().ticket_id(), t.ticket_id());
  ctx->TryCancel();
  stream->Finish();
}

TEST_F(TicketDispatchFixture, ExpiredOfferIsDispatchedAgain) {
  AddEngineer("eng-a", "field");
  AddEngineer("eng-b", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("x1", "acct-1"), &t).ok());
  const std::string first = t.dispatch().offered_to(0);
  clock_.Advance(absl::Minutes(121));                    // offers last 2 h
  SetAvailability("eng-a", v1::AVAILABILITY_AVAILABLE);  // both still present
  SetAvailability("eng-b", v1::AVAILABILITY_AVAILABLE);
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->expired_offers, 1);
  v1::Ticket now = Get(t.ticket_id());
  EXPECT_EQ(now.status(), v1::TICKET_STATUS_OFFERED);
  ASSERT_EQ(now.dispatch().offered_to_size(), 1);
  EXPECT_NE(now.dispatch().offered_to(0), first);  // the next candidate
}

TEST_F(TicketDispatchFixture, OwnerAwayIsCoveredAndKeepsTheAccount) {
  AddEngineer("eng-a", "field");
  v1::Ticket t1;
  ASSERT_TRUE(Create(TicketRequest("o1", "acct-9"), &t1).ok());
  v1::AcceptOfferResponse a;
  ASSERT_TRUE(Accept("eng-a", engine_->PendingOffers("eng-a")->front().offer_id, &a).ok());
  ASSERT_TRUE(a.became_owner());
  AddEngineer("eng-b", "field");
  v1::Ticket t2;
  ASSERT_TRUE(Create(TicketRequest("o2", "acct-9"), &t2).ok());
  EXPECT_EQ(t2.dispatch().offered_to(0), "eng-a");  // the service owner first
  EXPECT_EQ(t2.dispatch().rule(), "default");
  SetAvailability("eng-a", v1::AVAILABILITY_AWAY);
  v1::Ticket t3;
  ASSERT_TRUE(Create(TicketRequest("o3", "acct-9"), &t3).ok());
  ASSERT_EQ(t3.dispatch().offered_to(0), "eng-b");
  v1::AcceptOfferResponse covered;
  ASSERT_TRUE(Accept("eng-b", engine_->PendingOffers("eng-b")->front().offer_id, &covered).ok());
  EXPECT_FALSE(covered.became_owner());
  EXPECT_EQ(engine_->Owner("acct-9")->value_or(""), "eng-a");
}

TEST_F(TicketDispatchFixture, MissedAcceptDeadlineFlagsEscalatesAndEmitsABreach) {
  AddEngineer("eng-a", "field");
  AddEngineer("sup-1", "supervisors");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("s1", "acct-1", v1::SEVERITY_P2), &t).ok());
  ASSERT_EQ(t.dispatch().offered_to(0), "eng-a");
  // No contract: billable, so the P2 accept deadline is 2 x 30 min (the offer lasts 2 h).
  EXPECT_EQ(t.sla().accept_due().seconds() - t.created_at().seconds(), 3600);
  clock_.Advance(absl::Minutes(59));
  ASSERT_TRUE(desk_->Sweep().ok());
  EXPECT_FALSE(Get(t.ticket_id()).flagged());
  clock_.Advance(absl::Minutes(2));
  SetAvailability("sup-1", v1::AVAILABILITY_AVAILABLE);
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_GE(sweep->breaches, 1);
  v1::Ticket now = Get(t.ticket_id());
  EXPECT_TRUE(now.flagged());
  ASSERT_EQ(now.sla().breached_size(), 1);
  EXPECT_EQ(now.sla().breached(0), "accept");
  EXPECT_EQ(now.dispatch().offered_to(0), "sup-1");  // escalated to the supervisors
  // TicketCreated, OutOfEntitlement, offered, TicketSlaBreached, rescinded, offered.
  bool breach = false;
  for (const auto& e : ReadTicketEvents(6)) {
    if (e.has_ticket_sla_breached()) {
      breach = true;
      EXPECT_EQ(e.ticket_sla_breached().ticket_id(), t.ticket_id());
      EXPECT_EQ(e.ticket_sla_breached().deadline(), "accept");
    }
  }
  EXPECT_TRUE(breach);
}

TEST_F(TicketDispatchFixture, OutOfEntitlementIsBillableFlaggedByEventAndCoveredOneIsNot) {
  AddEngineer("eng-a", "field");
  // An expired contract for acct-old, an active one for acct-new.
  const absl::Time now = clock_.Now();
  ASSERT_TRUE(
      book_->ApplyContract("acct-old", "c-old", now - absl::Hours(24 * 10), 1, true, {"erp"}).ok());
  ASSERT_TRUE(
      book_->ApplyContract("acct-new", "c-new", now + absl::Hours(24 * 200), 1, true, {"erp"})
          .ok());
  v1::Ticket billable, covered;
  ASSERT_TRUE(Create(TicketRequest("e1", "acct-old"), &billable).ok());
  ASSERT_TRUE(Create(TicketRequest("e2", "acct-new"), &covered).ok());
  EXPECT_TRUE(billable.entitlement().billable());
  EXPECT_FALSE(billable.entitlement().covered());
  EXPECT_EQ(billable.entitlement().contract_id(), "c-old");
  EXPECT_TRUE(covered.entitlement().covered());
  EXPECT_EQ(covered.entitlement().contract_id(), "c-new");
  int out_of_entitlement = 0;
  for (const auto& e : ReadTicketEvents(4)) {
    if (e.has_out_of_entitlement()) {
      ++out_of_entitlement;
      EXPECT_EQ(e.out_of_entitlement().ticket_id(), billable.ticket_id());
      EXPECT_EQ(e.out_of_entitlement().expired_contract_id(), "c-old");
    }
  }
  EXPECT_EQ(out_of_entitlement, 1);
}

// The entitlement is decided inside the create script: the answer, the stored ticket and the
// TicketCreated event must agree, with the SLA of the variant that applied.
TEST_F(TicketDispatchFixture, EntitlementAndSlaComeFromTheContractsAsTheTicketIsWritten) {
  AddEngineer("eng-a", "field");
  const absl::Time now = clock_.Now();
  const absl::Duration day = absl::Hours(24);
  // acct-b: nothing active covers erp, so billable, naming the contract that ends last.
  ASSERT_TRUE(book_->ApplyContract("acct-b", "c-pos", now + 300 * day, 1, true, {"pos"}).ok());
  ASSERT_TRUE(book_->ApplyContract("acct-b", "c-ended", now - 10 * day, 1, true, {"erp"}).ok());
  ASSERT_TRUE(book_->ApplyContract("acct-b", "c-off", now + 100 * day, 2, false, {"erp"}).ok());
  // acct-c: two active ones cover erp; the one that ends last covers the ticket.
  ASSERT_TRUE(book_->ApplyContract("acct-c", "c-short", now + 50 * day, 1, true, {"erp"}).ok());
  ASSERT_TRUE(
      book_->ApplyContract("acct-c", "c-long", now + 200 * day, 1, true, {"pos", "erp"}).ok());
  v1::Ticket billable, covered;
  ASSERT_TRUE(Create(TicketRequest("m1", "acct-b"), &billable).ok());
  ASSERT_TRUE(Create(TicketRequest("m2", "acct-c"), &covered).ok());

  EXPECT_TRUE(billable.entitlement().billable());
  EXPECT_FALSE(billable.entitlement().covered());
  EXPECT_EQ(billable.entitlement().contract_id(), "c-off");
  EXPECT_EQ(billable.entitlement().service_end().seconds(), absl::ToUnixSeconds(now + 100 * day));
  EXPECT_TRUE(covered.entitlement().covered());
  EXPECT_FALSE(covered.entitlement().billable());
  EXPECT_EQ(covered.entitlement().contract_id(), "c-long");
  EXPECT_EQ(covered.entitlement().service_end().seconds(), absl::ToUnixSeconds(now + 200 * day));
  // P3: accept in 2 h and resolve in 24 h when covered, twice that when billable.
  const int64_t at = absl::ToUnixSeconds(now);
  EXPECT_EQ(covered.sla().accept_due().seconds(), at + 2 * 3600);
  EXPECT_EQ(covered.sla().resolve_due().seconds(), at + 24 * 3600);
  EXPECT_EQ(billable.sla().accept_due().seconds(), at + 4 * 3600);
  EXPECT_EQ(billable.sla().resolve_due().seconds(), at + 48 * 3600);

  for (const v1::Ticket& answered : {billable, covered}) {
    const v1::Ticket stored = Get(answered.ticket_id());
    EXPECT_EQ(stored.entitlement().SerializeAsString(), answered.entitlement().SerializeAsString())
        << answered.ticket_id();
    EXPECT_EQ(stored.sla().accept_due().seconds(), answered.sla().accept_due().seconds());
    EXPECT_EQ(stored.sla().resolve_due().seconds(), answered.sla().resolve_due().seconds());
  }
  int created = 0, out_of_entitlement = 0;
  // Two TicketCreated, one OutOfEntitlement and the routing engine's two offers.
  for (const auto& e : ReadTicketEvents(5)) {
    if (e.has_ticket_created()) {
      ++created;
      const v1::Ticket& t = e.ticket_created().ticket();
      const v1::Ticket& answered = t.ticket_id() == billable.ticket_id() ? billable : covered;
      EXPECT_EQ(e.partition_key(), answered.account_id());
      EXPECT_EQ(t.entitlement().SerializeAsString(), answered.entitlement().SerializeAsString());
      EXPECT_EQ(t.sla().resolve_due().seconds(), answered.sla().resolve_due().seconds());
      EXPECT_EQ(t.description(), "month-end close fails");
    }
    if (e.has_out_of_entitlement()) {
      ++out_of_entitlement;
      EXPECT_EQ(e.out_of_entitlement().ticket_id(), billable.ticket_id());
      EXPECT_EQ(e.out_of_entitlement().account_id(), "acct-b");
      EXPECT_EQ(e.out_of_entitlement().product_line(), "erp");
      EXPECT_EQ(e.out_of_entitlement().expired_contract_id(), "c-off");
      EXPECT_EQ(e.out_of_entitlement().expired_at().seconds(),
                absl::ToUnixSeconds(now + 100 * day));
    }
  }
  EXPECT_EQ(created, 2);
  EXPECT_EQ(out_of_entitlement, 1);
}

TEST_F(TicketDispatchFixture, BadTicketsNameEveryFieldAndTransitionsAreChecked) {
  auto bad = TicketRequest("b1", "");
  bad.set_severity(v1::SEVERITY_UNSPECIFIED);
  bad.set_needs_on_site(true);
  bad.mutable_appointment()->mutable_start()->set_seconds(1'790'000'000 - 7200);
  bad.mutable_appointment()->mutable_end()->set_seconds(1'790'000'000 - 9000);
  bad.mutable_appointment()->set_time_zone("Asia/Shanghai");
  grpc::Status st = Create(bad, nullptr);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field :
       {"account_id", "severity", "appointment.end", "appointment", "location.address"}) {
    EXPECT_NE(st.error_message().find(field), std::string::npos)
        << field << " in " << st.error_message();
  }
  auto keys = runtime_->redis().Command({"KEYS", "{td}:t:*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->elements.empty()) << "nothing written on a bad ticket";

  AddEngineer("eng-a", "field");
  AddEngineer("eng-b", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("b2", "acct-1"), &t).ok());
  auto update = [&](const std::string& who, v1::TicketStatus s) {
    return UpdateStatus(Engineer(who), t.ticket_id(), s);
  };
  EXPECT_EQ(update(t.dispatch().offered_to(0), v1::TICKET_STATUS_RESOLVED).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not accepted yet
  const std::string assignee = t.dispatch().offered_to(0);
  ASSERT_TRUE(Accept(assignee, engine_->PendingOffers(assignee)->front().offer_id).ok());
  const std::string other = assignee == "eng-a" ? "eng-b" : "eng-a";
  EXPECT_EQ(update(other, v1::TICKET_STATUS_RESOLVED).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // another engineer's ticket
  EXPECT_TRUE(update(assignee, v1::TICKET_STATUS_EN_ROUTE).ok());
  EXPECT_TRUE(update(assignee, v1::TICKET_STATUS_RESOLVED).ok());
  EXPECT_EQ(Get(t.ticket_id()).status(), v1::TICKET_STATUS_RESOLVED);
}

}  // namespace
}  // namespace firstline::ticket_dispatch::testing

namespace firstline::ticket_dispatch::testing {
namespace {

TEST_F(TicketDispatchFixture, ResolutionSchedulesAFollowUpAndTheScoreIsRecordedOnce) {
  AddEngineer("eng-a", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("f1", "acct-1"), &t).ok());
  ASSERT_TRUE(Accept("eng-a", engine_->PendingOffers("eng-a")->front().offer_id).ok());
  v1::Ticket resolved;
  ASSERT_TRUE(UpdateStatus(Engineer("eng-a"), t.ticket_id(), v1::TICKET_STATUS_RESOLVED,
                           "patched the closing job", &resolved)
                  .ok());
  EXPECT_EQ(resolved.resolution_notes(), "patched the closing job");
  auto score = [&](int s) {
    v1::RecordSatisfactionRequest req;
    req.set_ticket_id(t.ticket_id());
    req.set_score(s);
    req.set_comment("quick and friendly");
    v1::RecordSatisfactionResponse resp;
    auto c = As(kHotline);
    return tickets_->RecordSatisfaction(c.get(), req, &resp);
  };
  EXPECT_EQ(score(9).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(score(5).ok());
  EXPECT_EQ(score(4).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Get(t.ticket_id()).satisfaction().score(), 5);
  bool follow_up = false, recorded = false;
  // created, out of entitlement, offered, assigned, owner set, status changed, resolved,
  // satisfaction recorded.
  for (const auto& e : ReadTicketEvents(8)) {
    if (e.has_ticket_resolved()) {
      follow_up = true;
      EXPECT_EQ(e.ticket_resolved().follow_up_due().seconds() - 1'790'000'000, 24 * 3600);
      EXPECT_EQ(e.ticket_resolved().engineer_id(), "eng-a");
    }
    if (e.has_satisfaction_recorded()) {
      recorded = true;
      EXPECT_EQ(e.satisfaction_recorded().score(), 5);
    }
  }
  EXPECT_TRUE(follow_up);
  EXPECT_TRUE(recorded);
}

}  // namespace
}  // namespace firstline::ticket_dispatch::testing

namespace firstline::ticket_dispatch::testing {
namespace {

TEST_F(TicketDispatchFixture, SweepAdoptsADispatchACrashedInstanceNeverRecorded) {
  AddEngineer("eng-a", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("c1", "acct-1"), &t).ok());
  ASSERT_EQ(t.status(), v1::TICKET_STATUS_OFFERED);
  // As if the dispatch had not been recorded: the ticket is back in the stuck queue as NEW.
  ASSERT_TRUE(runtime_->redis()
                  .Command({"HSET", "{td}:t:" + t.ticket_id(), "status", "new", "offered", ""})
                  .ok());
  ASSERT_TRUE(runtime_->redis().Command({"ZADD", "{td}:unrouted", "0", t.ticket_id()}).ok());
  clock_.Advance(absl::Seconds(31));
  SetAvailability("eng-a", v1::AVAILABILITY_AVAILABLE);
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->rerouted, 1);
  v1::Ticket now = Get(t.ticket_id());
  EXPECT_EQ(now.status(), v1::TICKET_STATUS_OFFERED);
  ASSERT_EQ(now.dispatch().offered_to_size(), 1);
  EXPECT_EQ(now.dispatch().offered_to(0), "eng-a");
}

}  // namespace
}  // namespace firstline::ticket_dispatch::testing

namespace firstline::ticket_dispatch::testing {
namespace {

TEST_F(TicketDispatchFixture, AHandedBackTicketIsDispatchedAgainAtOnceFlaggedToASupervisor) {
  AddEngineer("eng-a", "field");
  v1::Ticket t;
  ASSERT_TRUE(Create(TicketRequest("hb-1", "acct-1"), &t).ok());
  AcceptTheOffer("eng-a");
  AddEngineer("boss", "supervisors");  // joins after the first round: that one went to eng-a
  EXPECT_EQ(
      UpdateStatus(Engineer("eng-a"), t.ticket_id(), v1::TICKET_STATUS_ASSIGNED, "").error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);  // handing back needs notes
  EXPECT_EQ(UpdateStatus(Engineer("boss"), t.ticket_id(), v1::TICKET_STATUS_ASSIGNED, "not mine")
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // only the assignee hands it back
  v1::Ticket handed;
  ASSERT_TRUE(UpdateStatus(Engineer("eng-a"), t.ticket_id(), v1::TICKET_STATUS_ASSIGNED,
                           "needs a database specialist", &handed)
                  .ok());
  // A new round at once, under the escalation rule, not back to the engineer who gave up.
  EXPECT_EQ(handed.status(), v1::TICKET_STATUS_OFFERED);
  EXPECT_TRUE(handed.flagged());
  EXPECT_EQ(handed.dispatch().rule(), "escalated");
  ASSERT_EQ(handed.dispatch().offered_to_size(), 1);
  EXPECT_EQ(handed.dispatch().offered_to(0), "boss");
  EXPECT_TRUE(handed.dispatch().engineer_id().empty());
  // eng-a no longer holds it: its list is empty and its capacity is free again.
  v1::ListTicketsRequest mine;
  v1::ListTicketsResponse listed;
  auto ctx = As(Engineer("eng-a"));
  ASSERT_TRUE(tickets_->ListTickets(ctx.get(), mine, &listed).ok());
  EXPECT_EQ(listed.tickets_size(), 0);
  auto load = runtime_->redis().Command({"HGET", "{rt:tickets}:w:eng-a", "load"});
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load->str, "0");
  AcceptTheOffer("boss");
  const v1::Ticket taken = Get(t.ticket_id());
  EXPECT_EQ(taken.status(), v1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(taken.dispatch().engineer_id(), "boss");
  EXPECT_TRUE(taken.flagged());
  auto handed_by = [](const v1::Ticket& x) {
    return std::vector<std::string>(x.dispatch().handed_back_by().begin(),
                                    x.dispatch().handed_back_by().end());
  };
  EXPECT_EQ(handed_by(taken), std::vector<std::string>{"eng-a"});

  // The supervisor gives up too: neither of them is offered it again, though both are free
  // and fit; the field engineer who joined meanwhile is.
  AddEngineer("eng-b", "field");
  v1::Ticket third;
  ASSERT_TRUE(UpdateStatus(Engineer("boss"), t.ticket_id(), v1::TICKET_STATUS_ASSIGNED,
                           "customer's server is down", &third)
                  .ok());
  ASSERT_EQ(third.dispatch().offered_to_size(), 1);
  EXPECT_EQ(third.dispatch().offered_to(0), "eng-b");
  EXPECT_EQ(handed_by(third), (std::vector<std::string>{"eng-a", "boss"}));
  v1::DeclineOfferRequest decline;
  decline.set_offer_id(engine_->PendingOffers("eng-b")->front().offer_id);
  decline.set_reason("on leave tomorrow");
  v1::DeclineOfferResponse declined;
  auto by_b = As(Engineer("eng-b"));
  ASSERT_TRUE(field_->DeclineOffer(by_b.get(), decline, &declined).ok());
  EXPECT_EQ(Get(t.ticket_id()).status(), v1::TICKET_STATUS_PARKED);  // nobody else fits
}

TEST_F(TicketDispatchFixture, ClosedTicketsAreArchivedAfterTheirRetentionOpenOnesNever) {
  AddEngineer("eng-p", "field", {"erp", "erp:v9", "erp:finance"}, "partner-x");
  auto move = [&](const std::string& engineer, const std::string& org, const std::string& id,
                  bool resolved) {
    grpc::Status st =
        UpdateStatus(Engineer(engineer, org), id,
                     resolved ? v1::TICKET_STATUS_RESOLVED : v1::TICKET_STATUS_ASSIGNED,
                     "tried the closing job");
    ASSERT_TRUE(st.ok()) << st.error_message();
  };
  // Assigned to a partner's engineer, handed back, then resolved by the vendor's: the ticket
  // is listed for both organisations until it is archived.
  v1::Ticket twice;
  ASSERT_TRUE(Create(TicketRequest("ar-1", "acct-1"), &twice).ok());
  AcceptTheOffer("eng-p", "partner-x");
  SetAvailability("eng-p", v1::AVAILABILITY_OFFLINE, "partner-x");
  AddEngineer("eng-a", "field");
  move("eng-p", "partner-x", twice.ticket_id(), false);
  // Handed back: dispatched again at once, flagged (a new round under its own engine item).
  const v1::Ticket again = Get(twice.ticket_id());
  EXPECT_EQ(again.status(), v1::TICKET_STATUS_OFFERED);
  EXPECT_TRUE(again.flagged());
  ASSERT_EQ(again.dispatch().offered_to_size(), 1);
  EXPECT_EQ(again.dispatch().offered_to(0), "eng-a");
  AcceptTheOffer("eng-a");
  move("eng-a", "vendor", twice.ticket_id(), true);
  v1::Ticket cancelled;
  ASSERT_TRUE(Create(TicketRequest("ar-2", "acct-2"), &cancelled).ok());
  {
    v1::CancelTicketRequest req;
    req.set_ticket_id(cancelled.ticket_id());
    req.set_reason("raised twice");
    v1::CancelTicketResponse resp;
    auto ctx = As(kOperator);
    ASSERT_TRUE(tickets_->CancelTicket(ctx.get(), req, &resp).ok());
  }
  v1::Ticket open;
  ASSERT_TRUE(Create(TicketRequest("ar-3", "acct-3"), &open).ok());
  AcceptTheOffer("eng-a");

  auto& redis = runtime_->redis();
  auto indexed = [&](const std::string& index, const std::string& id) {
    return firstline::testing::InSortedSet(redis, index, id);
  };
  ASSERT_TRUE(indexed("{td}:ot:partner-x", twice.ticket_id()));
  ASSERT_TRUE(indexed("{td}:ot:vendor", twice.ticket_id()));

  clock_.Advance(absl::Hours(24 * 399));  // the default retention is 400 days from the close
  auto early = desk_->Sweep();
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->archived, 0);
  clock_.Advance(absl::Hours(48));
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->archived, 2);
  for (const v1::Ticket* gone : {&twice, &cancelled}) {
    const std::string& id = gone->ticket_id();
    v1::GetTicketRequest req;
    req.set_ticket_id(id);
    v1::GetTicketResponse resp;
    auto ctx = As(kOperator);
    EXPECT_EQ(tickets_->GetTicket(ctx.get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
    auto exists = redis.Command({"EXISTS", "{td}:t:" + id});
    ASSERT_TRUE(exists.ok());
    EXPECT_EQ(exists->integer, 0) << id;
    for (const std::string& index :
         {std::string("{td}:tickets"), "{td}:at:" + gone->account_id(),
          std::string("{td}:et:eng-a"), std::string("{td}:ot:vendor"),
          std::string("{td}:ot:partner-x"), std::string("{td}:closed")}) {
      EXPECT_FALSE(indexed(index, id)) << index << " still lists " << id;
    }
  }
  // The open ticket stays, however old, in every index.
  EXPECT_EQ(Get(open.ticket_id()).status(), v1::TICKET_STATUS_ASSIGNED);
  for (const std::string& index : {std::string("{td}:tickets"), std::string("{td}:at:acct-3"),
                                   std::string("{td}:et:eng-a"), std::string("{td}:ot:vendor")}) {
    EXPECT_TRUE(indexed(index, open.ticket_id())) << index;
  }
  auto idle = desk_->Sweep();
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->archived, 0);
}

}  // namespace
}  // namespace firstline::ticket_dispatch::testing
