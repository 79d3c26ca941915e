#include "ticket-dispatch/ticket_desk.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "firstline/v1/ticket_events.pb.h"
#include "google/protobuf/util/time_util.h"
#include "platform/core/field_errors.h"
#include "platform/core/ids.h"
#include "platform/core/log.h"
#include "platform/core/page_token.h"
#include "platform/core/proto_time.h"
#include "platform/core/request_fingerprint.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "routing/shift_calendar.h"

namespace firstline::ticket_dispatch {
namespace {

namespace v1 = firstline::v1;
using platform::PrincipalKind;

google::protobuf::Timestamp Ts(absl::Time t) { return platform::ToProtoTime(t); }

// What a policy condition may test about a ticket, and the skills an engineer needs.
routing::WorkItem WorkItemFor(const v1::Ticket& t, const std::string& routing_item) {
  routing::WorkItem item;
  item.id = routing_item;
  item.kind = "ticket";
  item.account_id = t.account_id();
  auto& a = item.attributes;
  const std::string severity = absl::StrCat("P", static_cast<int>(t.severity()));
  a["severity"] = severity;
  a["priority"] = severity;
  a["product_line"] = t.product().product_line();
  a["entitlement"] = t.entitlement().covered() ? "covered" : "billable";
  a["on_site"] = t.needs_on_site() ? "true" : "false";
  if (!t.location().region().empty()) a["region"] = t.location().region();
  if (t.flagged()) a["escalated"] = "true";
  // The latest who handed it back, as many as an item may exclude.
  const auto& handed = t.dispatch().handed_back_by();
  for (int i = handed.size() - 1; i >= 0 && item.excluded.size() < routing::kMaxExcludedWorkers;
       --i) {
    item.excluded.insert(handed[i]);
  }
  const auto& p = t.product();
  item.skills.push_back(p.product_line());
  if (!p.version().empty()) item.skills.push_back(p.product_line() + ":" + p.version());
  if (!p.module().empty()) item.skills.push_back(p.product_line() + ":" + p.module());
  return item;
}

}  // namespace

TicketDesk::TicketDesk(TicketBook& book, routing::RoutingEngine& engine,
                       const platform::Clock& clock, TicketDeskConfig config)
    : book_(book), engine_(engine), clock_(clock), config_(std::move(config)) {}

bool TicketDesk::CanSee(const platform::Principal& caller, const v1::Ticket& t) {
  switch (caller.kind) {
    case PrincipalKind::kOperator:
    case PrincipalKind::kService:
    case PrincipalKind::kCallCentre:  // hotline agents
      return true;
    case PrincipalKind::kEngineer: {
      if (t.dispatch().engineer_id() == caller.subject) return true;
      for (const auto& w : t.dispatch().offered_to()) {
        if (w == caller.subject) return true;
      }
      return false;
    }
    case PrincipalKind::kPartner:
      return !caller.organisation.empty() && t.dispatch().organisation_id() == caller.organisation;
    default:
      return false;
  }
}

absl::Status TicketDesk::Record(const routing::Decision& d, std::optional<v1::Ticket>* stored) {
  if (d.outcome == routing::Decision::Outcome::kTaken) return absl::OkStatus();
  std::string status = "parked", offered, org;
  if (d.outcome == routing::Decision::Outcome::kOffered) {
    status = "offered";
    std::vector<std::string> workers;
    for (const auto& o : d.offers) workers.push_back(o.worker_id);
    offered = absl::StrJoin(workers, ",");
    if (!d.offers.empty()) org = d.offers.front().organisation_id;
  }
  auto recorded =
      book_.RecordDispatch(TicketBook::TicketOfItem(d.item_id), status, offered, org, d.rule, 0);
  if (!recorded.ok()) return recorded.status();
  if (stored != nullptr) *stored = std::move(*recorded);
  return absl::OkStatus();
}

absl::Status TicketDesk::Dispatch(const v1::Ticket& ticket, const std::string& routing_item,
                                  const std::string& trace_id, std::optional<v1::Ticket>* stored) {
  auto d = engine_.Route(WorkItemFor(ticket, routing_item), trace_id);
  if (!d.ok()) return d.status();
  return Record(*d, stored);
}

absl::StatusOr<v1::Ticket> TicketDesk::Create(const platform::Principal& caller,
                                              const v1::CreateTicketRequest& r,
                                              const std::string& trace_id) {
  const absl::Time now = clock_.Now();
  if (auto st = CheckTicketRequest(r, now); !st.ok()) return st;
  v1::Ticket t;
  t.set_ticket_id(platform::NewRandomId());
  t.set_account_id(r.account_id());
  *t.mutable_contact() = r.contact();
  *t.mutable_product() = r.product();
  t.set_category(r.category());
  t.set_severity(r.severity());
  t.set_channel(r.channel());
  t.set_needs_on_site(r.needs_on_site());
  if (r.has_appointment()) *t.mutable_appointment() = r.appointment();
  *t.mutable_location() = r.location();
  t.set_description(r.description());
  t.set_status(v1::TICKET_STATUS_NEW);
  *t.mutable_created_at() = Ts(now);

  // Covered or billable is decided as the ticket is written, from the account's contracts then.
  const int sev = static_cast<int>(r.severity()) - 1;
  NewTicket request{.idempotency_key = absl::StrCat(caller.subject, ":", r.idempotency_key()),
                    .fingerprint = platform::RequestFingerprint(r)};
  for (auto [deadlines, factor] : {std::pair{&request.if_covered, 1},
                                   std::pair{&request.if_billable, config_.sla.billable_factor}}) {
    deadlines->accept_due = now + config_.sla.accept[sev] * factor;
    deadlines->resolve_due = now + config_.sla.resolve[sev] * factor;
    if (r.needs_on_site()) {
      deadlines->on_site_due = absl::FromUnixSeconds(r.appointment().end().seconds());
    }
  }
  const std::string& producer = book_.config().producer;
  v1::TicketCreated created;
  *created.mutable_ticket() = t;
  auto created_event = platform::MakeEventTemplate(created, producer, trace_id, clock_);
  if (!created_event.ok()) return created_event.status();
  request.created = *std::move(created_event);
  v1::OutOfEntitlement out;
  out.set_ticket_id(t.ticket_id());
  out.set_account_id(t.account_id());
  out.set_product_line(r.product().product_line());
  auto out_event = platform::MakeEventTemplate(out, producer, trace_id, clock_);
  if (!out_event.ok()) return out_event.status();
  request.out_of_entitlement = *std::move(out_event);
  auto made = book_.Create(t, std::move(request));
  if (!made.ok()) return made.status();
  if (made->created) {
    *t.mutable_entitlement() = made->entitlement;
    *t.mutable_sla() = made->sla;
    std::optional<v1::Ticket> stored;
    if (auto st = Dispatch(t, t.ticket_id(), trace_id, &stored); !st.ok()) {
      // Safely raised; Sweep dispatches it later. Say so rather than fail the call.
      platform::Log::Warn("ticket_dispatch_deferred",
                          {{"ticket", t.ticket_id()}, {"error", st.ToString()}});
    }
    if (stored.has_value()) return std::move(*stored);  // as stored: no read-back
  }
  return book_.Get(made->ticket_id);
}

absl::StatusOr<v1::Ticket> TicketDesk::Get(const platform::Principal& caller,
                                           const std::string& id) {
  if (id.empty() || id.size() > 64) return absl::InvalidArgumentError("ticket_id: 1-64 characters");
  auto t = book_.Get(id);
  if (!t.ok()) return t.status();
  if (!CanSee(caller, *t)) {
    return absl::PermissionDeniedError(absl::StrCat("ticket ", id, " is not visible to ",
                                                    platform::KindName(caller.kind), " ",
                                                    caller.subject));
  }
  return t;
}

absl::StatusOr<TicketPage> TicketDesk::List(const platform::Principal& caller,
                                            const v1::ListTicketsRequest& r) {
  if (auto size = platform::PageSize(r.page_size()); !size.ok()) return size.status();
  TicketQuery q;
  q.account_id = r.account_id();
  q.flagged_only = r.flagged_only();
  q.page_size = r.page_size();
  q.page_token = r.page_token();
  for (int s : r.statuses()) q.statuses.push_back(static_cast<v1::TicketStatus>(s));
  if (caller.kind == PrincipalKind::kEngineer) {
    if (!r.engineer_id().empty() && r.engineer_id() != caller.subject) {
      return absl::PermissionDeniedError("engineer_id: an engineer lists only its own tickets");
    }
    q.engineer_id = caller.subject;
  } else if (caller.kind == PrincipalKind::kPartner) {
    q.organisation_id = caller.organisation;
  } else {
    q.engineer_id = r.engineer_id();
  }
  q.visible = [&caller](const v1::Ticket& t) { return CanSee(caller, t); };
  return book_.List(q);
}

absl::StatusOr<v1::Ticket> TicketDesk::Cancel(const platform::Principal& caller,
                                              const std::string& id, const std::string& reason,
                                              const std::string& trace_id) {
  if (reason.empty()) return absl::InvalidArgumentError("reason: required to cancel");
  if (reason.size() > 500) return absl::InvalidArgumentError("reason: longer than 500 bytes");
  auto t = Get(caller, id);
  if (!t.ok()) return t.status();
  v1::TicketStatusChanged changed;
  changed.set_ticket_id(id);
  changed.set_account_id(t->account_id());
  changed.set_engineer_id(caller.subject);
  auto event = platform::MakeEventTemplate(changed, book_.config().producer, trace_id, clock_);
  if (!event.ok()) return event.status();
  auto closed = book_.Close(id, "cancel", reason, std::move(*event));
  if (!closed.ok()) return closed.status();
  if (auto st = engine_.Cancel(closed->routing_item); !st.ok() && !absl::IsNotFound(st)) {
    platform::Log::Warn("ticket_cancel_routing", {{"ticket", id}, {"error", st.ToString()}});
  }
  return book_.Get(id);
}

absl::StatusOr<v1::Ticket> TicketDesk::RecordSatisfaction(const platform::Principal& caller,
                                                          const v1::RecordSatisfactionRequest& r,
                                                          const std::string& trace_id) {
  platform::FieldErrors e;
  if (r.score() < 1 || r.score() > 5) e.Add("score", "must be 1-5");
  if (r.comment().size() > 2000) e.Add("comment", "is longer than 2000 bytes");
  if (r.called_back_by().size() > 64) e.Add("called_back_by", "is longer than 64 bytes");
  if (!e.empty()) return e.ToStatus();
  auto t = Get(caller, r.ticket_id());
  if (!t.ok()) return t.status();
  v1::Satisfaction s;
  s.set_score(r.score());
  s.set_comment(r.comment());
  s.set_recorded_by(r.called_back_by().empty() ? caller.subject : r.called_back_by());
  *s.mutable_recorded_at() = Ts(clock_.Now());
  v1::SatisfactionRecorded recorded;
  recorded.set_ticket_id(r.ticket_id());
  recorded.set_account_id(t->account_id());
  recorded.set_score(s.score());
  recorded.set_comment(s.comment());
  recorded.set_recorded_by(s.recorded_by());
  auto event = platform::MakeEventTemplate(recorded, book_.config().producer, trace_id, clock_);
  if (!event.ok()) return event.status();
  auto closed =
      book_.Close(r.ticket_id(), "satisfaction", s.SerializeAsString(), std::move(*event));
  if (!closed.ok()) return closed.status();
  return book_.Get(r.ticket_id());
}

absl::StatusOr<std::vector<std::string>> TicketDesk::Explain(const platform::Principal& caller,
                                                             const std::string& id) {
  auto t = Get(caller, id);
  if (!t.ok()) return t.status();
  auto rid = book_.RoutingItem(id);
  if (!rid.ok()) return rid.status();
  return engine_.Receipts(*rid);
}

}  // namespace firstline::ticket_dispatch
