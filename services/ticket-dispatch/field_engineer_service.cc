#include "absl/strings/str_cat.h"
#include "platform/grpc/unary_call.h"
#include "routing/grpc/offer_stream.h"
#include "routing/worker_proto.h"
#include "ticket-dispatch/ticket_services.h"

namespace firstline::ticket_dispatch {
namespace {

namespace v1 = firstline::v1;
using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) {
  return absl::StrCat("/firstline.v1.FieldEngineer/", name);
}

}  // namespace

FieldEngineerService::FieldEngineerService(AdapterParts parts, routing::OfferFeed& feed,
                                           platform::LiveStreams& live)
    : parts_(parts), feed_(feed), live_(live) {
  auto& a = parts_.authorizer;
  for (const char* m :
       {"WatchOffers", "AcceptOffer", "DeclineOffer", "UpdateTicketStatus", "SetAvailability"}) {
    a.Allow(Method(m), {K::kEngineer});
  }
  for (const char* m : {"UpsertEngineer", "RemoveEngineer", "SetShiftRoster"}) {
    a.Allow(Method(m), {K::kOperator});
  }
}

grpc::ServerWriteReactor<v1::FieldEngineerWatchOffersResponse>* FieldEngineerService::WatchOffers(
    grpc::CallbackServerContext* context, const v1::FieldEngineerWatchOffersRequest*) {
  auto principal = platform::GuardCall(parts_.authorizer, *context, Method("WatchOffers"));
  if (!principal.ok()) {
    return new routing::RefusedStream<v1::FieldEngineerWatchOffersResponse>(
        platform::ToGrpcStatus(principal.status()));
  }
  Principal engineer = std::move(*principal);
  TicketDesk& desk = parts_.desk;
  routing::OfferStreamHooks<v1::Ticket> hooks{
      .opened = [&desk, engineer] { return desk.OfferStreamOpened(engineer); },
      .closed = [&desk, engineer] { desk.OfferStreamClosed(engineer); },
      .lookup = [&desk](const std::string& item) { return desk.TicketOfItem(item); }};
  return new routing::OfferStream<v1::FieldEngineerWatchOffersResponse, v1::Ticket>(
      feed_, live_, engineer.subject, std::move(hooks),
      [](v1::FieldEngineerWatchOffersResponse& r, v1::Ticket t) {
        *r.mutable_ticket() = std::move(t);
      });
}

grpc::ServerUnaryReactor* FieldEngineerService::AcceptOffer(grpc::CallbackServerContext* context,
                                                            const v1::AcceptOfferRequest* request,
                                                            v1::AcceptOfferResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("AcceptOffer"),
                   [=, this](const Principal& p) {
                     return parts_.answers.Run(p.subject, "AcceptOffer", request->idempotency_key(),
                                               *request, response, [&] {
                                                 auto r =
                                                     parts_.desk.Accept(p, request->offer_id());
                                                 if (r.ok()) *response = std::move(*r);
                                                 return r.status();
                                               });
                   });
}

grpc::ServerUnaryReactor* FieldEngineerService::DeclineOffer(grpc::CallbackServerContext* context,
                                                             const v1::DeclineOfferRequest* request,
                                                             v1::DeclineOfferResponse* response) {
  return UnaryCall(
      parts_.authorizer, parts_.pool, context, Method("DeclineOffer"),
      [=, this](const Principal& p) {
        return parts_.answers.Run(
            p.subject, "DeclineOffer", request->idempotency_key(), *request, response,
            [&] { return parts_.desk.Decline(p, request->offer_id(), request->reason()); });
      });
}

grpc::ServerUnaryReactor* FieldEngineerService::UpdateTicketStatus(
    grpc::CallbackServerContext* context, const v1::UpdateTicketStatusRequest* request,
    v1::UpdateTicketStatusResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("UpdateTicketStatus"),
                   [=, this](const Principal& p) {
                     return parts_.answers.Run(p.subject, "UpdateTicketStatus",
                                               request->idempotency_key(), *request, response, [&] {
                                                 auto t = parts_.desk.UpdateStatus(
                                                     p, *request, platform::TraceIdOf(*context));
                                                 if (t.ok())
                                                   *response->mutable_ticket() = std::move(*t);
                                                 return t.status();
                                               });
                   });
}

grpc::ServerUnaryReactor* FieldEngineerService::SetAvailability(
    grpc::CallbackServerContext* context, const v1::FieldEngineerSetAvailabilityRequest* request,
    v1::FieldEngineerSetAvailabilityResponse*) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("SetAvailability"),
                   [=, this](const Principal& p) {
                     return parts_.desk.SetAvailability(p, request->availability());
                   });
}

grpc::ServerUnaryReactor* FieldEngineerService::UpsertEngineer(
    grpc::CallbackServerContext* context, const v1::UpsertEngineerRequest* request,
    v1::UpsertEngineerResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("UpsertEngineer"),
                   [=, this](const Principal&) {
                     const auto& e = request->engineer();
                     auto worker =
                         routing::WorkerFromProto(e, e.engineer_id(), "engineer", "engineer_id");
                     if (!worker.ok()) return worker.status();
                     if (auto st = parts_.desk.UpsertEngineer(*worker); !st.ok()) return st;
                     auto* out = response->mutable_engineer();
                     out->set_engineer_id(worker->id);
                     routing::WorkerToProto(*worker, out);
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* FieldEngineerService::RemoveEngineer(
    grpc::CallbackServerContext* context, const v1::RemoveEngineerRequest* request,
    v1::RemoveEngineerResponse*) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("RemoveEngineer"),
                   [=, this](const Principal&) {
                     if (request->engineer_id().empty()) {
                       return absl::InvalidArgumentError("engineer_id: is required");
                     }
                     return parts_.desk.RemoveEngineer(request->engineer_id());
                   });
}

grpc::ServerUnaryReactor* FieldEngineerService::SetShiftRoster(
    grpc::CallbackServerContext* context, const v1::SetShiftRosterRequest* request,
    v1::SetShiftRosterResponse* response) {
  return UnaryCall(parts_.authorizer, parts_.pool, context, Method("SetShiftRoster"),
                   [=, this](const Principal&) {
                     auto n = parts_.desk.SetShiftRoster(*request);
                     if (n.ok()) response->set_engineers_updated(*n);
                     return n.status();
                   });
}

}  // namespace firstline::ticket_dispatch
