#include "lead-intake/lead_intake_service.h"

#include "absl/strings/str_cat.h"
#include "lead-intake/rep_mapping.h"
#include "lead-intake/submit_stream.h"
#include "platform/grpc/unary_call.h"
#include "routing/grpc/offer_stream.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) {
  return absl::StrCat("/firstline.v1.LeadIntake/", name);
}

}  // namespace

LeadIntakeService::LeadIntakeService(LeadDesk& desk, routing::OfferFeed& feed,
                                     platform::LiveStreams& live, platform::WorkPool& pool,
                                     platform::IdempotentAnswers& answers,
                                     platform::RpcAuthorizer& authorizer)
    : desk_(desk),
      feed_(feed),
      live_(live),
      pool_(pool),
      answers_(answers),
      authorizer_(authorizer) {
  authorizer_.Allow(Method("SubmitLead"), {K::kCallCentre, K::kOperator, K::kService});
  authorizer_.Allow(Method("SubmitLeads"), {K::kCallCentre, K::kOperator, K::kService});
  authorizer_.Allow(Method("GetLead"),
                    {K::kCallCentre, K::kPartner, K::kRep, K::kOperator, K::kService});
  authorizer_.Allow(Method("ListLeads"), {K::kPartner, K::kRep, K::kOperator, K::kService});
  authorizer_.Allow(Method("WatchOffers"), {K::kRep});
  authorizer_.Allow(Method("AcceptLead"), {K::kRep});
  authorizer_.Allow(Method("DeclineLead"), {K::kRep});
  authorizer_.Allow(Method("UpdateLeadStatus"), {K::kRep, K::kOperator});
  authorizer_.Allow(Method("SetAvailability"), {K::kRep});
  authorizer_.Allow(Method("UpsertRep"), {K::kOperator});
  authorizer_.Allow(Method("RemoveRep"), {K::kOperator});
  authorizer_.Allow(Method("ExplainAssignment"), {K::kPartner, K::kRep, K::kOperator, K::kService});
  authorizer_.Allow(Method("TransferAccountOwner"), {K::kOperator});
}

grpc::ServerUnaryReactor* LeadIntakeService::SubmitLead(grpc::CallbackServerContext* context,
                                                        const v1::SubmitLeadRequest* request,
                                                        v1::SubmitLeadResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("SubmitLead"),
                   [=, this](const Principal& p) {
                     auto r = desk_.Submit(p, *request, platform::TraceIdOf(*context));
                     if (r.ok()) *response = std::move(*r);
                     return r.status();
                   });
}

grpc::ServerBidiReactor<v1::SubmitLeadsRequest, v1::SubmitLeadsResponse>*
LeadIntakeService::SubmitLeads(grpc::CallbackServerContext* context) {
  auto principal = platform::GuardCall(authorizer_, *context, Method("SubmitLeads"));
  if (!principal.ok()) return new RefusedSubmitStream(platform::ToGrpcStatus(principal.status()));
  return new SubmitStream(desk_, pool_, std::move(*principal), platform::TraceIdOf(*context));
}

grpc::ServerUnaryReactor* LeadIntakeService::GetLead(grpc::CallbackServerContext* context,
                                                     const v1::GetLeadRequest* request,
                                                     v1::GetLeadResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetLead"), [=, this](const Principal& p) {
    auto lead = desk_.Get(p, request->lead_id());
    if (lead.ok()) *response->mutable_lead() = std::move(*lead);
    return lead.status();
  });
}

grpc::ServerUnaryReactor* LeadIntakeService::ListLeads(grpc::CallbackServerContext* context,
                                                       const v1::ListLeadsRequest* request,
                                                       v1::ListLeadsResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("ListLeads"), [=, this](const Principal& p) {
    auto page = desk_.List(p, *request);
    if (!page.ok()) return page.status();
    for (auto& lead : page->records) *response->add_leads() = std::move(lead);
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::WatchOffersResponse>* LeadIntakeService::WatchOffers(
    grpc::CallbackServerContext* context, const v1::WatchOffersRequest*) {
  auto principal = platform::GuardCall(authorizer_, *context, Method("WatchOffers"));
  if (!principal.ok()) {
    return new routing::RefusedStream<v1::WatchOffersResponse>(
        platform::ToGrpcStatus(principal.status()));
  }
  platform::Principal rep = std::move(*principal);
  routing::OfferStreamHooks<v1::Lead> hooks{
      .opened = [this, rep] { return desk_.OfferStreamOpened(rep); },
      .closed = [this, rep] { (void)desk_.OfferStreamClosed(rep); },
      .lookup = [this](const std::string& item) { return desk_.LeadOfItem(item); }};
  return new routing::OfferStream<v1::WatchOffersResponse, v1::Lead>(
      feed_, live_, rep.subject, std::move(hooks),
      [](v1::WatchOffersResponse& r, v1::Lead lead) { *r.mutable_lead() = std::move(lead); });
}

grpc::ServerUnaryReactor* LeadIntakeService::AcceptLead(grpc::CallbackServerContext* context,
                                                        const v1::AcceptLeadRequest* request,
                                                        v1::AcceptLeadResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("AcceptLead"),
                   [=, this](const Principal& p) {
                     return answers_.Run(p.subject, "AcceptLead", request->idempotency_key(),
                                         *request, response, [&] {
                                           auto r = desk_.Accept(p, request->offer_id());
                                           if (r.ok()) *response = std::move(*r);
                                           return r.status();
                                         });
                   });
}

grpc::ServerUnaryReactor* LeadIntakeService::DeclineLead(grpc::CallbackServerContext* context,
                                                         const v1::DeclineLeadRequest* request,
                                                         v1::DeclineLeadResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("DeclineLead"),
                   [=, this](const Principal& p) {
                     return answers_.Run(
                         p.subject, "DeclineLead", request->idempotency_key(), *request, response,
                         [&] { return desk_.Decline(p, request->offer_id(), request->reason()); });
                   });
}

grpc::ServerUnaryReactor* LeadIntakeService::UpdateLeadStatus(
    grpc::CallbackServerContext* context, const v1::UpdateLeadStatusRequest* request,
    v1::UpdateLeadStatusResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("UpdateLeadStatus"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "UpdateLeadStatus", request->idempotency_key(), *request, response, [&] {
              auto lead = desk_.UpdateStatus(p, request->lead_id(), request->status(),
                                             request->reason(), platform::TraceIdOf(*context));
              if (lead.ok()) *response->mutable_lead() = std::move(*lead);
              return lead.status();
            });
      });
}

grpc::ServerUnaryReactor* LeadIntakeService::SetAvailability(
    grpc::CallbackServerContext* context, const v1::SetAvailabilityRequest* request,
    v1::SetAvailabilityResponse*) {
  return UnaryCall(
      authorizer_, pool_, context, Method("SetAvailability"),
      [=, this](const Principal& p) { return desk_.SetAvailability(p, request->availability()); });
}

grpc::ServerUnaryReactor* LeadIntakeService::UpsertRep(grpc::CallbackServerContext* context,
                                                       const v1::UpsertRepRequest* request,
                                                       v1::UpsertRepResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("UpsertRep"), [=, this](const Principal&) {
    auto worker = WorkerFromRep(request->rep());
    if (!worker.ok()) return worker.status();
    if (auto st = desk_.UpsertRep(*worker); !st.ok()) return st;
    *response->mutable_rep() = RepFromWorker(*worker);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadIntakeService::RemoveRep(grpc::CallbackServerContext* context,
                                                       const v1::RemoveRepRequest* request,
                                                       v1::RemoveRepResponse*) {
  return UnaryCall(authorizer_, pool_, context, Method("RemoveRep"), [=, this](const Principal&) {
    if (request->rep_id().empty()) return absl::InvalidArgumentError("rep_id: is required");
    return desk_.RemoveRep(request->rep_id());
  });
}

grpc::ServerUnaryReactor* LeadIntakeService::ExplainAssignment(
    grpc::CallbackServerContext* context, const v1::ExplainAssignmentRequest* request,
    v1::ExplainAssignmentResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("ExplainAssignment"),
                   [=, this](const Principal& p) {
                     auto receipts = desk_.Explain(p, request->lead_id());
                     if (!receipts.ok()) return receipts.status();
                     for (auto& r : *receipts) response->add_receipts_json(std::move(r));
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* LeadIntakeService::TransferAccountOwner(
    grpc::CallbackServerContext* context, const v1::TransferAccountOwnerRequest* request,
    v1::TransferAccountOwnerResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("TransferAccountOwner"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "TransferAccountOwner", request->idempotency_key(), *request, response, [&] {
              auto previous = desk_.TransferOwner(p, request->account_id(), request->new_owner_id(),
                                                  request->reason());
              if (previous.ok()) response->set_previous_owner_id(*previous);
              return previous.status();
            });
      });
}

}  // namespace firstline::lead_intake
