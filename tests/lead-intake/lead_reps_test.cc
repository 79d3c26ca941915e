// The reps' and operators' side of lead-intake through its real gRPC API (real Redis, mock
// Kafka): declining, removing a rep, and the audited transfer of an account's owner.
#include "lead-intake/lead_intake_fixture.h"

namespace firstline::lead_intake::testing {
namespace {

class LeadRepsTest : public LeadIntakeFixture {
 protected:
  grpc::Status Decline(const std::string& rep, const std::string& offer_id,
                       const std::string& reason) {
    v1::DeclineLeadRequest req;
    req.set_offer_id(offer_id);
    req.set_reason(reason);
    v1::DeclineLeadResponse resp;
    auto ctx = As(Rep(rep));
    return stub_->DeclineLead(ctx.get(), req, &resp);
  }

  grpc::Status Transfer(const Principal& who, const std::string& account,
                        const std::string& new_owner, const std::string& reason,
                        std::string* previous = nullptr) {
    v1::TransferAccountOwnerRequest req;
    req.set_account_id(account);
    req.set_new_owner_id(new_owner);
    req.set_reason(reason);
    v1::TransferAccountOwnerResponse resp;
    auto ctx = As(who);
    grpc::Status st = stub_->TransferAccountOwner(ctx.get(), req, &resp);
    if (previous != nullptr) *previous = resp.previous_owner_id();
    return st;
  }
};

TEST_F(LeadRepsTest, ADeclinedLeadGoesToTheNextRepAndARemovedRepGetsNoMore) {
  AddRep("rep-a", "inside-sales");
  AddRep("rep-b", "inside-sales");
  v1::SubmitLeadResponse r;
  ASSERT_TRUE(Submit(LeadRequest("d1", "13800000401", "", "Decline Test Co."), &r).ok());
  const std::string first = r.lead().routing().worker_id();
  ASSERT_FALSE(first.empty());
  const std::string second = first == "rep-a" ? "rep-b" : "rep-a";
  const std::string offer = r.lead().routing().offer_id();

  EXPECT_EQ(Decline(second, offer, "not mine").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Decline(first, offer, "customer is in my competitor's portfolio").ok());
  v1::Lead now;
  ASSERT_TRUE(GetLead(kOperator, r.lead().lead_id(), &now).ok());
  EXPECT_EQ(now.status(), v1::LEAD_STATUS_OFFERED);
  EXPECT_EQ(now.routing().worker_id(), second);
  EXPECT_NE(now.routing().offer_id(), offer);

  // Removing is for operators; a removed rep is offered nothing more.
  v1::RemoveRepRequest remove;
  remove.set_rep_id(second);
  v1::RemoveRepResponse removed;
  auto as_rep = As(Rep(first));
  EXPECT_EQ(stub_->RemoveRep(as_rep.get(), remove, &removed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto as_op = As(kOperator);
  ASSERT_TRUE(stub_->RemoveRep(as_op.get(), remove, &removed).ok());
  for (int i = 0; i < 3; ++i) {
    v1::SubmitLeadResponse next;
    ASSERT_TRUE(Submit(LeadRequest(absl::StrCat("d-next-", i), absl::StrCat("1380000050", i), "",
                                   absl::StrCat("Next Lead ", i, " Co.")),
                       &next)
                    .ok());
    EXPECT_EQ(next.lead().routing().worker_id(), first) << i;
  }
}

TEST_F(LeadRepsTest, AnOperatorTransfersTheAccountOwnerWithAnAuditedEvent) {
  AddRep("rep-a", "inside-sales");
  v1::SubmitLeadResponse r;
  ASSERT_TRUE(
      Submit(LeadRequest("t1", "13800000601", "li@transfer-test.cn", "Transfer Test"), &r).ok());
  ASSERT_EQ(r.lead().routing().worker_id(), "rep-a");
  ASSERT_TRUE(Accept("rep-a", r.lead().routing().offer_id()).became_owner());
  AddRep("rep-b", "inside-sales");
  const std::string account = r.lead().account_id();

  EXPECT_EQ(Transfer(Rep("rep-a"), account, "rep-b", "handing over").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status no_reason = Transfer(kOperator, account, "rep-b", "");
  EXPECT_EQ(no_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_reason.error_message().find("reason"), std::string::npos);
  EXPECT_EQ(Transfer(kOperator, account, "rep-ghost", "left").error_code(),
            grpc::StatusCode::NOT_FOUND);
  std::string previous;
  ASSERT_TRUE(Transfer(kOperator, account, "rep-b", "rep-a moved to key accounts", &previous).ok());
  EXPECT_EQ(previous, "rep-a");

  // The account's next lead goes to its new owner, though rep-a is free.
  v1::SubmitLeadResponse next;
  ASSERT_TRUE(
      Submit(LeadRequest("t2", "13800000602", "wang@transfer-test.cn", "Transfer Test"), &next)
          .ok());
  EXPECT_EQ(next.lead().account_id(), account);
  EXPECT_EQ(next.lead().routing().worker_id(), "rep-b");

  bool audited = false;
  auto transfer = [](const v1::Envelope& e) {
    return e.has_account_owner_changed() && e.account_owner_changed().transfer();
  };
  for (const auto& e : firstline::testing::ReadEnvelopesUntil(
           kafka_, std::string(platform::topics::kLeads), transfer)) {
    if (transfer(e)) {
      audited = true;
      EXPECT_EQ(e.account_owner_changed().account_id(), account);
      EXPECT_EQ(e.account_owner_changed().previous_owner_id(), "rep-a");
      EXPECT_EQ(e.account_owner_changed().owner_id(), "rep-b");
      EXPECT_EQ(e.account_owner_changed().changed_by(), kOperator.subject);
      EXPECT_EQ(e.account_owner_changed().reason(), "rep-a moved to key accounts");
    }
  }
  EXPECT_TRUE(audited);
}

TEST_F(LeadRepsTest, ListLeadsFiltersByStatusAndAccountAndPagesNewestFirst) {
  AddRep("rep-a", "inside-sales");
  std::vector<std::string> ids;  // oldest first
  std::string account;           // the account of leads 1 and 3
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Seconds(1));
    const bool repeat = i == 1 || i == 3;
    v1::SubmitLeadResponse r;
    ASSERT_TRUE(Submit(LeadRequest(absl::StrCat("p", i), absl::StrCat("1380000070", i), "",
                                   repeat ? "Repeat Buyer Co." : absl::StrCat("Buyer ", i, " Co.")),
                       &r)
                    .ok());
    ids.push_back(r.lead().lead_id());
    if (repeat) account = r.lead().account_id();
    if (i < 3) Accept("rep-a", r.lead().routing().offer_id());
  }
  v1::UpdateLeadStatusRequest drop;
  drop.set_lead_id(ids[0]);
  drop.set_status(v1::LEAD_STATUS_DISQUALIFIED);
  drop.set_reason("wrong number");
  v1::UpdateLeadStatusResponse dropped;
  auto rep = As(Rep("rep-a"));
  ASSERT_TRUE(stub_->UpdateLeadStatus(rep.get(), drop, &dropped).ok());

  auto list = [&](v1::ListLeadsRequest req) {
    v1::ListLeadsResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = stub_->ListLeads(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> out;
    for (const auto& l : resp.leads()) out.push_back(l.lead_id());
    return std::make_pair(out, resp.next_page_token());
  };
  // Pages of two, newest first, each lead once.
  std::vector<std::string> all;
  v1::ListLeadsRequest page;
  page.set_page_size(2);
  for (int n = 0; n < 5; ++n) {
    auto [got, next] = list(page);
    all.insert(all.end(), got.begin(), got.end());
    if (next.empty()) break;
    page.set_page_token(next);
  }
  EXPECT_EQ(all, std::vector<std::string>(ids.rbegin(), ids.rend()));

  v1::ListLeadsRequest assigned;
  assigned.add_statuses(v1::LEAD_STATUS_ASSIGNED);
  EXPECT_EQ(list(assigned).first, (std::vector<std::string>{ids[2], ids[1]}));
  // Filtered pages of one: each full, found past the leads the filter drops.
  assigned.set_page_size(1);
  auto [one, after_one] = list(assigned);
  EXPECT_EQ(one, std::vector<std::string>{ids[2]});
  assigned.set_page_token(after_one);
  auto [two, after_two] = list(assigned);
  EXPECT_EQ(two, std::vector<std::string>{ids[1]});
  assigned.set_page_token(after_two);
  EXPECT_EQ(list(assigned), std::make_pair(std::vector<std::string>{}, std::string()));
  assigned.clear_page_token();
  assigned.set_page_size(0);
  v1::ListLeadsRequest of_account;
  of_account.set_account_id(account);
  EXPECT_EQ(list(of_account).first, (std::vector<std::string>{ids[3], ids[1]}));
  v1::ListLeadsRequest open_of_account = of_account;
  open_of_account.add_statuses(v1::LEAD_STATUS_OFFERED);
  EXPECT_EQ(list(open_of_account).first, (std::vector<std::string>{ids[3]}));

  for (auto bad : {std::make_pair(std::string("page_token"), std::string("x1")),
                   std::make_pair(std::string("page_size"), std::string())}) {
    v1::ListLeadsRequest req;
    if (bad.first == "page_token") req.set_page_token(bad.second);
    if (bad.first == "page_size") req.set_page_size(501);
    v1::ListLeadsResponse resp;
    auto ctx = As(kOperator);
    grpc::Status st = stub_->ListLeads(ctx.get(), req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.first;
    EXPECT_NE(st.error_message().find(bad.first), std::string::npos) << st.error_message();
  }
}

}  // namespace
}  // namespace firstline::lead_intake::testing
