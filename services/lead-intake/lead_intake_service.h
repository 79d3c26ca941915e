#pragma once

#include "absl/strings/string_view.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "lead-intake/lead_desk.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/core/work_pool.h"
#include "platform/grpc/live_streams.h"
#include "platform/redis/idempotent_answers.h"
#include "routing/offer_feed.h"

namespace firstline::lead_intake {

// gRPC adapter of LeadIntake: authorizes each call, maps proto to the desk and absl::Status
// to grpc::Status. No business rule lives here.
class LeadIntakeService final : public firstline::v1::LeadIntake::CallbackService {
 public:
  // Declares who may call each method on `authorizer`.
  // Blocking work runs on `pool`, never on gRPC's callback threads.
  // Retries of mutations with the same idempotency key get the first answer from `answers`.
  // Offer streams are ended through `live` when the server shuts down.
  LeadIntakeService(LeadDesk& desk, routing::OfferFeed& feed, platform::LiveStreams& live,
                    platform::WorkPool& pool, platform::IdempotentAnswers& answers,
                    platform::RpcAuthorizer& authorizer);

  grpc::ServerUnaryReactor* SubmitLead(grpc::CallbackServerContext* context,
                                       const firstline::v1::SubmitLeadRequest* request,
                                       firstline::v1::SubmitLeadResponse* response) override;
  grpc::ServerBidiReactor<firstline::v1::SubmitLeadsRequest, firstline::v1::SubmitLeadsResponse>*
  SubmitLeads(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* context,
                                    const firstline::v1::GetLeadRequest* request,
                                    firstline::v1::GetLeadResponse* response) override;
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context,
                                      const firstline::v1::ListLeadsRequest* request,
                                      firstline::v1::ListLeadsResponse* response) override;
  grpc::ServerWriteReactor<firstline::v1::WatchOffersResponse>* WatchOffers(
      grpc::CallbackServerContext* context,
      const firstline::v1::WatchOffersRequest* request) override;
  grpc::ServerUnaryReactor* AcceptLead(grpc::CallbackServerContext* context,
                                       const firstline::v1::AcceptLeadRequest* request,
                                       firstline::v1::AcceptLeadResponse* response) override;
  grpc::ServerUnaryReactor* DeclineLead(grpc::CallbackServerContext* context,
                                        const firstline::v1::DeclineLeadRequest* request,
                                        firstline::v1::DeclineLeadResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLeadStatus(
      grpc::CallbackServerContext* context, const firstline::v1::UpdateLeadStatusRequest* request,
      firstline::v1::UpdateLeadStatusResponse* response) override;
  grpc::ServerUnaryReactor* SetAvailability(
      grpc::CallbackServerContext* context, const firstline::v1::SetAvailabilityRequest* request,
      firstline::v1::SetAvailabilityResponse* response) override;
  grpc::ServerUnaryReactor* UpsertRep(grpc::CallbackServerContext* context,
                                      const firstline::v1::UpsertRepRequest* request,
                                      firstline::v1::UpsertRepResponse* response) override;
  grpc::ServerUnaryReactor* RemoveRep(grpc::CallbackServerContext* context,
                                      const firstline::v1::RemoveRepRequest* request,
                                      firstline::v1::RemoveRepResponse* response) override;
  grpc::ServerUnaryReactor* ExplainAssignment(
      grpc::CallbackServerContext* context, const firstline::v1::ExplainAssignmentRequest* request,
      firstline::v1::ExplainAssignmentResponse* response) override;
  grpc::ServerUnaryReactor* TransferAccountOwner(
      grpc::CallbackServerContext* context,
      const firstline::v1::TransferAccountOwnerRequest* request,
      firstline::v1::TransferAccountOwnerResponse* response) override;

 private:
  LeadDesk& desk_;
  routing::OfferFeed& feed_;
  platform::LiveStreams& live_;
  platform::WorkPool& pool_;
  platform::IdempotentAnswers& answers_;
  platform::RpcAuthorizer& authorizer_;
};

}  // namespace firstline::lead_intake
