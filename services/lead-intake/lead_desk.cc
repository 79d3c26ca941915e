#include "lead-intake/lead_desk.h"

#include "absl/strings/str_cat.h"
#include "firstline/v1/common.pb.h"
#include "google/protobuf/util/time_util.h"
#include "platform/core/log.h"
#include "platform/core/page_token.h"
#include "platform/core/request_fingerprint.h"
#include "routing/worker_proto.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using platform::PrincipalKind;

std::string EnumSuffix(const std::string& name, absl::string_view prefix) {
  return name.size() > prefix.size() ? name.substr(prefix.size()) : std::string();
}

// Everything a policy condition may test about a lead.
routing::WorkItem WorkItemFor(const v1::Lead& lead, bool customer, const std::string& partner,
                              const std::string& referrer) {
  routing::WorkItem item;
  item.id = lead.lead_id();
  item.kind = "lead";
  item.account_id = lead.account_id();
  auto& a = item.attributes;
  auto put = [&a](const std::string& k, const std::string& v) {
    if (!v.empty()) a[k] = v;
  };
  put("region", lead.company().region());
  put("industry", lead.company().industry());
  if (lead.company().size_tier() != v1::SIZE_TIER_UNSPECIFIED) {
    put("size_tier", EnumSuffix(v1::SizeTier_Name(lead.company().size_tier()), "SIZE_TIER_"));
  }
  if (lead.product_lines_size() > 0) put("product_line", lead.product_lines(0));
  put("channel", lead.source().channel());
  put("customer_status", customer ? "customer" : "prospect");
  put("partner_registration", partner);
  if (!referrer.empty()) put("referral", "true");
  return item;
}

bool IsStaff(const platform::Principal& p) {
  return p.kind == PrincipalKind::kOperator || p.kind == PrincipalKind::kService;
}

}  // namespace

LeadDesk::LeadDesk(LeadBook& book, routing::RoutingEngine& engine, const platform::Clock& clock,
                   LeadDeskConfig config)
    : book_(book), engine_(engine), clock_(clock), config_(std::move(config)) {}

bool LeadDesk::CanSee(const platform::Principal& caller, const v1::Lead& lead) {
  switch (caller.kind) {
    case PrincipalKind::kOperator:
    case PrincipalKind::kService:
      return true;
    case PrincipalKind::kRep:
      return !lead.routing().worker_id().empty() && lead.routing().worker_id() == caller.subject;
    case PrincipalKind::kPartner:
      return !caller.organisation.empty() &&
             lead.routing().organisation_id() == caller.organisation;
    case PrincipalKind::kCallCentre:
      return !caller.organisation.empty() && lead.source().call_centre_id() == caller.organisation;
    default:
      return false;
  }
}

std::optional<absl::Duration> LeadDesk::SlaOf(const routing::Decision& decision) const {
  auto policy = engine_.policy();
  const routing::Rule* rule = policy->FindRule(decision.rule);
  if (rule == nullptr) return config_.default_sla;
  int t = decision.target_index;
  if (t >= 0 && t < static_cast<int>(rule->targets.size()) && rule->targets[t].sla) {
    return rule->targets[t].sla;
  }
  for (const auto& target : rule->targets) {
    if (target.sla) return target.sla;
  }
  return config_.default_sla;
}

RoutingUpdate LeadDesk::UpdateFor(const routing::Decision& d, absl::Time received_at) const {
  RoutingUpdate u;
  u.rule = d.rule;
  u.decided_at = clock_.Now();
  if (auto sla = SlaOf(d)) u.first_response_due = received_at + *sla;
  if (d.outcome == routing::Decision::Outcome::kOffered && !d.offers.empty()) {
    u.status = "offered";
    u.worker_id = d.offers.front().worker_id;
    u.organisation_id = d.offers.front().organisation_id;
    u.offer_id = d.offers.front().offer_id;
  } else {
    u.status = "parked";
  }
  return u;
}

absl::Status LeadDesk::Record(const routing::Decision& d, absl::Time received_at) {
  if (d.outcome == routing::Decision::Outcome::kTaken) return absl::OkStatus();
  return book_.RecordRouting(d.item_id, UpdateFor(d, received_at)).status();
}

absl::StatusOr<v1::SubmitLeadResponse> LeadDesk::RouteNew(const Intake& intake,
                                                          const LeadForm& form,
                                                          const std::string& idempotency_key,
                                                          const std::string& trace_id) {
  v1::SubmitLeadResponse response;
  v1::Lead& lead = *response.mutable_lead();
  lead = form.lead;
  lead.set_lead_id(intake.lead_id);
  lead.set_account_id(intake.account_id);
  auto d = engine_.Route(
      WorkItemFor(lead, intake.customer, intake.protecting_partner, form.referrer_account_id),
      trace_id);
  if (!d.ok()) return d.status();
  RoutingUpdate u = UpdateFor(*d, clock_.Now());
  lead.set_status(u.status == "offered" ? v1::LEAD_STATUS_OFFERED : v1::LEAD_STATUS_PARKED);
  auto* routing = lead.mutable_routing();
  routing->set_worker_id(u.worker_id);
  routing->set_organisation_id(u.organisation_id);
  routing->set_rule(u.rule);
  routing->set_offer_id(u.offer_id);
  routing->set_parked(u.status == "parked");
  if (u.first_response_due) {
    *lead.mutable_first_response_due() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
        absl::ToUnixMillis(*u.first_response_due));
  }
  auto stored =
      book_.RecordRouting(intake.lead_id, u, idempotency_key, response.SerializeAsString());
  if (!stored.ok()) return stored.status();
  if (*stored != u.status) return Answer(intake.lead_id, false);  // overtaken: say what is
  return response;
}

absl::StatusOr<v1::SubmitLeadResponse> LeadDesk::Answer(const std::string& lead_id, bool merged) {
  auto lead = book_.Get(lead_id);
  if (!lead.ok()) return lead.status();
  v1::SubmitLeadResponse response;
  *response.mutable_lead() = std::move(*lead);
  response.set_merged(merged);
  return response;
}

absl::StatusOr<v1::SubmitLeadResponse> LeadDesk::Submit(const platform::Principal& caller,
                                                        const v1::SubmitLeadRequest& request,
                                                        const std::string& trace_id) {
  auto form = ReadLeadForm(request, config_.limits, clock_.Now());
  if (!form.ok()) return form.status();
  if (caller.kind == PrincipalKind::kCallCentre && !caller.organisation.empty()) {
    form->lead.mutable_source()->set_call_centre_id(caller.organisation);
  }
  const std::string idem = absl::StrCat(caller.subject, ":", request.idempotency_key());
  auto intake = book_.Submit(*form, idem, platform::RequestFingerprint(request), trace_id);
  if (!intake.ok()) return intake.status();
  if (intake->kind == Intake::Kind::kReplay && !intake->stored_answer.empty()) {
    v1::SubmitLeadResponse stored;
    if (stored.ParseFromString(intake->stored_answer)) return stored;
  }
  if (intake->kind == Intake::Kind::kNew) {
    auto routed = RouteNew(*intake, *form, idem, trace_id);
    if (routed.ok()) return routed;
    // The lead is safely taken in; Sweep routes it later. Say so rather than fail; no answer
    // is stored, so a retry sees the lead as it stands then.
    platform::Log::Warn("lead_routing_deferred",
                        {{"lead", intake->lead_id}, {"error", routed.status().ToString()}});
    return Answer(intake->lead_id, false);
  }
  // A merge, or a replay without a stored answer (the first call is in flight or died before
  // routing, and Sweep routes it): the lead as it stands now is the answer.
  bool merged = intake->kind == Intake::Kind::kMerged ||
                (intake->kind == Intake::Kind::kReplay && intake->merged);
  auto answer = Answer(intake->lead_id, merged);
  if (!answer.ok()) return answer.status();
  if (intake->kind == Intake::Kind::kMerged) {
    if (auto st = book_.StoreAnswer(idem, answer->SerializeAsString()); !st.ok()) return st;
  }
  return answer;
}

absl::StatusOr<v1::Lead> LeadDesk::Get(const platform::Principal& caller,
                                       const std::string& lead_id) {
  if (lead_id.empty() || lead_id.size() > 64) {
    return absl::InvalidArgumentError("lead_id: must be 1-64 characters");
  }
  auto lead = book_.Get(lead_id);
  if (!lead.ok()) return lead.status();
  if (!CanSee(caller, *lead)) {
    return absl::PermissionDeniedError(absl::StrCat("lead ", lead_id, " is not visible to ",
                                                    platform::KindName(caller.kind), " ",
                                                    caller.subject));
  }
  return lead;
}

absl::StatusOr<LeadPage> LeadDesk::List(const platform::Principal& caller,
                                        const v1::ListLeadsRequest& request) {
  if (auto size = platform::PageSize(request.page_size()); !size.ok()) {
    return size.status();
  }
  LeadQuery q;
  q.page_size = request.page_size();
  q.page_token = request.page_token();
  q.account_id = request.account_id();
  for (int s : request.statuses()) q.statuses.push_back(static_cast<v1::LeadStatus>(s));
  switch (caller.kind) {
    case PrincipalKind::kOperator:
    case PrincipalKind::kService:
      q.worker_id = request.worker_id();
      break;
    case PrincipalKind::kRep:
      if (!request.worker_id().empty() && request.worker_id() != caller.subject) {
        return absl::PermissionDeniedError("worker_id: a rep lists only its own leads");
      }
      q.worker_id = caller.subject;
      break;
    case PrincipalKind::kPartner:
      if (!request.worker_id().empty()) {
        return absl::PermissionDeniedError("worker_id: partners list their organisation's leads");
      }
      q.organisation_id = caller.organisation;
      break;
    default:
      return absl::PermissionDeniedError(
          absl::StrCat(platform::KindName(caller.kind), " principals cannot list leads"));
  }
  // The indexes already narrow to the caller; this keeps the rule in one place regardless.
  q.visible = [&caller](const v1::Lead& l) { return CanSee(caller, l); };
  return book_.List(q);
}

absl::StatusOr<v1::AcceptLeadResponse> LeadDesk::Accept(const platform::Principal& rep,
                                                        const std::string& offer_id) {
  auto a = engine_.Accept(offer_id, rep.subject);
  if (!a.ok()) return a.status();
  RoutingUpdate u;
  u.status = "assigned";
  u.worker_id = rep.subject;
  u.organisation_id = a->organisation_id;
  u.decided_at = clock_.Now();
  u.fencing_version = a->fencing_version;
  if (auto st = book_.RecordRouting(a->item_id, u); !st.ok()) return st.status();
  auto lead = book_.Get(a->item_id);
  if (!lead.ok()) return lead.status();
  v1::AcceptLeadResponse response;
  *response.mutable_lead() = std::move(*lead);
  response.set_became_owner(a->became_owner);
  return response;
}

absl::Status LeadDesk::Decline(const platform::Principal& rep, const std::string& offer_id,
                               const std::string& reason) {
  if (reason.size() > 500) return absl::InvalidArgumentError("reason: longer than 500 bytes");
  auto next = engine_.Decline(offer_id, rep.subject, reason);
  if (!next.ok()) return next.status();
  if (!next->has_value()) return absl::OkStatus();
  return Record(**next, clock_.Now());
}

absl::StatusOr<v1::Lead> LeadDesk::UpdateStatus(const platform::Principal& caller,
                                                const std::string& lead_id, v1::LeadStatus status,
                                                const std::string& reason,
                                                const std::string& trace_id) {
  if (status != v1::LEAD_STATUS_CONTACTED && status != v1::LEAD_STATUS_QUALIFIED &&
      status != v1::LEAD_STATUS_DISQUALIFIED && status != v1::LEAD_STATUS_CONVERTED) {
    return absl::InvalidArgumentError(
        "status: must be CONTACTED, QUALIFIED, DISQUALIFIED or CONVERTED");
  }
  if (status == v1::LEAD_STATUS_DISQUALIFIED && reason.empty()) {
    return absl::InvalidArgumentError("reason: required when disqualifying");
  }
  if (reason.size() > 500) return absl::InvalidArgumentError("reason: longer than 500 bytes");
  auto change =
      book_.ChangeStatus(lead_id, status, reason, caller.subject, IsStaff(caller), trace_id);
  if (!change.ok()) return change.status();
  bool closes = status == v1::LEAD_STATUS_DISQUALIFIED || status == v1::LEAD_STATUS_CONVERTED;
  if (closes && change->before != status) {
    // A closed lead no longer counts against its rep's capacity.
    if (auto st = engine_.Complete(lead_id, change->fencing_version); !st.ok()) {
      platform::Log::Warn("lead_complete_failed", {{"lead", lead_id}, {"error", st.ToString()}});
    }
  }
  return book_.Get(lead_id);
}

absl::Status LeadDesk::SetAvailability(const platform::Principal& rep,
                                       v1::Availability availability) {
  auto status = routing::StatusFromAvailability(availability);
  if (!status.ok()) return status.status();
  return engine_.DeclareAvailability(rep.subject, *status);
}

absl::StatusOr<std::vector<std::string>> LeadDesk::Explain(const platform::Principal& caller,
                                                           const std::string& lead_id) {
  auto lead = Get(caller, lead_id);
  if (!lead.ok()) return lead.status();
  return engine_.Receipts(lead_id);
}

absl::StatusOr<std::string> LeadDesk::TransferOwner(const platform::Principal& op,
                                                    const std::string& account_id,
                                                    const std::string& new_owner,
                                                    const std::string& reason) {
  platform::FieldErrors errors;
  if (account_id.empty() || account_id.size() > 64) errors.Add("account_id", "1-64 characters");
  if (new_owner.empty() || new_owner.size() > 64) errors.Add("new_owner_id", "1-64 characters");
  if (reason.empty()) errors.Add("reason", "is required (it goes into the audit trail)");
  if (reason.size() > 500) errors.Add("reason", "is longer than 500 bytes");
  if (!errors.empty()) return errors.ToStatus();
  return engine_.TransferOwner(account_id, new_owner, op.subject, reason);
}

absl::Status LeadDesk::Adopt(const std::string& lead_id) {
  auto item = engine_.Item(lead_id);
  if (!item.ok()) return item.status();
  RoutingUpdate u;
  u.rule = item->rule;
  u.decided_at = clock_.Now();
  if (item->state == "assigned") {
    u.status = "assigned";
    u.worker_id = item->assignee;
    if (auto w = engine_.FindWorker(item->assignee)) u.organisation_id = w->organisation;
    u.fencing_version = item->fencing_version;
  } else if (!item->live_offers.empty()) {
    u.status = "offered";
    u.worker_id = item->live_offers.front().worker_id;
    u.organisation_id = item->live_offers.front().organisation_id;
    u.offer_id = item->live_offers.front().offer_id;
  } else {
    u.status = "parked";
  }
  return book_.RecordRouting(lead_id, u).status();
}

absl::StatusOr<SweepReport> LeadDesk::Sweep() {
  SweepReport report;
  auto expired = engine_.ExpireDue();
  if (!expired.ok()) return expired.status();
  for (const auto& d : *expired) {
    if (auto st = Record(d, clock_.Now()); !st.ok()) return st;
    ++report.expired_offers;
  }
  auto breaches = book_.ClaimSlaBreaches(config_.sweep_batch);
  if (!breaches.ok()) return breaches.status();
  for (const std::string& lead_id : *breaches) {
    ++report.sla_breaches;
    auto d = engine_.Escalate(lead_id);
    if (absl::IsFailedPrecondition(d.status())) continue;  // accepted meanwhile
    if (!d.ok()) return d.status();
    if (auto st = Record(*d, clock_.Now()); !st.ok()) return st;
  }
  auto stuck = book_.Unrouted(config_.unrouted_grace, config_.sweep_batch);
  if (!stuck.ok()) return stuck.status();
  for (const std::string& lead_id : *stuck) {
    auto lead = book_.Get(lead_id);
    if (!lead.ok()) return lead.status();
    auto facts = book_.Standing(lead->account_id());
    if (!facts.ok()) return facts.status();
    auto d = engine_.Route(WorkItemFor(*lead, facts->customer, facts->protecting_partner, ""));
    if (absl::IsFailedPrecondition(d.status())) {
      // Routed before the crash, just not recorded: adopt what the engine decided.
      if (auto st = Adopt(lead_id); !st.ok()) return st;
      ++report.rerouted;
      continue;
    }
    if (!d.ok()) {
      platform::Log::Warn("lead_reroute_failed",
                          {{"lead", lead_id}, {"error", d.status().ToString()}});
      continue;
    }
    if (auto st = Record(*d, clock_.Now()); !st.ok()) return st;
    ++report.rerouted;
  }
  auto archived = book_.ArchiveClosed(config_.sweep_batch);
  if (!archived.ok()) return archived.status();
  report.archived = *archived;
  return report;
}

}  // namespace firstline::lead_intake
