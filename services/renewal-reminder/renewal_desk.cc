#include "renewal-reminder/renewal_desk.h"

#include "absl/strings/str_cat.h"
#include "platform/core/field_checks.h"
#include "platform/core/field_errors.h"
#include "platform/core/proto_time.h"
#include "platform/events/envelope.h"
#include "platform/kafka/topics.h"

namespace firstline::renewal {
namespace {

absl::Status CheckContract(const v1::Contract& c) {
  platform::FieldErrors errors;
  platform::CheckCode(errors, "contract.contract_id", c.contract_id(), 64, true);
  platform::CheckCode(errors, "contract.account_id", c.account_id(), 64, true);
  platform::CheckCode(errors, "contract.closed_by_id", c.closed_by_id(), 64);
  if (c.product_lines().empty()) errors.Add("contract.product_lines", "at least one is required");
  for (int i = 0; i < c.product_lines_size(); ++i) {
    platform::CheckCode(errors, absl::StrCat("contract.product_lines[", i, "]"), c.product_lines(i),
                        64, true);
  }
  if (!c.has_service_start()) errors.Add("contract.service_start", "is required");
  if (!c.has_service_end()) errors.Add("contract.service_end", "is required");
  if (c.has_service_start() && c.has_service_end() &&
      platform::FromProtoTime(c.service_end()) <= platform::FromProtoTime(c.service_start())) {
    errors.Add("contract.service_end", "must be after service_start");
  }
  if (c.annual_fee().minor_units() < 0) {
    errors.Add("contract.annual_fee", "must not be negative");
  }
  if (c.status() == v1::CONTRACT_STATUS_UNSPECIFIED || !v1::ContractStatus_IsValid(c.status())) {
    errors.Add("contract.status", "must be ACTIVE, RENEWED or CANCELLED");
  }
  if (c.version() < 1) errors.Add("contract.version", "must be at least 1");
  return errors.ToStatus();
}

absl::Status NotKnown(const std::string& account_id) {
  return absl::NotFoundError(absl::StrCat("account ", account_id, " is not known"));
}

}  // namespace

v1::ContractTerms ContractTermsOf(const v1::Contract& c) {
  v1::ContractTerms t;
  t.set_contract_id(c.contract_id());
  t.set_account_id(c.account_id());
  *t.mutable_product_lines() = c.product_lines();
  *t.mutable_service_start() = c.service_start();
  *t.mutable_service_end() = c.service_end();
  *t.mutable_annual_fee() = c.annual_fee();
  t.set_auto_renew(c.auto_renew());
  t.set_version(c.version());
  t.set_closed_by_id(c.closed_by_id());
  return t;
}

RenewalDesk::RenewalDesk(ReminderBook& book, HealthBook& health, const platform::Clock& clock,
                         SchedulePolicy policy, RenewalDeskConfig config)
    : book_(book),
      health_(health),
      clock_(clock),
      config_(config),
      policy_(std::make_shared<const SchedulePolicy>(std::move(policy))) {}

std::shared_ptr<const SchedulePolicy> RenewalDesk::policy() const {
  std::lock_guard lock(mu_);
  return policy_;
}

absl::StatusOr<v1::SchedulePolicy> RenewalDesk::ReplacePolicy(const v1::SchedulePolicy& proposed) {
  auto parsed = SchedulePolicyFromProto(proposed);
  if (!parsed.ok()) return parsed.status();
  auto version = book_.SavePolicy(proposed);
  if (!version.ok()) return version.status();
  parsed->version = *version;
  std::lock_guard lock(mu_);
  policy_ = std::make_shared<const SchedulePolicy>(*parsed);
  return SchedulePolicyToProto(*policy_);
}

absl::Status RenewalDesk::SyncPolicy() {
  auto stored = book_.LoadPolicy();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return ReplacePolicy(SchedulePolicyToProto(*policy())).status();
  if ((*stored)->version() == policy()->version) return absl::OkStatus();
  auto parsed = SchedulePolicyFromProto(**stored);
  if (!parsed.ok()) return parsed.status();
  std::lock_guard lock(mu_);
  policy_ = std::make_shared<const SchedulePolicy>(std::move(*parsed));
  return absl::OkStatus();
}

absl::StatusOr<AccountView> RenewalDesk::ViewOf(const std::string& account_id) {
  AccountView view;
  view.account_id = account_id;
  view.rules.zone = absl::FixedTimeZone(8 * 3600);  // China Standard Time until a profile says
  auto profile = book_.Profile(account_id);
  if (!profile.ok()) return profile.status();
  if (profile->has_value()) {
    const v1::AccountProfile& p = **profile;
    if (p.value_tier() != v1::VALUE_TIER_UNSPECIFIED) view.value_tier = p.value_tier();
    absl::TimeZone zone;
    if (!p.time_zone().empty() && absl::LoadTimeZone(p.time_zone(), &zone)) view.rules.zone = zone;
    if (p.has_quiet_hours()) {
      view.rules.quiet = QuietWindow{p.quiet_hours().start_minute(), p.quiet_hours().end_minute()};
    }
    view.do_not_contact = p.do_not_contact();
    view.relationship = p.relationship_type();
  }
  return view;
}

absl::StatusOr<v1::RecordContractResponse> RenewalDesk::RecordContract(
    const v1::Contract& contract, const std::string& trace_id) {
  if (auto st = CheckContract(contract); !st.ok()) return st;
  auto previous = book_.Contract(contract.contract_id());
  if (!previous.ok()) return previous.status();
  auto view = ViewOf(contract.account_id());
  if (!view.ok()) return view.status();
  auto policy = this->policy();
  ReminderPlanner planner(*policy);
  auto planned =
      planner.Renewals({contract.contract_id(), contract.account_id(),
                        platform::FromProtoTime(contract.service_end()), contract.status()},
                       *view, clock_.Now());

  auto envelope =
      platform::NewEnvelope("renewal-reminder", contract.account_id(), trace_id, clock_);
  if (contract.status() == v1::CONTRACT_STATUS_CANCELLED) {
    *envelope.mutable_contract_cancelled()->mutable_terms() = ContractTermsOf(contract);
  } else if (!previous->has_value()) {
    *envelope.mutable_contract_signed()->mutable_terms() = ContractTermsOf(contract);
  } else if (platform::FromProtoTime(contract.service_end()) >
             platform::FromProtoTime((*previous)->service_end())) {
    auto* renewed = envelope.mutable_contract_renewed();
    *renewed->mutable_terms() = ContractTermsOf(contract);
    *renewed->mutable_previous_end() = (*previous)->service_end();
  } else {
    *envelope.mutable_contract_changed()->mutable_terms() = ContractTermsOf(contract);
  }
  std::vector<platform::OutboxEvent> events;
  events.push_back({std::string(platform::topics::kContracts), std::move(envelope)});
  auto outcome = book_.RecordContract(contract, std::move(events), planned, trace_id);
  if (!outcome.ok()) return outcome.status();
  v1::RecordContractResponse response;
  response.set_applied(outcome->applied);
  response.set_reminders_scheduled(outcome->scheduled);
  response.set_reminders_superseded(outcome->superseded);
  if (outcome->applied && !contract.closed_by_id().empty()) {
    // The closing rep owns the account's renewals unless it already has a sales owner.
    auto owner = book_.Owner(contract.account_id(), "sales");
    if (!owner.ok()) return owner.status();
    if (owner->empty()) {
      if (auto st = book_.SetOwner(contract.account_id(), "sales", contract.closed_by_id());
          !st.ok()) {
        return st;
      }
    }
  }
  if (outcome->applied && !previous->has_value() &&
      contract.status() != v1::CONTRACT_STATUS_CANCELLED) {
    auto referrer = book_.Referrer(contract.account_id());
    if (!referrer.ok()) return referrer.status();
    if (!referrer->empty()) {
      if (auto st = RewardReferral(*referrer, contract, trace_id); !st.ok()) return st;
    }
  }
  if (outcome->applied) {
    *response.mutable_contract() = contract;
    return response;
  }
  auto stored = book_.Contract(contract.contract_id());  // the version already recorded
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) *response.mutable_contract() = **stored;
  return response;
}

absl::StatusOr<v1::AccountProfile> RenewalDesk::SetProfile(const v1::AccountProfile& p) {
  platform::FieldErrors errors;
  platform::CheckCode(errors, "profile.account_id", p.account_id(), 64, true);
  absl::TimeZone zone;
  if (!p.time_zone().empty() && !absl::LoadTimeZone(p.time_zone(), &zone)) {
    errors.Add("profile.time_zone", absl::StrCat("'", p.time_zone(), "' is not an IANA time zone"));
  }
  if (p.has_quiet_hours()) {
    const auto& q = p.quiet_hours();
    for (auto [field, v] : {std::pair{"profile.quiet_hours.start_minute", q.start_minute()},
                            std::pair{"profile.quiet_hours.end_minute", q.end_minute()}}) {
      if (v < 0 || v >= 24 * 60) errors.Add(field, absl::StrCat("must be 0..1439, not ", v));
    }
    if (q.start_minute() == q.end_minute()) {
      errors.Add("profile.quiet_hours", "start and end are equal: an empty window");
    }
  }
  if (!v1::ValueTier_IsValid(p.value_tier())) errors.Add("profile.value_tier", "unknown tier");
  if (!v1::RelationshipType_IsValid(p.relationship_type())) {
    errors.Add("profile.relationship_type", "unknown relationship type");
  }
  if (!v1::ContactChannel_IsValid(p.preferred_channel())) {
    errors.Add("profile.preferred_channel", "unknown channel");
  }
  if (auto st = errors.ToStatus(); !st.ok()) return st;
  if (auto st = book_.SetProfile(p); !st.ok()) return st;
  return p;
}

absl::Status RenewalDesk::CheckKnown(const std::string& account_id) {
  auto profile = book_.Profile(account_id);
  if (!profile.ok()) return profile.status();
  if (profile->has_value()) return absl::OkStatus();
  auto contracts = book_.ContractsOf(account_id);
  if (!contracts.ok()) return contracts.status();
  if (!contracts->empty()) return absl::OkStatus();
  for (const char* role : {"sales", "service"}) {
    auto owner = book_.Owner(account_id, role);
    if (!owner.ok()) return owner.status();
    if (!owner->empty()) return absl::OkStatus();
  }
  return NotKnown(account_id);
}

absl::StatusOr<v1::GetAccountResponse> RenewalDesk::GetAccount(const std::string& account_id) {
  v1::GetAccountResponse out;
  auto profile = book_.Profile(account_id);
  if (!profile.ok()) return profile.status();
  auto contracts = book_.ContractsOf(account_id);
  if (!contracts.ok()) return contracts.status();
  auto sales = book_.Owner(account_id, "sales");
  if (!sales.ok()) return sales.status();
  auto service = book_.Owner(account_id, "service");
  if (!service.ok()) return service.status();
  if (!profile->has_value() && contracts->empty() && sales->empty() && service->empty()) {
    return NotKnown(account_id);
  }
  if (profile->has_value()) {
    *out.mutable_profile() = **profile;
  } else {
    out.mutable_profile()->set_account_id(account_id);
  }
  out.set_sales_owner_id(*sales);
  out.set_service_owner_id(*service);
  for (auto& c : *contracts) *out.add_contracts() = std::move(c);
  auto upcoming = book_.Upcoming(account_id);
  if (!upcoming.ok()) return upcoming.status();
  for (auto& r : *upcoming) *out.add_upcoming() = std::move(r);
  return out;
}

absl::StatusOr<int> RenewalDesk::FireDue(const std::string& trace_id) {
  int total = 0;
  while (true) {
    auto n = book_.FireDue(config_.fire_batch, trace_id);
    if (!n.ok()) return n.status();
    total += *n;
    if (*n < config_.fire_batch) return total;
  }
}

absl::StatusOr<v1::Reminder> RenewalDesk::Complete(const platform::Principal& caller,
                                                   const std::string& id,
                                                   v1::ReminderOutcome outcome,
                                                   const std::string& notes,
                                                   const std::string& trace_id) {
  platform::FieldErrors errors;
  platform::CheckLength(errors, "reminder_id", id, 256, true);
  if (outcome == v1::REMINDER_OUTCOME_UNSPECIFIED || !v1::ReminderOutcome_IsValid(outcome)) {
    errors.Add("outcome", "must be RENEWED, WILL_RENEW, DECLINED, NO_ANSWER or DONE");
  }
  platform::CheckLength(errors, "notes", notes, 2000);
  if (auto st = errors.ToStatus(); !st.ok()) return st;
  auto done = book_.Change(ReminderChange::kComplete, id, caller.subject,
                           caller.kind == platform::PrincipalKind::kOperator,
                           std::to_string(static_cast<int>(outcome)), notes, trace_id);
  if (!done.ok()) return done;
  // What the customer said counts towards the account's health.
  std::optional<HealthSignal> signal;
  if (outcome == v1::REMINDER_OUTCOME_DECLINED) signal = HealthSignal::kDeclined;
  if (outcome == v1::REMINDER_OUTCOME_NO_ANSWER) signal = HealthSignal::kUnanswered;
  if (done->kind() == v1::REMINDER_KIND_CARE_CALL && outcome == v1::REMINDER_OUTCOME_DONE) {
    signal = HealthSignal::kCareCall;
  }
  if (signal) {
    if (auto st = health_.Note(done->account_id(), *signal, id, clock_.Now()); !st.ok()) return st;
    if (auto h = RecomputeHealth(done->account_id(), trace_id); !h.ok()) return h.status();
  }
  return done;
}

absl::StatusOr<v1::Reminder> RenewalDesk::Snooze(const platform::Principal& caller,
                                                 const std::string& id, absl::Time until,
                                                 const std::string& trace_id) {
  platform::FieldErrors errors;
  platform::CheckLength(errors, "reminder_id", id, 256, true);
  const absl::Time now = clock_.Now();
  if (until <= now) errors.Add("until", "must be in the future");
  if (until > now + absl::Hours(24 * 366)) errors.Add("until", "must be within a year");
  if (auto st = errors.ToStatus(); !st.ok()) return st;
  return book_.Change(ReminderChange::kSnooze, id, caller.subject,
                      caller.kind == platform::PrincipalKind::kOperator,
                      std::to_string(absl::ToUnixMillis(until)), "", trace_id);
}

absl::StatusOr<v1::Reminder> RenewalDesk::Reassign(const platform::Principal& caller,
                                                   const std::string& id,
                                                   const std::string& owner_id,
                                                   const std::string& trace_id) {
  platform::FieldErrors errors;
  platform::CheckLength(errors, "reminder_id", id, 256, true);
  platform::CheckCode(errors, "owner_id", owner_id, 64, true);
  if (auto st = errors.ToStatus(); !st.ok()) return st;
  if (caller.kind != platform::PrincipalKind::kOperator) {
    return absl::PermissionDeniedError("only operators reassign reminders");
  }
  return book_.Change(ReminderChange::kReassign, id, caller.subject, true, owner_id, "", trace_id);
}

}  // namespace firstline::renewal
