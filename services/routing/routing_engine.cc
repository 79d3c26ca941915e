#include "routing/routing_engine.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "firstline/v1/routing_events.pb.h"
#include "lua/accept.lua.h"
#include "lua/complete.lua.h"
#include "lua/decline.lua.h"
#include "lua/expire.lua.h"
#include "lua/feed_snapshot.lua.h"
#include "lua/offer.lua.h"
#include "lua/owner_transfer.lua.h"
#include "lua/park.lua.h"
#include "lua/withdraw.lua.h"
#include "lua/worker_presence.lua.h"
#include "lua/worker_remove.lua.h"
#include "lua/worker_upsert.lua.h"
#include "nlohmann/json.hpp"
#include "platform/core/ids.h"
#include "platform/outbox/event_template.h"
#include "routing/candidate_filter.h"
#include "routing/worker_json.h"

namespace firstline::routing {
namespace {

constexpr size_t kMaxListedExclusions = 50;
// Rosters up to this size are filtered whole (every exclusion has its reason in the receipt).
constexpr size_t kExaminedWhole = 256;

std::string IdBase() { return platform::NewRandomId().substr(0, 30); }

// What the WorkItemOffered events of one decision share, encoded here: the script adds only
// offer, worker, organisation and deadline (encoding the rest in Lua was a seventh of the
// script's time).
absl::StatusOr<platform::EventTemplate> OfferedTemplate(const WorkItem& item, const Rule& rule,
                                                        int target_index, const Target& target,
                                                        const std::string& policy_version,
                                                        const EngineConfig& config,
                                                        const std::string& trace_id,
                                                        const platform::Clock& clock) {
  v1::WorkItemOffered known;
  known.mutable_item()->set_kind(item.kind == "lead"     ? v1::WORK_ITEM_KIND_LEAD
                                 : item.kind == "ticket" ? v1::WORK_ITEM_KIND_TICKET
                                                         : v1::WORK_ITEM_KIND_UNSPECIFIED);
  known.mutable_item()->set_item_id(item.id);
  known.mutable_item()->set_account_id(item.account_id);
  known.set_rule(rule.name);
  known.set_target_index(target_index);
  known.set_strategy(std::string(StrategyName(target.strategy)));
  known.set_policy_version(policy_version);
  return platform::MakeEventTemplate(known, config.producer, trace_id, clock);
}

// The decision receipt up to its static exclusions, as JSON left open: the script appends
// what it saw live, the pick and the strategy state, and closes it (encoding all of it in Lua
// cost a tenth of the script).
std::string ReceiptHead(const std::string& now_ms, const Rule& rule, int target_index,
                        const Target& target, const std::string& policy_version,
                        const FilterResult& filtered) {
  nlohmann::json head = {{"rule", rule.name},
                         {"target", target_index},
                         {"strategy", StrategyName(target.strategy)},
                         {"policy_version", policy_version}};
  // Invalid UTF-8 (a rule or worker named so) is replaced, never thrown.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string out =
      absl::StrCat("{\"at\":", now_ms, ",", head.dump(-1, ' ', false, kReplace).substr(1));
  out.back() = ',';  // the object stays open
  out += "\"candidates\":[";
  nlohmann::json j = nlohmann::json::array();
  for (const auto& e : filtered.exclusions) {
    j.push_back({{"id", e.worker_id}, {"excluded", e.reason}});
  }
  if (filtered.unlisted_exclusions > 0) {
    j.push_back({{"id", ""},
                 {"excluded",
                  absl::StrCat(filtered.unlisted_exclusions, " more excluded by static filters")}});
  }
  if (!j.empty()) {
    const std::string items = j.dump(-1, ' ', false, kReplace);
    out.append(items, 1, items.size() - 2);
  }
  return out;
}

}  // namespace

RoutingEngine::RoutingEngine(platform::RedisClient& redis, EngineConfig config,
                             std::shared_ptr<const Policy> policy, const platform::Clock& clock)
    : redis_(redis),
      config_(std::move(config)),
      clock_(clock),
      tag_(Tag(config_.domain)),
      ver_key_(tag_ + ":ver"),
      roster_(redis, tag_),
      policy_(std::move(policy)),
      offer_("routing_offer", kOfferLua),
      accept_("routing_accept", kAcceptLua),
      decline_("routing_decline", kDeclineLua),
      expire_("routing_expire", kExpireLua),
      feed_snapshot_("routing_feed_snapshot", kFeedSnapshotLua),
      park_("routing_park", kParkLua),
      complete_("routing_complete", kCompleteLua),
      upsert_("routing_worker_upsert", kWorkerUpsertLua),
      remove_("routing_worker_remove", kWorkerRemoveLua),
      presence_("routing_worker_presence", kWorkerPresenceLua),
      transfer_("routing_owner_transfer", kOwnerTransferLua),
      withdraw_("routing_withdraw", kWithdrawLua),
      offers_(redis_, offer_, ver_key_, config_.offer_batching) {}

void RoutingEngine::SetPolicy(std::shared_ptr<const Policy> policy) {
  std::lock_guard lock(policy_mu_);
  policy_ = std::move(policy);
}

std::shared_ptr<const Policy> RoutingEngine::policy() const {
  std::lock_guard lock(policy_mu_);
  return policy_;
}

int64_t RoutingEngine::NowMs() const { return absl::ToUnixMillis(clock_.Now()); }

std::vector<std::string> RoutingEngine::EventArgs(const std::string& trace_id) const {
  return {std::to_string(NowMs()), config_.producer, trace_id, config_.topic, IdBase()};
}

absl::StatusOr<Decision> RoutingEngine::Route(const WorkItem& item, const std::string& trace_id) {
  if (auto st = ValidateWorkItem(item); !st.ok()) return st;
  auto p = policy();
  return RouteFrom(*p, item, p->Match(item), 0, trace_id, false);
}

absl::StatusOr<Decision> RoutingEngine::RouteFrom(const Policy& policy, const WorkItem& item,
                                                  const Rule& rule, int first_target,
                                                  const std::string& trace_id,
                                                  bool only_if_parked) {
  Decision decision;
  decision.item_id = item.id;
  decision.rule = rule.name;
  decision.policy_version = policy.version;
  const std::string doc = WorkItemToJson(item);
  // Notes of targets passed over without a script call, for the next target's receipt.
  std::vector<Exclusion> carried;
  // The account's owner once read: unset until then, empty when it has none.
  std::optional<std::string> owner;
  const int targets = static_cast<int>(rule.targets.size());
  for (int t = first_target; t < targets; ++t) {
    const Target& target = rule.targets[t];
    // Set when this decision stands only if the account has no owner (see offer.lua).
    bool probes_owner = false;
    if (target.strategy == Strategy::kOwner) {
      if (!owner.has_value()) {
        const bool next_probes =
            t + 1 < targets && rule.targets[t + 1].strategy != Strategy::kOwner;
        if (!next_probes) {
          // Nothing to send the check with: one GET instead of a reservation script.
          auto read = Owner(item.account_id);
          if (!read.ok()) return read.status();
          owner = read->value_or("");
        }
      }
      if (!owner.has_value() || owner->empty()) {
        carried.push_back({"", absl::StrCat("target ", t, " (owner): account has no ",
                                            config_.owner_kind, " owner")});
        continue;
      }
    } else if (!owner.has_value() && t > first_target &&
               rule.targets[t - 1].strategy == Strategy::kOwner) {
      probes_owner = true;
    }
    const std::string owner_id = owner.value_or("");
    bool owner_found = false;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto roster = roster_.Current();
      // Only the pool's members in the item's region (the owner alone for an owner target)
      // can pass the static filters. A small roster is examined whole, so its receipts name
      // why each worker was out; in a large one the rest is counted, not examined.
      std::vector<const Worker*> scope;
      std::string out_of_scope;
      if (roster->workers.size() <= kExaminedWhole) {
        for (const auto& w : roster->workers) scope.push_back(w.get());
      } else if (target.strategy == Strategy::kOwner) {
        if (const Worker* w = roster->Find(owner_id); w != nullptr) scope.push_back(w);
        out_of_scope = "others: not the account owner";
      } else {
        const std::string region = item.Attribute("region");
        scope = roster->InPool(target.pool, region);
        out_of_scope = absl::StrCat("others: not in pool ", target.pool,
                                    region.empty() ? "" : " covering region ", region);
      }
      FilterResult filtered =
          FilterCandidates(scope, item, target, clock_.Now(), kMaxListedExclusions);
      if (const size_t others = roster->workers.size() - scope.size(); others > 0) {
        filtered.exclusions.push_back({"", absl::StrCat(others, " ", out_of_scope)});
      }
      filtered.exclusions.insert(filtered.exclusions.begin(), carried.begin(), carried.end());
      std::vector<std::string> args = EventArgs(trace_id);
      const std::string now_ms = args[0];
      std::string receipt_head = ReceiptHead(now_ms, rule, t, target, policy.version, filtered);
      args.insert(
          args.end(),
          {item.id, item.kind, item.account_id, rule.name, std::to_string(t),
           std::string(StrategyName(target.strategy)),
           std::to_string(absl::ToInt64Milliseconds(target.offer_timeout)),
           std::to_string(target.broadcast_size), std::to_string(target.max_offers), policy.version,
           std::to_string(absl::ToInt64Milliseconds(config_.presence_timeout)), config_.owner_kind,
           std::move(receipt_head), IdBase(), target.pool,
           std::to_string(target.sla ? absl::ToInt64Milliseconds(*target.sla) : 0), roster->version,
           doc, only_if_parked ? "1" : "0"});
      std::string packed = "|";
      for (const Candidate& c : filtered.candidates) {
        absl::StrAppend(&packed, c.worker->id, ":", c.local_day, ":", c.worker->weight, "|");
      }
      args.push_back(std::move(packed));
      args.push_back(std::to_string(filtered.candidates.size()));
      auto offered =
          OfferedTemplate(item, rule, t, target, policy.version, config_, trace_id, clock_);
      if (!offered.ok()) return offered.status();
      platform::AppendEventTemplateArgs(*std::move(offered), args);
      args.push_back(probes_owner ? config_.owner_kind : "");
      // A decision may read every candidate's live state.
      auto r =
          offers_.Decide(std::move(args), static_cast<int64_t>(filtered.candidates.size()) + 1);
      if (!r.ok()) return r.status();
      const std::string& outcome = r->elements.at(0).str;
      if (outcome == "owner") {
        // Only a probing decision steps aside; anything else would send the loop back forever.
        if (!probes_owner || carried.empty()) {
          return absl::InternalError(
              absl::StrCat("offer script: an owner answer to item ", item.id, " not probing"));
        }
        // The account has an owner after all: back to the owner target, without its note.
        owner = r->elements.at(1).str;
        carried.pop_back();
        owner_found = true;
        break;
      }
      if (outcome == "taken") {
        decision.outcome = Decision::Outcome::kTaken;
        return decision;
      }
      if (outcome == "stale") {
        if (auto st = roster_.Reload(); !st.ok()) return st;
        continue;
      }
      if (outcome == "offered") {
        decision.outcome = Decision::Outcome::kOffered;
        decision.target_index = t;
        decision.strategy = std::string(StrategyName(target.strategy));
        for (size_t i = 1; i + 2 < r->elements.size(); i += 3) {
          decision.offers.push_back(
              {r->elements[i + 1].str, r->elements[i].str, r->elements[i + 2].str});
        }
        return decision;
      }
      break;  // "none" or "exhausted": escalate to the next target
    }
    if (owner_found) t -= 2;  // the loop's ++t lands on the owner target, t - 1
  }
  std::vector<std::string> args = EventArgs(trace_id);
  args.insert(args.end(), {item.id, item.kind, item.account_id, rule.name,
                           "every target exhausted: no fitting worker free", doc});
  auto parked = redis_.Eval(park_, {ver_key_}, args);
  if (!parked.ok()) return parked.status();
  decision.outcome = Decision::Outcome::kParked;
  return decision;
}

absl::StatusOr<Decision> RoutingEngine::Continue(const std::string& item_id) {
  auto fields = redis_.Command({"HMGET", tag_ + ":item:" + item_id, "doc", "rule", "target"});
  if (!fields.ok()) return fields.status();
  if (fields->elements.at(0).is_nil()) {
    return absl::NotFoundError(absl::StrCat("item ", item_id, " has no stored document"));
  }
  auto item = WorkItemFromJson(fields->elements[0].str);
  if (!item.ok()) return item.status();
  auto p = policy();
  // After a policy reload the rule may be gone: route the item from scratch.
  const Rule* rule = p->FindRule(fields->elements[1].str);
  int target = 0;
  if (rule == nullptr || !absl::SimpleAtoi(fields->elements[2].str, &target) || target < 0) {
    rule = &p->Match(*item);
    target = 0;
  }
  return RouteFrom(*p, *item, *rule, target, "", false);
}

absl::StatusOr<Assignment> RoutingEngine::Accept(const std::string& offer_id,
                                                 const std::string& worker_id) {
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(), {offer_id, worker_id, config_.owner_kind});
  auto r = redis_.Eval(accept_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  Assignment a;
  a.fencing_version = r->elements.at(0).integer;
  a.became_owner = r->elements.at(1).integer == 1;
  a.item_id = r->elements.at(2).str;
  a.account_id = r->elements.at(3).str;
  a.organisation_id = r->elements.at(4).str;
  a.worker_id = worker_id;
  return a;
}

absl::StatusOr<std::optional<Decision>> RoutingEngine::Decline(const std::string& offer_id,
                                                               const std::string& worker_id,
                                                               const std::string& reason) {
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(), {offer_id, worker_id, reason.substr(0, 500)});
  auto r = redis_.Eval(decline_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  if (r->elements.at(1).integer > 0) return std::optional<Decision>();
  auto next = Continue(r->elements.at(0).str);
  if (!next.ok()) return next.status();
  return std::optional<Decision>(std::move(*next));
}

absl::StatusOr<std::vector<Decision>> RoutingEngine::ExpireDue() {
  std::vector<std::string> args = EventArgs("");
  args.push_back(std::to_string(config_.expire_batch));
  auto r = redis_.Eval(expire_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  std::vector<Decision> decisions;
  for (const auto& item : r->elements) {
    auto next = Continue(item.str);
    if (!next.ok()) return next.status();
    decisions.push_back(std::move(*next));
  }
  return decisions;
}

absl::StatusOr<std::vector<Decision>> RoutingEngine::OfferParked(int limit) {
  auto parked = redis_.Command({"ZRANGE", tag_ + ":parked", "0", std::to_string(limit - 1)});
  auto p = policy();
  if (!parked.ok()) return parked.status();
  std::vector<Decision> decisions;
  for (const auto& id : parked->elements) {
    auto doc = redis_.Command({"HGET", tag_ + ":item:" + id.str, "doc"});
    if (!doc.ok()) return doc.status();
    auto item = WorkItemFromJson(doc->str);
    if (!item.ok()) return item.status();
    // The list may be stale: the script skips an item that left the queue meanwhile.
    auto d = RouteFrom(*p, *item, p->Match(*item), 0, "", true);
    if (!d.ok()) return d.status();
    if (d->outcome != Decision::Outcome::kTaken) decisions.push_back(std::move(*d));
  }
  return decisions;
}

absl::Status RoutingEngine::Cancel(const std::string& item_id) {
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(), {item_id, "cancel"});
  auto r = redis_.Eval(withdraw_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  return OfferParked().status();  // capacity may have been freed
}

absl::StatusOr<Decision> RoutingEngine::Escalate(const std::string& item_id) {
  std::vector<std::string> args = EventArgs("");
  args.insert(args.end(), {item_id, "escalate"});
  auto r = redis_.Eval(withdraw_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  return Continue(item_id);
}

absl::Status RoutingEngine::Complete(const std::string& item_id, int64_t fencing_version) {
  auto r = redis_.Eval(complete_, {ver_key_}, {item_id, std::to_string(fencing_version)});
  if (!r.ok()) return r.status();
  return OfferParked().status();
}

absl::StatusOr<std::vector<std::string>> RoutingEngine::Receipts(const std::string& item_id) {
  // The offer script keeps the item's last receipts as fields of its hash ("r:<n>", older ones
  // deleted as it goes, so the bound lives there alone). Items routed before that kept them in
  // a list, read first. One round trip for both.
  const std::string item = tag_ + ":item:" + item_id;
  auto replies =
      redis_.Pipeline({{"LRANGE", tag_ + ":rcpt:" + item_id, "0", "-1"}, {"HGETALL", item}});
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (!r.ok()) return r.status();
  }
  std::vector<std::string> out;
  for (const auto& e : (*replies)[0]->elements) out.push_back(e.str);
  std::vector<std::pair<int64_t, const std::string*>> kept;
  const auto& fields = (*replies)[1]->elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    absl::string_view name = fields[i].str;
    int64_t n = 0;
    if (absl::ConsumePrefix(&name, "r:") && absl::SimpleAtoi(name, &n)) {
      kept.emplace_back(n, &fields[i + 1].str);
    }
  }
  std::sort(kept.begin(), kept.end());
  for (const auto& [n, receipt] : kept) out.push_back(*receipt);
  if (out.empty()) return absl::NotFoundError(absl::StrCat("no receipts for item ", item_id));
  return out;
}

absl::StatusOr<std::vector<PendingOffer>> RoutingEngine::PendingOffers(
    const std::string& worker_id) {
  auto snapshot = ReadFeedSnapshot({worker_id}, {});
  if (!snapshot.ok()) return snapshot.status();
  return std::move(snapshot->pending[worker_id]);
}

absl::StatusOr<std::set<std::string>> RoutingEngine::PendingOfferIds(const std::string& worker_id) {
  // Every script that opens or ends an offer keeps this set in step with the offer's state.
  auto ids = redis_.Command({"SMEMBERS", tag_ + ":wo:" + worker_id});
  if (!ids.ok()) return ids.status();
  std::set<std::string> out;
  for (const auto& id : ids->elements) out.insert(id.str);
  return out;
}

absl::StatusOr<RoutingEngine::FeedSnapshot> RoutingEngine::ReadFeedSnapshot(
    const std::vector<std::string>& worker_ids, const std::vector<std::string>& known) {
  std::vector<std::string> args;
  args.reserve(1 + worker_ids.size() + known.size());
  args.push_back(std::to_string(worker_ids.size()));
  args.insert(args.end(), worker_ids.begin(), worker_ids.end());
  args.insert(args.end(), known.begin(), known.end());
  auto r = redis_.Eval(feed_snapshot_, {ver_key_}, args);
  if (!r.ok()) return r.status();
  if (r->elements.size() != worker_ids.size() + 1 ||
      r->elements.back().elements.size() != known.size()) {
    return absl::InternalError("feed snapshot: the reply does not match the request");
  }
  FeedSnapshot out;
  for (size_t w = 0; w < worker_ids.size(); ++w) {
    auto& list = out.pending[worker_ids[w]];
    const auto& flat = r->elements[w].elements;
    for (size_t i = 0; i + 2 < flat.size(); i += 3) {
      int64_t deadline = 0;
      if (!absl::SimpleAtoi(flat[i + 2].str, &deadline)) continue;  // not a full offer
      list.push_back({flat[i].str, flat[i + 1].str, absl::FromUnixMillis(deadline)});
    }
    std::sort(list.begin(), list.end(),
              [](const PendingOffer& a, const PendingOffer& b) { return a.deadline < b.deadline; });
  }
  const auto& states = r->elements.back().elements;
  for (size_t i = 0; i < known.size(); ++i) out.state_of[known[i]] = states[i].str;
  return out;
}

absl::StatusOr<ItemSnapshot> RoutingEngine::Item(const std::string& item_id) {
  auto f =
      redis_.Command({"HMGET", tag_ + ":item:" + item_id, "state", "rule", "assignee", "fence"});
  if (!f.ok()) return f.status();
  if (f->elements.at(0).is_nil()) {
    return absl::NotFoundError(absl::StrCat("item ", item_id, " is not known to the engine"));
  }
  ItemSnapshot snap;
  snap.state = f->elements[0].str;
  snap.rule = f->elements[1].str;
  snap.assignee = f->elements[2].str;
  (void)absl::SimpleAtoi(f->elements[3].str, &snap.fencing_version);
  auto live = redis_.Command({"SMEMBERS", tag_ + ":io:" + item_id});
  if (!live.ok()) return live.status();
  for (const auto& offer : live->elements) {
    auto worker = redis_.Command({"HGET", tag_ + ":offer:" + offer.str, "worker"});
    if (!worker.ok()) return worker.status();
    auto w = FindWorker(worker->str);
    snap.live_offers.push_back({offer.str, worker->str, w ? w->organisation : ""});
  }
  return snap;
}

absl::StatusOr<std::string> RoutingEngine::OfferState(const std::string& offer_id) {
  auto r = redis_.Command({"HGET", tag_ + ":offer:" + offer_id, "state"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("offer ", offer_id, " is not known"));
  return r->str;
}

absl::StatusOr<FairnessReport> RoutingEngine::Fairness(const std::string& pool,
                                                       absl::Duration window) {
  if (auto st = roster_.Reload(); !st.ok()) return st;
  FairnessReport report;
  report.pool = pool;
  for (const auto& w : roster_.Current()->workers) {
    if (w->pools.contains(pool)) report.assignments[w->id] = 0;
  }
  int64_t now = NowMs();
  auto r = redis_.Command({"ZRANGEBYSCORE", tag_ + ":asg:" + pool,
                           std::to_string(now - absl::ToInt64Milliseconds(window)),
                           std::to_string(now)});
  if (!r.ok()) return r.status();
  for (const auto& member : r->elements) {
    auto bar = member.str.rfind('|');
    if (bar != std::string::npos) report.assignments[member.str.substr(bar + 1)]++;
  }
  std::vector<double> counts;
  for (const auto& [worker, n] : report.assignments) counts.push_back(n);
  report.gini = Gini(counts);
  return report;
}

}  // namespace firstline::routing
