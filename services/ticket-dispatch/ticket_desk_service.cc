#include "absl/strings/str_cat.h"
#include "platform/grpc/unary_call.h"
#include "ticket-dispatch/ticket_services.h"

namespace firstline::ticket_dispatch {
namespace {

namespace v1 = firstline::v1;
using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) {
  return absl::StrCat("/firstline.v1.TicketDesk/", name);
}

}  // namespace

TicketDeskService::TicketDeskService(AdapterParts parts) : parts_(parts) {
  auto& a = parts_.authorizer;
  a.Allow(Method("CreateTicket"), {K::kCallCentre, K::kOperator, K::kService});
  a.Allow(Method("GetTicket"),
          {K::kCallCentre, K::kEngineer, K::kPartner, K::kOperator, K::kService});
  a.Allow(Method("ListTickets"),
          {K::kCallCentre, K::kEngineer, K::kPartner, K::kOperator, K::kService});
  a.Allow(Method("CancelTicket"), {K::kCallCentre, K::kOperator, K::kService});
  a.Allow(Method("RecordSatisfaction"), {K::kCallCentre, K::kOperator, K::kService});
  a.Allow(Method("ExplainAssignment"), {K::kEngineer, K::kPartner, K::kOperator, K::kService});
}

grpc::ServerUnaryReactor* TicketDeskService::CreateTicket(grpc::CallbackServerContext* context,
                                                          const v1::CreateTicketRequest* request,
                                                          v1::CreateTicketResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("CreateTicket"),
                   [=, this](const Principal& p) {
                     auto t = parts_.desk.Create(p, *request, platform::TraceIdOf(*context));
                     if (t.ok()) *response->mutable_ticket() = std::move(*t);
                     return t.status();
                   });
}

grpc::ServerUnaryReactor* TicketDeskService::GetTicket(grpc::CallbackServerContext* context,
                                                       const v1::GetTicketRequest* request,
                                                       v1::GetTicketResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("GetTicket"),
                   [=, this](const Principal& p) {
                     auto t = parts_.desk.Get(p, request->ticket_id());
                     if (t.ok()) *response->mutable_ticket() = std::move(*t);
                     return t.status();
                   });
}

grpc::ServerUnaryReactor* TicketDeskService::ListTickets(grpc::CallbackServerContext* context,
                                                         const v1::ListTicketsRequest* request,
                                                         v1::ListTicketsResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("ListTickets"),
                   [=, this](const Principal& p) {
                     auto page = parts_.desk.List(p, *request);
                     if (!page.ok()) return page.status();
                     for (auto& t : page->records) *response->add_tickets() = std::move(t);
                     response->set_next_page_token(page->next_page_token);
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* TicketDeskService::CancelTicket(grpc::CallbackServerContext* context,
                                                          const v1::CancelTicketRequest* request,
                                                          v1::CancelTicketResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("CancelTicket"),
                   [=, this](const Principal& p) {
                     return parts_.answers.Run(p.subject, "CancelTicket",
                                               request->idempotency_key(), *request, response, [&] {
                                                 auto t = parts_.desk.Cancel(
                                                     p, request->ticket_id(), request->reason(),
                                                     platform::TraceIdOf(*context));
                                                 if (t.ok())
                                                   *response->mutable_ticket() = std::move(*t);
                                                 return t.status();
                                               });
                   });
}

grpc::ServerUnaryReactor* TicketDeskService::RecordSatisfaction(
    grpc::CallbackServerContext* context, const v1::RecordSatisfactionRequest* request,
    v1::RecordSatisfactionResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("RecordSatisfaction"),
                   [=, this](const Principal& p) {
                     return parts_.answers.Run(p.subject, "RecordSatisfaction",
                                               request->idempotency_key(), *request, response, [&] {
                                                 auto t = parts_.desk.RecordSatisfaction(
                                                     p, *request, platform::TraceIdOf(*context));
                                                 if (t.ok())
                                                   *response->mutable_ticket() = std::move(*t);
                                                 return t.status();
                                               });
                   });
}

grpc::ServerUnaryReactor* TicketDeskService::ExplainAssignment(
    grpc::CallbackServerContext* context, const v1::TicketDeskExplainAssignmentRequest* request,
    v1::TicketDeskExplainAssignmentResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("ExplainAssignment"),
                   [=, this](const Principal& p) {
                     auto receipts = parts_.desk.Explain(p, request->ticket_id());
                     if (!receipts.ok()) return receipts.status();
                     for (auto& r : *receipts) response->add_receipts_json(std::move(r));
                     return absl::OkStatus();
                   });
}

}  // namespace firstline::ticket_dispatch
