#include "renewal-reminder/renewals_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "platform/core/page_token.h"
#include "platform/core/proto_time.h"
#include "platform/grpc/call_guard.h"
#include "platform/grpc/queued_stream.h"
#include "platform/grpc/status_conversion.h"
#include "platform/grpc/unary_call.h"

namespace firstline::renewal {
namespace {

using K = platform::PrincipalKind;
using platform::Principal;
using platform::UnaryCall;

std::string Method(absl::string_view name) { return absl::StrCat("/firstline.v1.Renewals/", name); }

// Whose task list a principal watches and lists: its own, or the operators' queue.
std::string OwnerOf(const Principal& p) {
  return p.kind == K::kOperator ? ReminderBook::kOperatorsQueue : p.subject;
}

// One owner's live task stream: open tasks replayed first, then each task as it falls due.
class ReminderStream final : public platform::QueuedServerStream<v1::WatchRemindersResponse> {
 public:
  ReminderStream(ReminderFeed& feed, platform::LiveStreams& live, const std::string& owner)
      : QueuedServerStream(&live), feed_(feed) {
    Open([&] {
      handle_ = feed_.Watch(owner, [this](const auto& tasks, bool replayed) {
        std::vector<v1::WatchRemindersResponse> out;
        for (const auto& t : tasks) {
          v1::WatchRemindersResponse r;
          *r.mutable_reminder() = t;
          r.set_replayed(replayed);
          out.push_back(std::move(r));
        }
        Send(std::move(out));
      });
    });
  }
  void Closed() override {
    feed_.Unwatch(handle_);  // after this no delivery runs
  }

 private:
  ReminderFeed& feed_;
  uint64_t handle_ = 0;
};

class RefusedReminderStream final : public grpc::ServerWriteReactor<v1::WatchRemindersResponse> {
 public:
  explicit RefusedReminderStream(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

RenewalsService::RenewalsService(RenewalDesk& desk, ReminderBook& book, ReminderFeed& feed,
                                 platform::LiveStreams& live, platform::WorkPool& pool,
                                 platform::IdempotentAnswers& answers,
                                 platform::RpcAuthorizer& authorizer)
    : desk_(desk),
      book_(book),
      feed_(feed),
      live_(live),
      pool_(pool),
      answers_(answers),
      authorizer_(authorizer) {
  auto& a = authorizer_;
  a.Allow(Method("RecordContract"), {K::kOperator, K::kService});
  a.Allow(Method("GetAccount"), {K::kRep, K::kEngineer, K::kOperator, K::kService});
  a.Allow(Method("SetAccountProfile"), {K::kOperator, K::kService});
  for (const char* m : {"WatchReminders", "ListReminders", "CompleteReminder", "SnoozeReminder"}) {
    a.Allow(Method(m), {K::kRep, K::kEngineer, K::kOperator});
  }
  a.Allow(Method("ReassignReminder"), {K::kOperator});
  a.Allow(Method("GetSchedulePolicy"), {K::kRep, K::kEngineer, K::kOperator, K::kService});
  a.Allow(Method("SetSchedulePolicy"), {K::kOperator});
  a.Allow(Method("GetAccountHealth"), {K::kRep, K::kEngineer, K::kOperator, K::kService});
  a.Allow(Method("ListAtRiskAccounts"), {K::kOperator, K::kService});
}

grpc::ServerUnaryReactor* RenewalsService::RecordContract(grpc::CallbackServerContext* context,
                                                          const v1::RecordContractRequest* request,
                                                          v1::RecordContractResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("RecordContract"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "RecordContract", request->idempotency_key(), *request, response, [&] {
              auto r = desk_.RecordContract(request->contract(), platform::TraceIdOf(*context));
              if (r.ok()) *response = std::move(*r);
              return r.status();
            });
      });
}

grpc::ServerUnaryReactor* RenewalsService::GetAccount(grpc::CallbackServerContext* context,
                                                      const v1::GetAccountRequest* request,
                                                      v1::GetAccountResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetAccount"), [=, this](const Principal&) {
    auto r = desk_.GetAccount(request->account_id());
    if (r.ok()) *response = std::move(*r);
    return r.status();
  });
}

grpc::ServerUnaryReactor* RenewalsService::SetAccountProfile(
    grpc::CallbackServerContext* context, const v1::SetAccountProfileRequest* request,
    v1::SetAccountProfileResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("SetAccountProfile"),
                   [=, this](const Principal& p) {
                     return answers_.Run(p.subject, "SetAccountProfile", request->idempotency_key(),
                                         *request, response, [&] {
                                           auto r = desk_.SetProfile(request->profile());
                                           if (r.ok()) *response->mutable_profile() = *r;
                                           return r.status();
                                         });
                   });
}

grpc::ServerWriteReactor<v1::WatchRemindersResponse>* RenewalsService::WatchReminders(
    grpc::CallbackServerContext* context, const v1::WatchRemindersRequest*) {
  auto principal = platform::GuardCall(authorizer_, *context, Method("WatchReminders"));
  if (!principal.ok()) {
    return new RefusedReminderStream(platform::ToGrpcStatus(principal.status()));
  }
  return new ReminderStream(feed_, live_, OwnerOf(*principal));
}

grpc::ServerUnaryReactor* RenewalsService::ListReminders(grpc::CallbackServerContext* context,
                                                         const v1::ListRemindersRequest* request,
                                                         v1::ListRemindersResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("ListReminders"),
      [=, this](const Principal& p) -> absl::Status {
        auto page_size = platform::PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto page_offset = platform::PageOffset(request->page_token());
        if (!page_offset.ok()) return page_offset.status();
        const size_t size = *page_size, offset = *page_offset;
        std::string owner = request->owner_id();
        if (p.kind != K::kOperator) {
          if (!owner.empty() && owner != p.subject) {
            return absl::PermissionDeniedError("owner_id: an owner lists only its own reminders");
          }
          owner = p.subject;
        }
        std::set<int> states(request->states().begin(), request->states().end());
        auto wanted = [&](const v1::Reminder& r) {
          return states.empty() || states.contains(r.state());
        };
        if (request->account_id().empty()) {
          // A task list can hold thousands (the operators' queue millions): read one page of
          // it, and one more to know whether another page follows.
          auto page =
              book_.Tasks(owner.empty() ? ReminderBook::kOperatorsQueue : owner, offset, size + 1);
          if (!page.ok()) return page.status();
          const bool more = page->size() > size;
          if (more) page->pop_back();
          for (auto& r : *page) {
            if (wanted(r)) *response->add_reminders() = std::move(r);
          }
          if (more) response->set_next_page_token(std::to_string(offset + size));
          return absl::OkStatus();
        }
        // An account's reminders not yet done: a few dozen at most.
        auto all = book_.Upcoming(request->account_id());
        if (!all.ok()) return all.status();
        std::vector<v1::Reminder> kept;
        for (auto& r : *all) {
          if (!owner.empty() && r.owner_id() != owner) continue;
          if (wanted(r)) kept.push_back(std::move(r));
        }
        for (size_t i = offset; i < kept.size() && i < offset + size; ++i) {
          *response->add_reminders() = std::move(kept[i]);
        }
        if (offset + size < kept.size()) {
          response->set_next_page_token(std::to_string(offset + size));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RenewalsService::CompleteReminder(
    grpc::CallbackServerContext* context, const v1::CompleteReminderRequest* request,
    v1::CompleteReminderResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("CompleteReminder"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "CompleteReminder", request->idempotency_key(), *request, response, [&] {
              auto r = desk_.Complete(p, request->reminder_id(), request->outcome(),
                                      request->notes(), platform::TraceIdOf(*context));
              if (r.ok()) *response->mutable_reminder() = *r;
              return r.status();
            });
      });
}

grpc::ServerUnaryReactor* RenewalsService::SnoozeReminder(grpc::CallbackServerContext* context,
                                                          const v1::SnoozeReminderRequest* request,
                                                          v1::SnoozeReminderResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("SnoozeReminder"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "SnoozeReminder", request->idempotency_key(), *request, response, [&] {
              auto r =
                  desk_.Snooze(p, request->reminder_id(), platform::FromProtoTime(request->until()),
                               platform::TraceIdOf(*context));
              if (r.ok()) *response->mutable_reminder() = *r;
              return r.status();
            });
      });
}

grpc::ServerUnaryReactor* RenewalsService::ReassignReminder(
    grpc::CallbackServerContext* context, const v1::ReassignReminderRequest* request,
    v1::ReassignReminderResponse* response) {
  return UnaryCall(
      authorizer_, pool_, context, Method("ReassignReminder"), [=, this](const Principal& p) {
        return answers_.Run(
            p.subject, "ReassignReminder", request->idempotency_key(), *request, response, [&] {
              auto r = desk_.Reassign(p, request->reminder_id(), request->owner_id(),
                                      platform::TraceIdOf(*context));
              if (r.ok()) *response->mutable_reminder() = *r;
              return r.status();
            });
      });
}

grpc::ServerUnaryReactor* RenewalsService::GetSchedulePolicy(
    grpc::CallbackServerContext* context, const v1::GetSchedulePolicyRequest*,
    v1::GetSchedulePolicyResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetSchedulePolicy"),
                   [=, this](const Principal&) {
                     *response->mutable_policy() = SchedulePolicyToProto(*desk_.policy());
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* RenewalsService::SetSchedulePolicy(
    grpc::CallbackServerContext* context, const v1::SetSchedulePolicyRequest* request,
    v1::SetSchedulePolicyResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("SetSchedulePolicy"),
                   [=, this](const Principal& p) {
                     return answers_.Run(p.subject, "SetSchedulePolicy", request->idempotency_key(),
                                         *request, response, [&] {
                                           auto r = desk_.ReplacePolicy(request->policy());
                                           if (r.ok()) *response->mutable_policy() = *r;
                                           return r.status();
                                         });
                   });
}

grpc::ServerUnaryReactor* RenewalsService::GetAccountHealth(
    grpc::CallbackServerContext* context, const v1::GetAccountHealthRequest* request,
    v1::GetAccountHealthResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("GetAccountHealth"),
                   [=, this](const Principal&) -> absl::Status {
                     if (auto st = desk_.CheckKnown(request->account_id()); !st.ok()) return st;
                     auto h = desk_.RecomputeHealth(request->account_id(),
                                                    platform::TraceIdOf(*context));
                     if (h.ok()) *response->mutable_health() = std::move(*h);
                     return h.status();
                   });
}

grpc::ServerUnaryReactor* RenewalsService::ListAtRiskAccounts(
    grpc::CallbackServerContext* context, const v1::ListAtRiskAccountsRequest* request,
    v1::ListAtRiskAccountsResponse* response) {
  return UnaryCall(authorizer_, pool_, context, Method("ListAtRiskAccounts"),
                   [=, this](const Principal&) -> absl::Status {
                     auto page_size = platform::PageSize(request->page_size());
                     if (!page_size.ok()) return page_size.status();
                     auto page_offset = platform::PageOffset(request->page_token());
                     if (!page_offset.ok()) return page_offset.status();
                     const size_t size = *page_size, offset = *page_offset;
                     auto page = desk_.AtRisk(offset, size + 1);
                     if (!page.ok()) return page.status();
                     for (size_t i = 0; i < page->size() && i < size; ++i) {
                       *response->add_accounts() = std::move((*page)[i]);
                     }
                     if (page->size() > size) {
                       response->set_next_page_token(std::to_string(offset + size));
                     }
                     return absl::OkStatus();
                   });
}

}  // namespace firstline::renewal
