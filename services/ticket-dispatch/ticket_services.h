#pragma once

#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/core/work_pool.h"
#include "platform/grpc/live_streams.h"
#include "platform/redis/idempotent_answers.h"
#include "routing/offer_feed.h"
#include "ticket-dispatch/ticket_desk.h"

namespace firstline::ticket_dispatch {

// What both gRPC adapters share: the desk, the blocking-work pool, idempotent answers and the
// authorizer.
struct AdapterParts {
  TicketDesk& desk;
  platform::WorkPool& pool;
  platform::IdempotentAnswers& answers;
  platform::RpcAuthorizer& authorizer;
};

// gRPC adapter of TicketDesk (hotline agents, portal, operators, services).
class TicketDeskService final : public firstline::v1::TicketDesk::CallbackService {
 public:
  explicit TicketDeskService(AdapterParts parts);

  grpc::ServerUnaryReactor* CreateTicket(grpc::CallbackServerContext* context,
                                         const firstline::v1::CreateTicketRequest* request,
                                         firstline::v1::CreateTicketResponse* response) override;
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* context,
                                      const firstline::v1::GetTicketRequest* request,
                                      firstline::v1::GetTicketResponse* response) override;
  grpc::ServerUnaryReactor* ListTickets(grpc::CallbackServerContext* context,
                                        const firstline::v1::ListTicketsRequest* request,
                                        firstline::v1::ListTicketsResponse* response) override;
  grpc::ServerUnaryReactor* CancelTicket(grpc::CallbackServerContext* context,
                                         const firstline::v1::CancelTicketRequest* request,
                                         firstline::v1::CancelTicketResponse* response) override;
  grpc::ServerUnaryReactor* RecordSatisfaction(
      grpc::CallbackServerContext* context, const firstline::v1::RecordSatisfactionRequest* request,
      firstline::v1::RecordSatisfactionResponse* response) override;
  grpc::ServerUnaryReactor* ExplainAssignment(
      grpc::CallbackServerContext* context,
      const firstline::v1::TicketDeskExplainAssignmentRequest* request,
      firstline::v1::TicketDeskExplainAssignmentResponse* response) override;

 private:
  AdapterParts parts_;
};

// gRPC adapter of FieldEngineer (the engineers' app; operators for the roster).
class FieldEngineerService final : public firstline::v1::FieldEngineer::CallbackService {
 public:
  // Offer streams are ended through `live` when the server shuts down.
  FieldEngineerService(AdapterParts parts, routing::OfferFeed& feed, platform::LiveStreams& live);

  grpc::ServerWriteReactor<firstline::v1::FieldEngineerWatchOffersResponse>* WatchOffers(
      grpc::CallbackServerContext* context,
      const firstline::v1::FieldEngineerWatchOffersRequest* request) override;
  grpc::ServerUnaryReactor* AcceptOffer(grpc::CallbackServerContext* context,
                                        const firstline::v1::AcceptOfferRequest* request,
                                        firstline::v1::AcceptOfferResponse* response) override;
  grpc::ServerUnaryReactor* DeclineOffer(grpc::CallbackServerContext* context,
                                         const firstline::v1::DeclineOfferRequest* request,
                                         firstline::v1::DeclineOfferResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTicketStatus(
      grpc::CallbackServerContext* context, const firstline::v1::UpdateTicketStatusRequest* request,
      firstline::v1::UpdateTicketStatusResponse* response) override;
  grpc::ServerUnaryReactor* SetAvailability(
      grpc::CallbackServerContext* context,
      const firstline::v1::FieldEngineerSetAvailabilityRequest* request,
      firstline::v1::FieldEngineerSetAvailabilityResponse* response) override;
  grpc::ServerUnaryReactor* UpsertEngineer(
      grpc::CallbackServerContext* context, const firstline::v1::UpsertEngineerRequest* request,
      firstline::v1::UpsertEngineerResponse* response) override;
  grpc::ServerUnaryReactor* RemoveEngineer(
      grpc::CallbackServerContext* context, const firstline::v1::RemoveEngineerRequest* request,
      firstline::v1::RemoveEngineerResponse* response) override;
  grpc::ServerUnaryReactor* SetShiftRoster(
      grpc::CallbackServerContext* context, const firstline::v1::SetShiftRosterRequest* request,
      firstline::v1::SetShiftRosterResponse* response) override;

 private:
  AdapterParts parts_;
  routing::OfferFeed& feed_;
  platform::LiveStreams& live_;
};

}  // namespace firstline::ticket_dispatch
