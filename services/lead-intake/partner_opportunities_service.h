#pragma once

#include "firstline/v1/lead_intake.grpc.pb.h"
#include "lead-intake/registration_desk.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/core/work_pool.h"
#include "platform/redis/idempotent_answers.h"

namespace firstline::lead_intake {

// gRPC adapter of PartnerOpportunities: authorization and proto/status mapping only.
class PartnerOpportunitiesService final
    : public firstline::v1::PartnerOpportunities::CallbackService {
 public:
  PartnerOpportunitiesService(RegistrationDesk& desk, platform::WorkPool& pool,
                              platform::IdempotentAnswers& answers,
                              platform::RpcAuthorizer& authorizer);

  grpc::ServerUnaryReactor* RegisterOpportunity(
      grpc::CallbackServerContext* context,
      const firstline::v1::RegisterOpportunityRequest* request,
      firstline::v1::RegisterOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* ExtendRegistration(
      grpc::CallbackServerContext* context, const firstline::v1::ExtendRegistrationRequest* request,
      firstline::v1::ExtendRegistrationResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawRegistration(
      grpc::CallbackServerContext* context,
      const firstline::v1::WithdrawRegistrationRequest* request,
      firstline::v1::WithdrawRegistrationResponse* response) override;
  grpc::ServerUnaryReactor* GetRegistration(
      grpc::CallbackServerContext* context, const firstline::v1::GetRegistrationRequest* request,
      firstline::v1::GetRegistrationResponse* response) override;
  grpc::ServerUnaryReactor* ListRegistrations(
      grpc::CallbackServerContext* context, const firstline::v1::ListRegistrationsRequest* request,
      firstline::v1::ListRegistrationsResponse* response) override;
  grpc::ServerUnaryReactor* ReviewRegistration(
      grpc::CallbackServerContext* context, const firstline::v1::ReviewRegistrationRequest* request,
      firstline::v1::ReviewRegistrationResponse* response) override;

 private:
  RegistrationDesk& desk_;
  platform::WorkPool& pool_;
  platform::IdempotentAnswers& answers_;
  platform::RpcAuthorizer& authorizer_;
};

}  // namespace firstline::lead_intake
