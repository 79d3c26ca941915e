#include "channel-attribution/attribution_service.h"

#include "absl/strings/str_cat.h"
#include "platform/grpc/unary_call.h"

namespace firstline::attribution {
namespace {

using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) {
  return absl::StrCat("/firstline.v1.Attribution/", name);
}

// Runs `call` (returning StatusOr<Response>) and moves its answer into `response`.
template <typename Response, typename Call>
absl::Status Answer(Response* response, Call call) {
  auto r = call();
  if (r.ok()) *response = std::move(*r);
  return r.status();
}

}  // namespace

AttributionService::AttributionService(AttributionDesk& desk, platform::WorkPool& pool,
                                       platform::IdempotentAnswers& answers,
                                       platform::RpcAuthorizer& authorizer)
    : desk_(desk), pool_(pool), answers_(answers), authorizer_(authorizer) {
  auto& a = authorizer_;
  a.Allow(Method("RecordTouch"), {K::kCallCentre, K::kOperator, K::kService});
  a.Allow(Method("RecordSpend"), {K::kOperator, K::kService});
  a.Allow(Method("SetChannelCatalog"), {K::kOperator});
  for (const char* m : {"GetChannelReport", "CompareModels", "GetFunnel", "GetJourney"}) {
    a.Allow(Method(m), {K::kOperator, K::kService});
  }
  a.Allow(Method("GetPartnerStatement"), {K::kPartner, K::kOperator, K::kService});
}

grpc::ServerUnaryReactor* AttributionService::RecordTouch(grpc::CallbackServerContext* context,
                                                          const v1::RecordTouchRequest* request,
                                                          v1::RecordTouchResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("RecordTouch"), [=, this](const Principal&) {
    return Answer(response,
                  [&] { return desk_.RecordTouch(*request, platform::TraceIdOf(*context)); });
  });
}

grpc::ServerUnaryReactor* AttributionService::RecordSpend(grpc::CallbackServerContext* context,
                                                          const v1::RecordSpendRequest* request,
                                                          v1::RecordSpendResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("RecordSpend"), [=, this](const Principal&) {
    return Answer(response, [&] { return desk_.RecordSpend(*request); });
  });
}

grpc::ServerUnaryReactor* AttributionService::SetChannelCatalog(
    grpc::CallbackServerContext* context, const v1::SetChannelCatalogRequest* request,
    v1::SetChannelCatalogResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("SetChannelCatalog"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "SetChannelCatalog", request->idempotency_key(), *request, response,
            [&] { return Answer(response, [&] { return desk_.SetChannelCatalog(*request); }); });
      });
}

grpc::ServerUnaryReactor* AttributionService::GetChannelReport(
    grpc::CallbackServerContext* context, const v1::GetChannelReportRequest* request,
    v1::GetChannelReportResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetChannelReport"),
                   [=, this](const Principal&) {
                     return Answer(response, [&] { return desk_.ChannelReport(*request); });
                   });
}

grpc::ServerUnaryReactor* AttributionService::CompareModels(grpc::CallbackServerContext* context,
                                                            const v1::CompareModelsRequest* request,
                                                            v1::CompareModelsResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("CompareModels"),
                   [=, this](const Principal&) {
                     return Answer(response, [&] { return desk_.CompareModels(*request); });
                   });
}

grpc::ServerUnaryReactor* AttributionService::GetFunnel(grpc::CallbackServerContext* context,
                                                        const v1::GetFunnelRequest* request,
                                                        v1::GetFunnelResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetFunnel"), [=, this](const Principal&) {
    return Answer(response, [&] { return desk_.Funnel(*request); });
  });
}

grpc::ServerUnaryReactor* AttributionService::GetJourney(grpc::CallbackServerContext* context,
                                                         const v1::GetJourneyRequest* request,
                                                         v1::GetJourneyResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetJourney"), [=, this](const Principal&) {
    return Answer(response, [&] { return desk_.Journey(*request); });
  });
}

grpc::ServerUnaryReactor* AttributionService::GetPartnerStatement(
    grpc::CallbackServerContext* context, const v1::GetPartnerStatementRequest* request,
    v1::GetPartnerStatementResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetPartnerStatement"),
                   [=, this](const Principal& p) -> absl::Status {
                     // A partner reads its own statement only; whose else exists is not told.
                     if (p.kind == K::kPartner && p.organisation != request->partner_id()) {
                       return absl::PermissionDeniedError(
                           "partner_id: a partner may read only its own statement");
                     }
                     return Answer(response, [&] { return desk_.PartnerStatement(*request); });
                   });
}

}  // namespace firstline::attribution
