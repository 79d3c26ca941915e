#pragma once

#include "channel-attribution/attribution_desk.h"
#include "firstline/v1/attribution.grpc.pb.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/core/work_pool.h"
#include "platform/redis/idempotent_answers.h"

namespace firstline::attribution {

// gRPC adapter of Attribution: maps proto <-> domain and absl::Status <-> grpc::Status, checks
// who may call what (a partner reads only its own statement); blocking work runs on the pool.
class AttributionService final : public v1::Attribution::CallbackService {
 public:
  AttributionService(AttributionDesk& desk, platform::WorkPool& pool,
                     platform::IdempotentAnswers& answers, platform::RpcAuthorizer& authorizer);

  grpc::ServerUnaryReactor* RecordTouch(grpc::CallbackServerContext* context,
                                        const v1::RecordTouchRequest* request,
                                        v1::RecordTouchResponse* response) override;
  grpc::ServerUnaryReactor* RecordSpend(grpc::CallbackServerContext* context,
                                        const v1::RecordSpendRequest* request,
                                        v1::RecordSpendResponse* response) override;
  grpc::ServerUnaryReactor* SetChannelCatalog(grpc::CallbackServerContext* context,
                                              const v1::SetChannelCatalogRequest* request,
                                              v1::SetChannelCatalogResponse* response) override;
  grpc::ServerUnaryReactor* GetChannelReport(grpc::CallbackServerContext* context,
                                             const v1::GetChannelReportRequest* request,
                                             v1::GetChannelReportResponse* response) override;
  grpc::ServerUnaryReactor* CompareModels(grpc::CallbackServerContext* context,
                                          const v1::CompareModelsRequest* request,
                                          v1::CompareModelsResponse* response) override;
  grpc::ServerUnaryReactor* GetFunnel(grpc::CallbackServerContext* context,
                                      const v1::GetFunnelRequest* request,
                                      v1::GetFunnelResponse* response) override;
  grpc::ServerUnaryReactor* GetJourney(grpc::CallbackServerContext* context,
                                       const v1::GetJourneyRequest* request,
                                       v1::GetJourneyResponse* response) override;
  grpc::ServerUnaryReactor* GetPartnerStatement(grpc::CallbackServerContext* context,
                                                const v1::GetPartnerStatementRequest* request,
                                                v1::GetPartnerStatementResponse* response) override;

 private:
  AttributionDesk& desk_;
  platform::WorkPool& pool_;
  platform::IdempotentAnswers& answers_;
  platform::RpcAuthorizer& authorizer_;
};

}  // namespace firstline::attribution
