#include "lead-intake/partner_opportunities_service.h"

#include "absl/strings/str_cat.h"
#include "platform/grpc/unary_call.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) {
  return absl::StrCat("/firstline.v1.PartnerOpportunities/", name);
}

}  // namespace

PartnerOpportunitiesService::PartnerOpportunitiesService(RegistrationDesk& desk,
                                                         platform::WorkPool& pool,
                                                         platform::IdempotentAnswers& answers,
                                                         platform::RpcAuthorizer& authorizer)
    : desk_(desk), pool_(pool), answers_(answers), authorizer_(authorizer) {
  authorizer_.Allow(Method("RegisterOpportunity"), {K::kPartner});
  authorizer_.Allow(Method("ExtendRegistration"), {K::kPartner});
  authorizer_.Allow(Method("WithdrawRegistration"), {K::kPartner});
  authorizer_.Allow(Method("GetRegistration"), {K::kPartner, K::kOperator, K::kService});
  authorizer_.Allow(Method("ListRegistrations"), {K::kPartner});
  authorizer_.Allow(Method("ReviewRegistration"), {K::kOperator});
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::RegisterOpportunity(
    grpc::CallbackServerContext* context, const v1::RegisterOpportunityRequest* request,
    v1::RegisterOpportunityResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("RegisterOpportunity"),
                   [=, this](const Principal& p) {
                     auto reg = desk_.Register(p, *request, platform::TraceIdOf(*context));
                     if (reg.ok()) *response->mutable_registration() = std::move(*reg);
                     return reg.status();
                   });
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::ExtendRegistration(
    grpc::CallbackServerContext* context, const v1::ExtendRegistrationRequest* request,
    v1::ExtendRegistrationResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("ExtendRegistration"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "ExtendRegistration", request->idempotency_key(), *request, response, [&] {
              auto reg = desk_.Extend(p, request->registration_id(), platform::TraceIdOf(*context));
              if (reg.ok()) *response->mutable_registration() = std::move(*reg);
              return reg.status();
            });
      });
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::WithdrawRegistration(
    grpc::CallbackServerContext* context, const v1::WithdrawRegistrationRequest* request,
    v1::WithdrawRegistrationResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("WithdrawRegistration"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "WithdrawRegistration", request->idempotency_key(), *request, response, [&] {
              return desk_.Withdraw(p, request->registration_id(), platform::TraceIdOf(*context));
            });
      });
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::GetRegistration(
    grpc::CallbackServerContext* context, const v1::GetRegistrationRequest* request,
    v1::GetRegistrationResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetRegistration"),
                   [=, this](const Principal& p) {
                     auto reg = desk_.Get(p, request->registration_id());
                     if (reg.ok()) *response->mutable_registration() = std::move(*reg);
                     return reg.status();
                   });
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::ListRegistrations(
    grpc::CallbackServerContext* context, const v1::ListRegistrationsRequest* request,
    v1::ListRegistrationsResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("ListRegistrations"),
                   [=, this](const Principal& p) {
                     auto page = desk_.List(p, *request);
                     if (!page.ok()) return page.status();
                     for (auto& reg : page->records) {
                       *response->add_registrations() = std::move(reg);
                     }
                     response->set_next_page_token(page->next_page_token);
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* PartnerOpportunitiesService::ReviewRegistration(
    grpc::CallbackServerContext* context, const v1::ReviewRegistrationRequest* request,
    v1::ReviewRegistrationResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("ReviewRegistration"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "ReviewRegistration", request->idempotency_key(), *request, response, [&] {
              auto reg = desk_.Review(p, request->registration_id(), request->approve(),
                                      request->reason(), platform::TraceIdOf(*context));
              if (reg.ok()) *response->mutable_registration() = std::move(*reg);
              return reg.status();
            });
      });
}

}  // namespace firstline::lead_intake
