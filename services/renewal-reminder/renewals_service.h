#pragma once

#include "firstline/v1/renewals.grpc.pb.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/core/work_pool.h"
#include "platform/grpc/live_streams.h"
#include "platform/redis/idempotent_answers.h"
#include "renewal-reminder/reminder_feed.h"
#include "renewal-reminder/renewal_desk.h"

namespace firstline::renewal {

// gRPC adapter of Renewals: maps proto <-> domain and absl::Status <-> grpc::Status; blocking
// work runs on the pool.
class RenewalsService final : public firstline::v1::Renewals::CallbackService {
 public:
  // Task streams are ended through `live` when the server shuts down.
  RenewalsService(RenewalDesk& desk, ReminderBook& book, ReminderFeed& feed,
                  platform::LiveStreams& live, platform::WorkPool& pool,
                  platform::IdempotentAnswers& answers, platform::RpcAuthorizer& authorizer);

  grpc::ServerUnaryReactor* RecordContract(grpc::CallbackServerContext* context,
                                           const v1::RecordContractRequest* request,
                                           v1::RecordContractResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;
  grpc::ServerUnaryReactor* SetAccountProfile(grpc::CallbackServerContext* context,
                                              const v1::SetAccountProfileRequest* request,
                                              v1::SetAccountProfileResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchRemindersResponse>* WatchReminders(
      grpc::CallbackServerContext* context, const v1::WatchRemindersRequest* request) override;
  grpc::ServerUnaryReactor* ListReminders(grpc::CallbackServerContext* context,
                                          const v1::ListRemindersRequest* request,
                                          v1::ListRemindersResponse* response) override;
  grpc::ServerUnaryReactor* CompleteReminder(grpc::CallbackServerContext* context,
                                             const v1::CompleteReminderRequest* request,
                                             v1::CompleteReminderResponse* response) override;
  grpc::ServerUnaryReactor* SnoozeReminder(grpc::CallbackServerContext* context,
                                           const v1::SnoozeReminderRequest* request,
                                           v1::SnoozeReminderResponse* response) override;
  grpc::ServerUnaryReactor* ReassignReminder(grpc::CallbackServerContext* context,
                                             const v1::ReassignReminderRequest* request,
                                             v1::ReassignReminderResponse* response) override;
  grpc::ServerUnaryReactor* GetSchedulePolicy(grpc::CallbackServerContext* context,
                                              const v1::GetSchedulePolicyRequest* request,
                                              v1::GetSchedulePolicyResponse* response) override;
  grpc::ServerUnaryReactor* SetSchedulePolicy(grpc::CallbackServerContext* context,
                                              const v1::SetSchedulePolicyRequest* request,
                                              v1::SetSchedulePolicyResponse* response) override;
  grpc::ServerUnaryReactor* GetAccountHealth(grpc::CallbackServerContext* context,
                                             const v1::GetAccountHealthRequest* request,
                                             v1::GetAccountHealthResponse* response) override;
  grpc::ServerUnaryReactor* ListAtRiskAccounts(grpc::CallbackServerContext* context,
                                               const v1::ListAtRiskAccountsRequest* request,
                                               v1::ListAtRiskAccountsResponse* response) override;

 private:
  RenewalDesk& desk_;
  ReminderBook& book_;
  ReminderFeed& feed_;
  platform::LiveStreams& live_;
  platform::WorkPool& pool_;
  platform::IdempotentAnswers& answers_;
  platform::RpcAuthorizer& authorizer_;
};

}  // namespace firstline::renewal
