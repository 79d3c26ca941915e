// RenewalDesk: what other services' events and referrals change — owners, follow-ups, health
// signals, referral rewards — and the health recompute.
#include "absl/strings/str_cat.h"
#include "platform/core/log.h"
#include "platform/core/proto_time.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"
#include "renewal-reminder/renewal_desk.h"

namespace firstline::renewal {
namespace {}  // namespace

absl::Status RenewalDesk::ApplyEvent(const v1::Envelope& e) {
  const absl::Time when =
      e.has_occurred_at() ? platform::FromProtoTime(e.occurred_at()) : clock_.Now();
  switch (e.payload_case()) {
    case v1::Envelope::kAccountOwnerChanged: {
      const auto& o = e.account_owner_changed();
      return book_.SetOwner(o.account_id(),
                            o.ownership() == v1::OWNERSHIP_KIND_SERVICE ? "service" : "sales",
                            o.owner_id());
    }
    case v1::Envelope::kLeadReceived: {
      const auto& l = e.lead_received();
      if (l.referrer_account_id().empty() || l.referrer_account_id() == l.account_id()) {
        return absl::OkStatus();
      }
      return book_.NoteReferral(l.account_id(), l.referrer_account_id());
    }
    case v1::Envelope::kTicketResolved: {
      const auto& t = e.ticket_resolved();
      auto view = ViewOf(t.account_id());
      if (!view.ok()) return view.status();
      auto policy = this->policy();
      ReminderPlanner planner(*policy);
      // ticket-dispatch says when the call-back is due; without that, our own delay applies.
      PlannedReminder follow_up = planner.FollowUp(t.ticket_id(), *view, when);
      if (t.has_follow_up_due()) {
        follow_up.due = ContactCalendar(*policy).NextWorkingSlot(
            platform::FromProtoTime(t.follow_up_due()), view->rules);
      }
      return book_.Schedule({follow_up}).status();
    }
    case v1::Envelope::kTicketCreated:
    case v1::Envelope::kTicketSlaBreached:
    case v1::Envelope::kSatisfactionRecorded: {
      std::string account;
      absl::Status st;
      if (e.has_ticket_created()) {
        account = e.ticket_created().ticket().account_id();
        st = health_.Note(account, HealthSignal::kTicket, e.ticket_created().ticket().ticket_id(),
                          when);
      } else if (e.has_ticket_sla_breached()) {
        const auto& b = e.ticket_sla_breached();
        account = b.account_id();
        st = health_.Note(account, HealthSignal::kBreach, b.ticket_id() + ":" + b.deadline(), when);
      } else {
        const auto& s = e.satisfaction_recorded();
        account = s.account_id();
        st = health_.Note(account, HealthSignal::kSatisfaction, s.ticket_id(), when, s.score());
      }
      if (!st.ok()) return st;
      return RecomputeHealth(account, e.trace_id()).status();
    }
    default:
      return absl::OkStatus();  // not ours to act on
  }
}

absl::StatusOr<v1::AccountHealth> RenewalDesk::RecomputeHealth(const std::string& account,
                                                               const std::string& trace_id) {
  const absl::Time now = clock_.Now();
  auto inputs = health_.Inputs(account, absl::Hours(24 * 90));
  if (!inputs.ok()) return inputs.status();
  auto contracts = book_.ContractsOf(account);
  if (!contracts.ok()) return contracts.status();
  std::optional<absl::Time> latest_end;
  for (const auto& c : *contracts) {
    if (c.status() == v1::CONTRACT_STATUS_CANCELLED) continue;
    const absl::Time end = platform::FromProtoTime(c.service_end());
    if (!latest_end || end > *latest_end) latest_end = end;
  }
  if (latest_end) {
    inputs->days_to_expiry =
        static_cast<int>(std::floor(absl::ToDoubleHours(*latest_end - now) / 24));
  }
  auto view = ViewOf(account);
  if (!view.ok()) return view.status();
  inputs->relationship = view->relationship;
  const HealthResult result = ScoreHealth(*inputs);

  v1::AccountHealth h;
  h.set_account_id(account);
  h.set_score(result.score);
  h.set_band(result.band);
  h.set_tickets_90d(inputs->tickets);
  h.set_sla_breaches_90d(inputs->sla_breaches);
  h.set_satisfaction_average(inputs->satisfaction_average);
  h.set_care_calls_90d(inputs->care_calls_done);
  h.set_days_to_expiry(inputs->days_to_expiry);
  *h.mutable_computed_at() = platform::ToProtoTime(now);

  auto policy = this->policy();
  PlannedReminder task;
  task.id = absl::StrCat("at-risk:", account, ":",
                         absl::FormatCivilTime(absl::ToCivilDay(now, view->rules.zone)));
  task.account_id = account;
  task.kind = v1::REMINDER_KIND_AT_RISK;
  task.title = absl::StrCat("account at risk (health ", result.score, ")");
  task.due = ContactCalendar(*policy).NextWorkingSlot(now, view->rules);
  task.internal_only = true;  // an escalation inside the vendor, not a call
  if (auto st = health_.Record(h, task, trace_id); !st.ok()) return st.status();
  return h;
}

absl::Status RenewalDesk::RewardReferral(const std::string& referrer,
                                         const v1::Contract& signed_contract,
                                         const std::string& trace_id) {
  auto contracts = book_.ContractsOf(referrer);
  if (!contracts.ok()) return contracts.status();
  const v1::Contract* latest = nullptr;
  for (const auto& c : *contracts) {
    if (c.status() == v1::CONTRACT_STATUS_CANCELLED) continue;
    if (latest == nullptr ||
        platform::FromProtoTime(c.service_end()) > platform::FromProtoTime(latest->service_end()))
      latest = &c;
  }
  if (latest == nullptr) {
    platform::Log::Info("referral_without_contract",
                        {{"referrer", referrer}, {"referred", signed_contract.account_id()}});
    return absl::OkStatus();
  }
  auto policy = this->policy();
  v1::Contract extended = *latest;
  extended.set_version(latest->version() + 1);
  *extended.mutable_service_end() =
      platform::ToProtoTime(platform::FromProtoTime(latest->service_end()) +
                            absl::Hours(24) * policy->referral_extension_days);
  auto view = ViewOf(referrer);
  if (!view.ok()) return view.status();
  auto planned = ReminderPlanner(*policy).Renewals(
      {extended.contract_id(), referrer, platform::FromProtoTime(extended.service_end()),
       extended.status()},
      *view, clock_.Now());
  std::vector<platform::OutboxEvent> events;
  auto changed = platform::NewEnvelope("renewal-reminder", referrer, trace_id, clock_);
  *changed.mutable_contract_changed()->mutable_terms() = ContractTermsOf(extended);
  events.push_back({std::string(platform::topics::kContracts), std::move(changed)});
  auto rewarded = platform::NewEnvelope("renewal-reminder", referrer, trace_id, clock_);
  auto* r = rewarded.mutable_referral_rewarded();
  r->set_referrer_account_id(referrer);
  r->set_referred_account_id(signed_contract.account_id());
  r->set_contract_id(signed_contract.contract_id());
  r->set_extension_days(policy->referral_extension_days);
  events.push_back({std::string(platform::topics::kAccounts), std::move(rewarded)});
  auto outcome = book_.RecordContract(extended, std::move(events), planned, trace_id,
                                      signed_contract.account_id());
  return outcome.status();
}

absl::StatusOr<int> RenewalDesk::PlanCadenceSlice(int accounts, absl::Duration horizon,
                                                  absl::Duration rest) {
  const absl::Time now = clock_.Now();
  std::string cursor;
  {
    std::lock_guard lock(mu_);
    if (now < cadence_resume_) return 0;
    cursor = cadence_cursor_;
  }
  auto slice = book_.ProfiledAccounts(cursor, accounts);
  if (!slice.ok()) return slice.status();
  auto policy = this->policy();
  ReminderPlanner planner(*policy);
  std::vector<PlannedReminder> planned;
  for (const auto& account : slice->second) {
    auto view = ViewOf(account);
    if (!view.ok()) return view.status();
    auto cadence = planner.Cadence(*view, now, now + horizon);
    planned.insert(planned.end(), cadence.begin(), cadence.end());
  }
  auto scheduled = book_.Schedule(planned);
  if (!scheduled.ok()) return scheduled.status();
  std::lock_guard lock(mu_);
  cadence_cursor_ = slice->first;
  if (cadence_cursor_ == "0") cadence_resume_ = now + rest;  // a full pass done
  return *scheduled;
}

absl::StatusOr<int> RenewalDesk::RaiseInspections(InspectionTickets& tickets, int limit) {
  auto ids = book_.InspectionsToRaise(limit);
  if (!ids.ok()) return ids.status();
  int raised = 0;
  for (const auto& id : *ids) {
    auto reminder = book_.Get(id);
    if (!reminder.ok()) return reminder.status();
    auto contracts = book_.ContractsOf(reminder->account_id());
    if (!contracts.ok()) return contracts.status();
    std::string product_line = "service";  // an account without a contract on record
    for (const auto& c : *contracts) {
      if (c.status() != v1::CONTRACT_STATUS_CANCELLED && c.product_lines_size() > 0) {
        product_line = c.product_lines(0);
      }
    }
    auto ticket = tickets.Raise(*reminder, product_line);
    if (!ticket.ok()) return ticket.status();
    if (auto st = book_.InspectionRaised(id, *ticket); !st.ok()) return st;
    ++raised;
  }
  return raised;
}

}  // namespace firstline::renewal
