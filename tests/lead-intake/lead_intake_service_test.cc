// lead-intake through its real gRPC API: real redis-server, mock Kafka cluster.
#include <map>
#include <set>

#include "lead-intake/lead_intake_fixture.h"
#include "nlohmann/json.hpp"

namespace firstline::lead_intake::testing {
namespace {

TEST_F(LeadIntakeFixture, DuplicatePhoneOrEmailIsMergedIntoTheOpenLead) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse first, second, third;
  ASSERT_TRUE(Submit(LeadRequest("k1", "138 1234 5678", "li@demo.cn"), &first).ok());
  EXPECT_FALSE(first.merged());
  // The same mobile in another format, from another campaign.
  auto again = LeadRequest("k2", "+86-138-1234-5678");
  again.mutable_source()->set_channel("baidu-sem");
  ASSERT_TRUE(Submit(again, &second).ok());
  EXPECT_TRUE(second.merged());
  EXPECT_EQ(second.lead().lead_id(), first.lead().lead_id());
  EXPECT_EQ(second.lead().merged_touches(), 1);
  // The same e-mail in capitals, another phone.
  ASSERT_TRUE(Submit(LeadRequest("k3", "13900001111", " LI@Demo.CN "), &third).ok());
  EXPECT_TRUE(third.merged());
  EXPECT_EQ(third.lead().lead_id(), first.lead().lead_id());
  EXPECT_EQ(third.lead().merged_touches(), 2);

  // Merged touches are not routed again: one offer only, and the owner is told by event.
  // LeadReceived, WorkItemOffered, LeadMerged twice.
  auto events = ReadLeadEvents(4);
  int offered = 0, merged = 0;
  for (const auto& e : events) {
    if (e.has_work_item_offered()) ++offered;
    if (e.has_lead_merged()) {
      ++merged;
      EXPECT_EQ(e.lead_merged().lead_id(), first.lead().lead_id());
      EXPECT_EQ(e.lead_merged().owner_id(), "rep-a");
      EXPECT_EQ(e.partition_key(), first.lead().account_id());
    }
  }
  EXPECT_EQ(offered, 1);
  EXPECT_EQ(merged, 2);
}

TEST_F(LeadIntakeFixture, SameIdempotencyKeyTwiceGivesOneLeadAndTheSameAnswer) {
  AddRep("rep-a", "inside-sales");
  auto req = LeadRequest("same-key", "13812345678");
  v1::SubmitLeadResponse a, b;
  ASSERT_TRUE(Submit(req, &a).ok());
  ASSERT_TRUE(Submit(req, &b).ok());
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(a.lead().status(), v1::LEAD_STATUS_OFFERED);

  v1::ListLeadsRequest list;
  v1::ListLeadsResponse page;
  auto ctx = As(kOperator);
  ASSERT_TRUE(stub_->ListLeads(ctx.get(), list, &page).ok());
  EXPECT_EQ(page.leads_size(), 1);

  // The key reused for a different lead is refused, not silently answered.
  v1::SubmitLeadResponse c;
  grpc::Status st = Submit(LeadRequest("same-key", "13900001111"), &c);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("idempotency_key"), std::string::npos);
}

TEST_F(LeadIntakeFixture, BadLeadNamesEveryBadFieldAndWritesNothing) {
  v1::SubmitLeadRequest req;
  req.set_idempotency_key("bad-1");
  req.mutable_contact()->set_phone("12345");
  req.mutable_contact()->set_email("not-an-email");
  req.mutable_company()->set_domain("nodot");
  req.set_notes(std::string(4001, 'x'));
  v1::SubmitLeadResponse resp;
  grpc::Status st = Submit(req, &resp);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field :
       {"source.channel", "contact.phone", "contact.email", "company.domain", "notes"}) {
    EXPECT_NE(st.error_message().find(field), std::string::npos)
        << field << " not named in " << st.error_message();
  }
  EXPECT_FALSE(st.error_details().empty()) << "BadRequest details missing";
  auto keys = runtime_->redis().Command({"KEYS", "{li}:lead:*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->elements.empty());
}

TEST_F(LeadIntakeFixture, StickyOwnerGetsTheAccountsNextLeadAndAwayOwnerIsCoveredKeepingIt) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse first;
  ASSERT_TRUE(
      Submit(LeadRequest("o1", "13812345678", "li@acme-retail.cn", "Acme Retail"), &first).ok());
  ASSERT_EQ(first.lead().routing().worker_id(), "rep-a");
  auto accepted = Accept("rep-a", first.lead().routing().offer_id());
  EXPECT_TRUE(accepted.became_owner());
  EXPECT_EQ(accepted.lead().status(), v1::LEAD_STATUS_ASSIGNED);
  AddRep("rep-b", "inside-sales");

  // Another person at the same company (same domain): the owner first, though rep-b is idle.
  v1::SubmitLeadResponse second;
  ASSERT_TRUE(
      Submit(LeadRequest("o2", "13900002222", "wang@acme-retail.cn", "Acme Retail"), &second).ok());
  EXPECT_FALSE(second.merged());
  EXPECT_EQ(second.lead().account_id(), first.lead().account_id());
  EXPECT_EQ(second.lead().routing().worker_id(), "rep-a");
  EXPECT_EQ(second.lead().routing().rule(), "default");

  // The owner goes away: rep-b covers, and accepting does not take the account over.
  SetAvailability("rep-a", v1::AVAILABILITY_AWAY);
  v1::SubmitLeadResponse third;
  ASSERT_TRUE(
      Submit(LeadRequest("o3", "13900003333", "zhao@acme-retail.cn", "Acme Retail"), &third).ok());
  ASSERT_EQ(third.lead().routing().worker_id(), "rep-b");
  auto covered = Accept("rep-b", third.lead().routing().offer_id());
  EXPECT_FALSE(covered.became_owner());
  auto owner = engine_->Owner(first.lead().account_id());
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(owner->value_or(""), "rep-a");
}

TEST_F(LeadIntakeFixture, MissedFirstResponseSlaEmitsBreachAndEscalatesToTheNextTarget) {
  AddRep("rep-a", "inside-sales");
  AddRep("senior-1", "senior-sales");
  v1::SubmitLeadResponse lead;
  ASSERT_TRUE(Submit(LeadRequest("s1", "13812345678"), &lead).ok());
  ASSERT_EQ(lead.lead().routing().worker_id(), "rep-a");
  ASSERT_TRUE(lead.lead().has_first_response_due());
  EXPECT_EQ(lead.lead().first_response_due().seconds() - lead.lead().received_at().seconds(), 3600);

  auto early = desk_->Sweep();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->sla_breaches, 0);
  clock_.Advance(absl::Minutes(61));
  SetAvailability("senior-1", v1::AVAILABILITY_AVAILABLE);  // still present after the hour
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->sla_breaches, 1);
  v1::Lead now;
  ASSERT_TRUE(GetLead(kOperator, lead.lead().lead_id(), &now).ok());
  EXPECT_EQ(now.routing().worker_id(), "senior-1");
  EXPECT_EQ(now.status(), v1::LEAD_STATUS_OFFERED);
  // A second sweep does not breach the same lead again.
  auto again = desk_->Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sla_breaches, 0);

  bool breach_seen = false, rescinded = false;
  for (const auto& e : ReadLeadEvents(5)) {
    if (e.has_lead_sla_breached()) {
      breach_seen = true;
      EXPECT_EQ(e.lead_sla_breached().lead_id(), lead.lead().lead_id());
      EXPECT_EQ(e.lead_sla_breached().worker_id(), "rep-a");
      EXPECT_EQ(e.lead_sla_breached().due().seconds(), lead.lead().first_response_due().seconds());
    }
    if (e.has_work_item_offer_rescinded()) rescinded = true;
  }
  EXPECT_TRUE(breach_seen);
  EXPECT_TRUE(rescinded);
}

TEST_F(LeadIntakeFixture, BulkStreamAnswersEveryLeadInOrderAndOneBadLeadFailsOnlyItself) {
  AddRep("rep-a", "inside-sales");
  auto ctx = As(kCallCentre);
  auto stream = stub_->SubmitLeads(ctx.get());
  constexpr int kLeads = 1000;
  constexpr int kBad = 500;
  int ok = 0, invalid = 0;
  for (int i = 0; i < kLeads; ++i) {
    v1::SubmitLeadsRequest req;
    *req.mutable_lead() =
        LeadRequest("bulk-" + std::to_string(i), "1380000" + std::to_string(1000 + i), "",
                    "Company " + std::to_string(i));
    if (i == kBad) req.mutable_lead()->mutable_contact()->clear_phone();
    ASSERT_TRUE(stream->Write(req));
    v1::SubmitLeadsResponse resp;
    ASSERT_TRUE(stream->Read(&resp));
    ASSERT_EQ(resp.sequence(), i);
    if (i == kBad) {
      EXPECT_EQ(resp.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      EXPECT_NE(resp.error().find("contact"), std::string::npos) << resp.error();
      ++invalid;
    } else {
      EXPECT_EQ(resp.code(), 0) << resp.error();
      EXPECT_FALSE(resp.result().lead().lead_id().empty());
      ++ok;
    }
  }
  stream->WritesDone();
  v1::SubmitLeadsResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(ok, 999);
  EXPECT_EQ(invalid, 1);
}

TEST_F(LeadIntakeFixture, EveryAcceptedLeadsEventsReachTheBus) {
  AddRep("rep-a", "inside-sales");
  std::set<std::string> accepted;
  for (int i = 0; i < 5; ++i) {
    v1::SubmitLeadResponse r;
    ASSERT_TRUE(Submit(LeadRequest("e" + std::to_string(i), "1390000000" + std::to_string(i), "",
                                   "Firm " + std::to_string(i)),
                       &r)
                    .ok());
    Accept("rep-a", r.lead().routing().offer_id());
    accepted.insert(r.lead().lead_id());
  }
  // Per lead: LeadReceived, WorkItemOffered, WorkItemAssigned (+ owner set per new account).
  auto events = ReadLeadEvents(5 * 4);
  std::map<std::string, std::set<std::string>> types;
  std::set<std::string> ids;
  for (const auto& e : events) {
    EXPECT_TRUE(ids.insert(e.event_id()).second) << "event published twice: " << e.type();
    if (e.has_lead_received()) types[e.lead_received().lead_id()].insert(e.type());
    if (e.has_work_item_offered()) types[e.work_item_offered().item().item_id()].insert(e.type());
    if (e.has_work_item_assigned()) {
      types[e.work_item_assigned().item().item_id()].insert(e.type());
    }
  }
  for (const auto& id : accepted) {
    EXPECT_EQ(types[id],
              (std::set<std::string>{"LeadReceived", "WorkItemOffered", "WorkItemAssigned"}))
        << id;
  }
}

TEST_F(LeadIntakeFixture, ReadsAcrossRepsPartnersAndCallCentresAreDenied) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse r;
  ASSERT_TRUE(Submit(LeadRequest("t1", "13812345678"), &r).ok());
  const std::string id = r.lead().lead_id();
  Accept("rep-a", r.lead().routing().offer_id());

  EXPECT_TRUE(GetLead(Rep("rep-a"), id, nullptr).ok());
  EXPECT_TRUE(GetLead(kCallCentre, id, nullptr).ok());  // the call centre that took it
  for (const Principal& outsider :
       {Rep("rep-b"), Principal{"p-user", PrincipalKind::kPartner, "partner-x"},
        Principal{"cc-9", PrincipalKind::kCallCentre, "cc-beijing"}}) {
    EXPECT_EQ(GetLead(outsider, id, nullptr).error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << outsider.subject;
    v1::ExplainAssignmentRequest ereq;
    ereq.set_lead_id(id);
    v1::ExplainAssignmentResponse eresp;
    auto ctx = As(outsider);
    grpc::Status st = stub_->ExplainAssignment(ctx.get(), ereq, &eresp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << outsider.subject;
  }
  // Lists: a rep asking for another rep's leads is refused; its own list holds only its own.
  v1::ListLeadsRequest other;
  other.set_worker_id("rep-a");
  v1::ListLeadsResponse page;
  auto ctx = As(Rep("rep-b"));
  EXPECT_EQ(stub_->ListLeads(ctx.get(), other, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto own_ctx = As(Rep("rep-b"));
  ASSERT_TRUE(stub_->ListLeads(own_ctx.get(), v1::ListLeadsRequest(), &page).ok());
  EXPECT_EQ(page.leads_size(), 0);
  auto partner_ctx = As(Principal{"p-user", PrincipalKind::kPartner, "partner-x"});
  ASSERT_TRUE(stub_->ListLeads(partner_ctx.get(), v1::ListLeadsRequest(), &page).ok());
  EXPECT_EQ(page.leads_size(), 0);
  auto a_ctx = As(Rep("rep-a"));
  ASSERT_TRUE(stub_->ListLeads(a_ctx.get(), v1::ListLeadsRequest(), &page).ok());
  ASSERT_EQ(page.leads_size(), 1);
  EXPECT_EQ(page.leads(0).lead_id(), id);

  // The rep's explanation names the rule and the candidates.
  v1::ExplainAssignmentRequest ereq;
  ereq.set_lead_id(id);
  v1::ExplainAssignmentResponse eresp;
  auto e_ctx = As(Rep("rep-a"));
  ASSERT_TRUE(stub_->ExplainAssignment(e_ctx.get(), ereq, &eresp).ok());
  ASSERT_GE(eresp.receipts_json_size(), 1);
  auto receipt = nlohmann::json::parse(eresp.receipts_json(eresp.receipts_json_size() - 1));
  EXPECT_EQ(receipt["rule"], "default");
  // The owner target was passed over (a new account has no owner), and the receipt says so.
  bool owner_note = false;
  for (const auto& c : receipt["candidates"]) {
    if (c["excluded"].is_string() &&
        c["excluded"].get<std::string>().find("no sales owner") != std::string::npos) {
      owner_note = true;
    }
  }
  EXPECT_TRUE(owner_note) << receipt.dump();
}

TEST_F(LeadIntakeFixture, StatusMovesForwardOnlyAndOnlyByTheAssignee) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse r;
  ASSERT_TRUE(Submit(LeadRequest("u1", "13812345678"), &r).ok());
  Accept("rep-a", r.lead().routing().offer_id());
  auto update = [&](const Principal& who, v1::LeadStatus s, const std::string& reason = "") {
    v1::UpdateLeadStatusRequest req;
    req.set_lead_id(r.lead().lead_id());
    req.set_status(s);
    req.set_reason(reason);
    v1::UpdateLeadStatusResponse resp;
    auto ctx = As(who);
    return stub_->UpdateLeadStatus(ctx.get(), req, &resp);
  };
  EXPECT_EQ(update(Rep("rep-b"), v1::LEAD_STATUS_CONTACTED).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(update(Rep("rep-a"), v1::LEAD_STATUS_QUALIFIED).ok());
  EXPECT_EQ(update(Rep("rep-a"), v1::LEAD_STATUS_CONTACTED).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(update(Rep("rep-a"), v1::LEAD_STATUS_DISQUALIFIED).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // needs a reason
  EXPECT_TRUE(update(Rep("rep-a"), v1::LEAD_STATUS_DISQUALIFIED, "no budget").ok());
  v1::Lead lead;
  ASSERT_TRUE(GetLead(kOperator, r.lead().lead_id(), &lead).ok());
  EXPECT_EQ(lead.status(), v1::LEAD_STATUS_DISQUALIFIED);
  EXPECT_EQ(lead.disqualified_reason(), "no budget");

  // A closed lead is no longer open: the same phone starts a new lead.
  v1::SubmitLeadResponse fresh;
  ASSERT_TRUE(Submit(LeadRequest("u2", "13812345678"), &fresh).ok());
  EXPECT_FALSE(fresh.merged());
  EXPECT_NE(fresh.lead().lead_id(), r.lead().lead_id());
}

}  // namespace
}  // namespace firstline::lead_intake::testing

namespace firstline::lead_intake::testing {
namespace {

TEST_F(LeadIntakeFixture, OfferStreamReplaysPendingOffersThenLiveChangesAndIsPresence) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse first;
  ASSERT_TRUE(Submit(LeadRequest("w1", "13800000001", "", "Firm One"), &first).ok());
  ASSERT_EQ(first.lead().routing().worker_id(), "rep-a");
  clock_.Advance(absl::Minutes(5));  // the heartbeat of SetAvailability is stale by now

  auto ctx = As(Rep("rep-a"));
  auto reader = stub_->WatchOffers(ctx.get(), v1::WatchOffersRequest());
  v1::WatchOffersResponse m;
  ASSERT_TRUE(reader->Read(&m));
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_OFFERED);
  EXPECT_TRUE(m.replayed());
  EXPECT_EQ(m.offer_id(), first.lead().routing().offer_id());
  EXPECT_EQ(m.lead().lead_id(), first.lead().lead_id());
  EXPECT_EQ(m.lead().company().name(), "Firm One");

  // The open stream is presence: a new lead is offered to rep-a despite the old heartbeat.
  v1::SubmitLeadResponse second;
  ASSERT_TRUE(Submit(LeadRequest("w2", "13800000002", "", "Firm Two"), &second).ok());
  ASSERT_EQ(second.lead().routing().worker_id(), "rep-a");
  ASSERT_TRUE(reader->Read(&m));
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_OFFERED);
  EXPECT_FALSE(m.replayed());
  EXPECT_EQ(m.lead().lead_id(), second.lead().lead_id());
  Accept("rep-a", second.lead().routing().offer_id());
  ASSERT_TRUE(reader->Read(&m));
  EXPECT_EQ(m.change(), v1::OFFER_CHANGE_ASSIGNED);
  EXPECT_EQ(m.offer_id(), second.lead().routing().offer_id());

  // Stream gone, and a presence timeout later: the next lead waits in the queue.
  ctx->TryCancel();
  reader->Finish();
  for (int i = 0; i < 100; ++i) {
    auto streams = runtime_->redis().Command({"HGET", "{rt:leads}:w:rep-a", "streams"});
    ASSERT_TRUE(streams.ok());
    if (streams->str == "0") break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  clock_.Advance(absl::Minutes(1));
  v1::SubmitLeadResponse third;
  ASSERT_TRUE(Submit(LeadRequest("w3", "13800000003", "", "Firm Three"), &third).ok());
  EXPECT_EQ(third.lead().status(), v1::LEAD_STATUS_PARKED);
}

TEST_F(LeadIntakeFixture, OnlyRepsWatchOffersAndOnlyTheirOwn) {
  auto ctx = As(kCallCentre);
  auto reader = stub_->WatchOffers(ctx.get(), v1::WatchOffersRequest());
  v1::WatchOffersResponse m;
  EXPECT_FALSE(reader->Read(&m));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A rep not on the roster gets a clear error, not an empty feed.
  auto ghost = As(Rep("ghost"));
  auto ghost_reader = stub_->WatchOffers(ghost.get(), v1::WatchOffersRequest());
  EXPECT_FALSE(ghost_reader->Read(&m));
  grpc::Status st = ghost_reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
}

}  // namespace
}  // namespace firstline::lead_intake::testing

namespace firstline::lead_intake::testing {
namespace {

TEST_F(LeadIntakeFixture, RetriedAcceptWithItsKeyGetsTheFirstAnswerAndAReusedKeyIsRefused) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse one, two;
  ASSERT_TRUE(Submit(LeadRequest("i1", "13800000011", "", "Idem One"), &one).ok());
  ASSERT_TRUE(Submit(LeadRequest("i2", "13800000012", "", "Idem Two"), &two).ok());
  auto accept = [&](const std::string& key, const std::string& offer, v1::AcceptLeadResponse* out) {
    v1::AcceptLeadRequest req;
    req.set_idempotency_key(key);
    req.set_offer_id(offer);
    auto ctx = As(Rep("rep-a"));
    return stub_->AcceptLead(ctx.get(), req, out);
  };
  v1::AcceptLeadResponse first, retry, other;
  ASSERT_TRUE(accept("acc-1", one.lead().routing().offer_id(), &first).ok());
  grpc::Status again = accept("acc-1", one.lead().routing().offer_id(), &retry);
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(retry.SerializeAsString(), first.SerializeAsString());
  // Without a key a second accept is an error naming the state.
  grpc::Status no_key = accept("", one.lead().routing().offer_id(), &other);
  EXPECT_EQ(no_key.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(no_key.error_message().find("accepted"), std::string::npos) << no_key.error_message();
  // The same key for another offer is refused and does not accept it.
  grpc::Status reused = accept("acc-1", two.lead().routing().offer_id(), &other);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::Lead still;
  ASSERT_TRUE(GetLead(kOperator, two.lead().lead_id(), &still).ok());
  EXPECT_EQ(still.status(), v1::LEAD_STATUS_OFFERED);
}

}  // namespace
}  // namespace firstline::lead_intake::testing

namespace firstline::lead_intake::testing {
namespace {

TEST_F(LeadIntakeFixture, SweepAdoptsADecisionACrashedInstanceNeverRecorded) {
  AddRep("rep-a", "inside-sales");
  // An instance took the lead in and routed it, then died before recording where it went.
  auto form = ReadLeadForm(LeadRequest("crash-1", "13800000099"), LeadLimits{}, clock_.Now());
  ASSERT_TRUE(form.ok());
  auto intake = book_->Submit(*form, "cc-1:crash-1", "fp", "");
  ASSERT_TRUE(intake.ok()) << intake.status();
  routing::WorkItem item{intake->lead_id, "lead", intake->account_id, {}, {}};
  auto decided = engine_->Route(item);
  ASSERT_TRUE(decided.ok()) << decided.status();
  ASSERT_EQ(decided->outcome, routing::Decision::Outcome::kOffered);
  v1::Lead before;
  ASSERT_TRUE(GetLead(kOperator, intake->lead_id, &before).ok());
  EXPECT_EQ(before.status(), v1::LEAD_STATUS_NEW);

  clock_.Advance(absl::Seconds(31));
  SetAvailability("rep-a", v1::AVAILABILITY_AVAILABLE);
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->rerouted, 1);
  v1::Lead after;
  ASSERT_TRUE(GetLead(kOperator, intake->lead_id, &after).ok());
  EXPECT_EQ(after.status(), v1::LEAD_STATUS_OFFERED);
  EXPECT_EQ(after.routing().worker_id(), "rep-a");
  EXPECT_EQ(after.routing().offer_id(), decided->offers.front().offer_id);
  // Adopted once: the next sweep has nothing left to do.
  auto again = desk_->Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rerouted, 0);
}

TEST_F(LeadIntakeFixture, ClosedLeadsAreArchivedAfterTheirRetentionOpenOnesNever) {
  AddRep("rep-a", "inside-sales");
  auto take = [&](const std::string& key, const std::string& phone, const std::string& company) {
    v1::SubmitLeadResponse r;
    grpc::Status st = Submit(LeadRequest(key, phone, "", company), &r);
    EXPECT_TRUE(st.ok()) << st.error_message();
    Accept("rep-a", r.lead().routing().offer_id());
    return r.lead();
  };
  auto close = [&](const std::string& lead_id, v1::LeadStatus s, const std::string& reason) {
    v1::UpdateLeadStatusRequest req;
    req.set_lead_id(lead_id);
    req.set_status(s);
    req.set_reason(reason);
    v1::UpdateLeadStatusResponse resp;
    auto ctx = As(Rep("rep-a"));
    grpc::Status st = stub_->UpdateLeadStatus(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
  };
  const v1::Lead won = take("ar-1", "13800000301", "Won Trading Co., Ltd.");
  const v1::Lead lost = take("ar-2", "13800000302", "Lost Trading Co., Ltd.");
  const v1::Lead open = take("ar-3", "13800000303", "Open Trading Co., Ltd.");
  v1::SubmitLeadResponse touch;  // a duplicate merged into `won`: its touches list exists
  ASSERT_TRUE(Submit(LeadRequest("ar-4", "13800000301"), &touch).ok());
  ASSERT_TRUE(touch.merged());
  close(won.lead_id(), v1::LEAD_STATUS_CONVERTED, "");
  close(lost.lead_id(), v1::LEAD_STATUS_DISQUALIFIED, "no budget");
  auto& redis = runtime_->redis();
  auto exists = [&](const std::string& key) {
    auto r = redis.Command({"EXISTS", key});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->integer == 1;
  };
  auto indexed = [&](const std::string& index, const std::string& id) {
    return firstline::testing::InSortedSet(redis, index, id);
  };
  ASSERT_TRUE(exists("{li}:lead:" + won.lead_id() + ":touches"));

  // The default retention is 400 days from the close.
  clock_.Advance(absl::Hours(24 * 399));
  auto early = desk_->Sweep();
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->archived, 0);
  EXPECT_TRUE(GetLead(kOperator, won.lead_id(), nullptr).ok());

  clock_.Advance(absl::Hours(48));
  auto sweep = desk_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->archived, 2);
  for (const v1::Lead* gone : {&won, &lost}) {
    const std::string& id = gone->lead_id();
    EXPECT_EQ(GetLead(kOperator, id, nullptr).error_code(), grpc::StatusCode::NOT_FOUND) << id;
    EXPECT_FALSE(exists("{li}:lead:" + id));
    EXPECT_FALSE(exists("{li}:lead:" + id + ":touches"));
    for (const std::string& index :
         {std::string("{li}:leads"), "{li}:al:" + gone->account_id(), std::string("{li}:wl:rep-a"),
          std::string("{li}:ol:vendor"), std::string("{li}:closed")}) {
      EXPECT_FALSE(indexed(index, id)) << index << " still lists " << id;
    }
  }
  // The open lead stays, however old, in every index.
  v1::Lead kept;
  ASSERT_TRUE(GetLead(kOperator, open.lead_id(), &kept).ok());
  EXPECT_EQ(kept.status(), v1::LEAD_STATUS_ASSIGNED);
  for (const std::string& index : {std::string("{li}:leads"), "{li}:al:" + open.account_id(),
                                   std::string("{li}:wl:rep-a"), std::string("{li}:ol:vendor")}) {
    EXPECT_TRUE(indexed(index, open.lead_id())) << index;
  }
  v1::ListLeadsRequest list;
  v1::ListLeadsResponse page;
  auto ctx = As(Rep("rep-a"));
  ASSERT_TRUE(stub_->ListLeads(ctx.get(), list, &page).ok());
  ASSERT_EQ(page.leads_size(), 1);
  EXPECT_EQ(page.leads(0).lead_id(), open.lead_id());
  auto again = desk_->Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->archived, 0);

  // The archived lead's phone still names it for duplicate matching (that key lives by Redis
  // time): a new inquiry from it is a new lead, not a merge into nothing.
  v1::SubmitLeadResponse fresh;
  ASSERT_TRUE(Submit(LeadRequest("ar-5", "13800000301"), &fresh).ok());
  EXPECT_FALSE(fresh.merged());
  EXPECT_NE(fresh.lead().lead_id(), won.lead_id());
}

}  // namespace
}  // namespace firstline::lead_intake::testing
