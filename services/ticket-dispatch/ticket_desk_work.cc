// TicketDesk: what engineers do (accept, decline, status), rosters, contract events, sweeps.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "firstline/v1/ticket_events.pb.h"
#include "google/protobuf/util/time_util.h"
#include "platform/core/log.h"
#include "routing/shift_calendar.h"
#include "routing/worker_proto.h"
#include "ticket-dispatch/ticket_desk.h"

namespace firstline::ticket_dispatch {
namespace {

namespace v1 = firstline::v1;
using google::protobuf::util::TimeUtil;

}  // namespace

absl::StatusOr<v1::AcceptOfferResponse> TicketDesk::Accept(const platform::Principal& engineer,
                                                           const std::string& offer_id) {
  auto a = engine_.Accept(offer_id, engineer.subject);
  if (!a.ok()) return a.status();
  const std::string ticket_id = TicketBook::TicketOfItem(a->item_id);
  auto recorded = book_.RecordDispatch(ticket_id, "assigned", engineer.subject, a->organisation_id,
                                       "", a->fencing_version);
  if (!recorded.ok()) return recorded.status();
  v1::AcceptOfferResponse response;
  *response.mutable_ticket() = std::move(*recorded);
  response.set_became_owner(a->became_owner);
  return response;
}

absl::Status TicketDesk::Decline(const platform::Principal& engineer, const std::string& offer_id,
                                 const std::string& reason) {
  if (reason.size() > 500) return absl::InvalidArgumentError("reason: longer than 500 bytes");
  auto next = engine_.Decline(offer_id, engineer.subject, reason);
  if (!next.ok()) return next.status();
  return next->has_value() ? Record(**next) : absl::OkStatus();
}

absl::StatusOr<v1::Ticket> TicketDesk::UpdateStatus(const platform::Principal& engineer,
                                                    const v1::UpdateTicketStatusRequest& r,
                                                    const std::string& trace_id) {
  std::string next;
  if (r.unable_to_resolve()) {
    next = "reopen";
    // Whoever takes the escalated round needs to know what was tried.
    if (r.notes().empty()) {
      return absl::InvalidArgumentError("notes: required when unable to resolve (what was tried)");
    }
  } else if (r.status() == v1::TICKET_STATUS_EN_ROUTE) {
    next = "en_route";
  } else if (r.status() == v1::TICKET_STATUS_ON_SITE) {
    next = "on_site";
  } else if (r.status() == v1::TICKET_STATUS_RESOLVED) {
    next = "resolved";
    if (r.notes().empty()) return absl::InvalidArgumentError("notes: required to resolve");
  } else {
    return absl::InvalidArgumentError(
        "status: must be EN_ROUTE, ON_SITE or RESOLVED (or unable_to_resolve)");
  }
  if (r.notes().size() > 4000) return absl::InvalidArgumentError("notes: longer than 4000 bytes");
  auto t = book_.Get(r.ticket_id());
  if (!t.ok()) return t.status();
  const absl::Time now = clock_.Now();
  v1::TicketStatusChanged changed;
  changed.set_engineer_id(engineer.subject);
  if (r.has_eta()) *changed.mutable_eta() = r.eta();
  v1::TicketResolved resolved;
  resolved.set_ticket_id(r.ticket_id());
  resolved.set_account_id(t->account_id());
  resolved.set_engineer_id(engineer.subject);
  resolved.set_notes(r.notes());
  *resolved.mutable_follow_up_due() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now + config_.follow_up_delay));
  const std::string& producer = book_.config().producer;
  auto c = platform::MakeEventTemplate(changed, producer, trace_id, clock_);
  auto res = platform::MakeEventTemplate(resolved, producer, trace_id, clock_);
  if (!c.ok()) return c.status();
  if (!res.ok()) return res.status();
  auto moved =
      book_.Move(r.ticket_id(), next, engineer.subject, r.notes(), std::move(*c), std::move(*res));
  if (!moved.ok()) return moved.status();
  if (next == "resolved" || next == "reopen") {
    // The engineer's capacity is free again; a reopened ticket goes to dispatch at once.
    if (auto st = engine_.Complete(moved->routing_item, moved->fencing_version); !st.ok()) {
      platform::Log::Warn("ticket_complete_failed",
                          {{"ticket", r.ticket_id()}, {"error", st.ToString()}});
    }
  }
  auto after = book_.Get(r.ticket_id());
  if (!after.ok()) return after.status();
  if (next == "reopen") {
    auto rid = book_.RoutingItem(r.ticket_id());
    if (!rid.ok()) return rid.status();
    if (auto st = Dispatch(*after, *rid, trace_id); !st.ok()) {
      platform::Log::Warn("ticket_dispatch_deferred",
                          {{"ticket", r.ticket_id()}, {"error", st.ToString()}});
    }
    return book_.Get(r.ticket_id());
  }
  return after;
}

absl::Status TicketDesk::SetAvailability(const platform::Principal& engineer,
                                         v1::Availability availability) {
  auto status = routing::StatusFromAvailability(availability);
  if (!status.ok()) return status.status();
  return engine_.DeclareAvailability(engineer.subject, *status);
}

absl::StatusOr<int> TicketDesk::SetShiftRoster(const v1::SetShiftRosterRequest& r) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(r.date(), &day)) {
    return absl::InvalidArgumentError("date: must be YYYY-MM-DD");
  }
  platform::FieldErrors errors;
  std::vector<routing::Worker> updated;
  for (int i = 0; i < r.entries_size(); ++i) {
    const auto& entry = r.entries(i);
    const std::string field = absl::StrCat("entries[", i, "]");
    auto worker = engine_.FindWorker(entry.engineer_id());
    if (!worker) {
      errors.Add(field + ".engineer_id", "is not on the roster");
      continue;
    }
    std::vector<routing::ShiftSpan> spans;
    for (int j = 0; j < entry.spans_size(); ++j) {
      auto start = routing::ParseClockMinute(entry.spans(j).start());
      auto end = routing::ParseClockMinute(entry.spans(j).end());
      if (!start || !end || *end <= *start) {
        errors.Add(absl::StrCat(field, ".spans[", j, "]"), "needs HH:MM start before HH:MM end");
        continue;
      }
      spans.push_back({*start, *end});
    }
    auto exceptions = worker->shift.exceptions();
    exceptions[day] = std::move(spans);
    auto shift = routing::ShiftCalendar::Create(worker->shift.time_zone_name(),
                                                worker->shift.weekly(), std::move(exceptions));
    if (!shift.ok()) {
      errors.Add(field, std::string(shift.status().message()));
      continue;
    }
    worker->shift = std::move(*shift);
    updated.push_back(std::move(*worker));
  }
  if (!errors.empty()) return errors.ToStatus();  // nothing applied on any error
  if (auto st = engine_.UpsertWorkers(updated); !st.ok()) return st;
  return static_cast<int>(updated.size());
}

absl::Status TicketDesk::ApplyContractEvent(const v1::Envelope& e) {
  const v1::ContractTerms* terms = nullptr;
  bool active = true;
  if (e.has_contract_signed()) terms = &e.contract_signed().terms();
  if (e.has_contract_renewed()) terms = &e.contract_renewed().terms();
  if (e.has_contract_changed()) terms = &e.contract_changed().terms();
  if (e.has_contract_cancelled()) {
    terms = &e.contract_cancelled().terms();
    active = false;
  }
  if (terms == nullptr) return absl::OkStatus();
  if (terms->account_id().empty() || terms->contract_id().empty()) {
    return absl::InvalidArgumentError("contract event without account_id or contract_id");
  }
  std::vector<std::string> lines(terms->product_lines().begin(), terms->product_lines().end());
  return book_
      .ApplyContract(terms->account_id(), terms->contract_id(),
                     absl::FromUnixSeconds(terms->service_end().seconds()), terms->version(),
                     active, lines)
      .status();
}

absl::Status TicketDesk::Adopt(const std::string& ticket_id, const std::string& routing_item) {
  auto item = engine_.Item(routing_item);
  if (!item.ok()) return item.status();
  if (item->state == "assigned") {
    auto w = engine_.FindWorker(item->assignee);
    return book_
        .RecordDispatch(ticket_id, "assigned", item->assignee, w ? w->organisation : "", item->rule,
                        item->fencing_version)
        .status();
  }
  std::vector<std::string> workers;
  for (const auto& o : item->live_offers) workers.push_back(o.worker_id);
  const std::string org =
      item->live_offers.empty() ? "" : item->live_offers.front().organisation_id;
  return book_
      .RecordDispatch(ticket_id, workers.empty() ? "parked" : "offered",
                      absl::StrJoin(workers, ","), org, item->rule, 0)
      .status();
}

absl::StatusOr<TicketSweep> TicketDesk::Sweep() {
  TicketSweep report;
  auto expired = engine_.ExpireDue();
  if (!expired.ok()) return expired.status();
  for (const auto& d : *expired) {
    if (auto st = Record(d); !st.ok()) return st;
    ++report.expired_offers;
  }
  auto breaches = book_.ClaimBreaches(config_.sweep_batch);
  if (!breaches.ok()) return breaches.status();
  for (const auto& [ticket_id, kind] : *breaches) {
    ++report.breaches;
    if (kind != "accept") continue;  // on-site / resolve breaches flag the ticket only
    auto rid = book_.RoutingItem(ticket_id);
    if (!rid.ok()) return rid.status();
    auto d = engine_.Escalate(*rid);
    if (absl::IsFailedPrecondition(d.status())) continue;  // accepted meanwhile
    if (!d.ok()) return d.status();
    if (auto st = Record(*d); !st.ok()) return st;
  }
  auto stuck = book_.Unrouted(config_.unrouted_grace, config_.sweep_batch);
  if (!stuck.ok()) return stuck.status();
  for (const auto& id : *stuck) {
    auto t = book_.Get(id);
    auto rid = book_.RoutingItem(id);
    if (!t.ok() || !rid.ok()) continue;
    absl::Status st = Dispatch(*t, *rid, "");
    if (absl::IsFailedPrecondition(st)) st = Adopt(id, *rid);  // routed, never recorded
    if (!st.ok()) {
      platform::Log::Warn("ticket_reroute_failed", {{"ticket", id}, {"error", st.ToString()}});
      continue;
    }
    ++report.rerouted;
  }
  auto archived = book_.ArchiveClosed(config_.sweep_batch);
  if (!archived.ok()) return archived.status();
  report.archived = *archived;
  return report;
}

}  // namespace firstline::ticket_dispatch
