// The engine's roster and account owners: workers joining, changing and leaving, their
// status and presence, and who owns an account. Decisions are in routing_engine.cc.
#include "absl/strings/str_join.h"
#include "routing/routing_engine.h"
#include "routing/worker_json.h"

namespace firstline::routing {

absl::Status RoutingEngine::UpsertWorker(const Worker& worker) { return UpsertWorkers({worker}); }

absl::Status RoutingEngine::UpsertWorkers(const std::vector<Worker>& workers) {
  if (workers.empty()) return absl::OkStatus();
  std::vector<std::string> args{std::to_string(NowMs())};
  args.reserve(1 + 7 * workers.size());
  for (const auto& worker : workers) {
    if (auto st = ValidateWorker(worker); !st.ok()) {
      if (workers.size() == 1) return st;
      return absl::Status(st.code(), absl::StrCat("worker ", worker.id, ": ", st.message()));
    }
    for (std::string a : {worker.id, WorkerToJson(worker), worker.organisation,
                          std::to_string(worker.capacity), std::to_string(worker.daily_cap),
                          std::to_string(worker.weight), absl::StrJoin(worker.pools, "|")}) {
      args.push_back(std::move(a));
    }
  }
  auto r = redis_.Eval(upsert_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  // The script bumped the version once per worker, in order.
  int64_t version = r->integer - static_cast<int64_t>(workers.size());
  for (const auto& worker : workers) {
    roster_.Apply(++version, worker.id, std::make_shared<const Worker>(worker));
  }
  // A new or widened worker may fit a parked item.
  return OfferParked().status();
}

absl::Status RoutingEngine::RemoveWorker(const std::string& worker_id) {
  auto r = redis_.Eval(remove_, {ver_key_}, {worker_id, std::to_string(NowMs())});
  if (!r.ok()) return r.status();
  roster_.Apply(r->integer, worker_id, nullptr);
  return absl::OkStatus();
}

absl::StatusOr<bool> RoutingEngine::Presence(const std::string& worker_id, const std::string& op,
                                             const std::string& value) {
  auto r = redis_.Eval(presence_, {ver_key_},
                       {worker_id, op, value, std::to_string(NowMs()),
                        std::to_string(absl::ToInt64Milliseconds(config_.presence_timeout))});
  if (!r.ok()) return r.status();
  bool can_take = r->integer == 1;
  if (can_take) {
    if (auto parked = OfferParked(); !parked.ok()) return parked.status();
  }
  return can_take;
}

absl::StatusOr<bool> RoutingEngine::SetStatus(const std::string& worker_id, WorkerStatus status) {
  return Presence(worker_id, "status", std::string(StatusName(status)));
}
absl::Status RoutingEngine::DeclareAvailability(const std::string& worker_id, WorkerStatus status) {
  auto r = SetStatus(worker_id, status);
  if (!r.ok()) return r.status();
  if (status == WorkerStatus::kAvailable) return Heartbeat(worker_id).status();
  return absl::OkStatus();
}

absl::StatusOr<bool> RoutingEngine::Heartbeat(const std::string& worker_id) {
  return Presence(worker_id, "heartbeat", "");
}
absl::StatusOr<bool> RoutingEngine::StreamOpened(const std::string& worker_id) {
  return Presence(worker_id, "stream_open", "");
}
absl::StatusOr<bool> RoutingEngine::StreamClosed(const std::string& worker_id) {
  return Presence(worker_id, "stream_close", "");
}

absl::StatusOr<std::optional<std::string>> RoutingEngine::Owner(const std::string& account_id) {
  auto r = redis_.Command({"GET", tag_ + ":own:" + config_.owner_kind + ":" + account_id});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<std::string>();
  return std::optional<std::string>(r->str);
}

std::optional<Worker> RoutingEngine::FindWorker(const std::string& worker_id) const {
  auto roster = roster_.Current();
  const Worker* w = roster->Find(worker_id);
  if (w == nullptr) return std::nullopt;
  return *w;
}

absl::StatusOr<std::string> RoutingEngine::TransferOwner(const std::string& account_id,
                                                         const std::string& new_owner,
                                                         const std::string& by,
                                                         const std::string& reason) {
  if (by.empty() || reason.empty()) {
    return absl::InvalidArgumentError("a transfer needs who made it (by) and a reason");
  }
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(),
              {config_.owner_kind, account_id, new_owner, by, reason.substr(0, 500), "0"});
  auto r = redis_.Eval(transfer_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  return r->str;
}

absl::StatusOr<bool> RoutingEngine::SetOwnerIfNone(const std::string& account_id,
                                                   const std::string& owner, const std::string& by,
                                                   const std::string& reason) {
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(), {config_.owner_kind, account_id, owner, by, reason.substr(0, 500), "1"});
  auto r = redis_.Eval(transfer_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  return r->str.empty();
}

}  // namespace firstline::routing
