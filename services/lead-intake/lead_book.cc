#include "lead-intake/lead_book.h"

#include <algorithm>
#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "firstline/v1/lead_events.pb.h"
#include "google/protobuf/util/time_util.h"
#include "lua/lead_answer.lua.h"
#include "lua/lead_archive.lua.h"
#include "lua/lead_routing.lua.h"
#include "lua/lead_sla.lua.h"
#include "lua/lead_status.lua.h"
#include "lua/lead_submit.lua.h"
#include "platform/core/ids.h"
#include "platform/core/page_token.h"
#include "platform/outbox/event_template.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using google::protobuf::util::TimeUtil;

std::string Key(absl::string_view suffix) { return absl::StrCat(LeadBook::kTag, ":", suffix); }

int64_t Int(const platform::RedisValue& v) {
  int64_t n = 0;
  if (v.type == platform::RedisValue::Type::kInteger) return v.integer;
  (void)absl::SimpleAtoi(v.str, &n);
  return n;
}

google::protobuf::Timestamp MsToTimestamp(int64_t ms) {
  return TimeUtil::MillisecondsToTimestamp(ms);
}

}  // namespace

std::string LeadStatusName(v1::LeadStatus status) {
  switch (status) {
    case v1::LEAD_STATUS_NEW:
      return "new";
    case v1::LEAD_STATUS_OFFERED:
      return "offered";
    case v1::LEAD_STATUS_ASSIGNED:
      return "assigned";
    case v1::LEAD_STATUS_PARKED:
      return "parked";
    case v1::LEAD_STATUS_CONTACTED:
      return "contacted";
    case v1::LEAD_STATUS_QUALIFIED:
      return "qualified";
    case v1::LEAD_STATUS_DISQUALIFIED:
      return "disqualified";
    case v1::LEAD_STATUS_CONVERTED:
      return "converted";
    default:
      return "";
  }
}

v1::LeadStatus LeadStatusFromName(const std::string& name) {
  for (int s = v1::LeadStatus_MIN; s <= v1::LeadStatus_MAX; ++s) {
    if (v1::LeadStatus_IsValid(s) && LeadStatusName(static_cast<v1::LeadStatus>(s)) == name) {
      return static_cast<v1::LeadStatus>(s);
    }
  }
  return v1::LEAD_STATUS_UNSPECIFIED;
}

LeadBook::LeadBook(platform::RedisClient& redis, const platform::Clock& clock,
                   LeadBookConfig config)
    : redis_(redis),
      clock_(clock),
      config_(std::move(config)),
      submit_("lead_submit", kLeadSubmitLua),
      answer_("lead_answer", kLeadAnswerLua),
      routing_("lead_routing", kLeadRoutingLua),
      status_("lead_status", kLeadStatusLua),
      sla_("lead_sla", kLeadSlaLua),
      archive_("lead_archive", kLeadArchiveLua) {}

int64_t LeadBook::NowMs() const { return absl::ToUnixMillis(clock_.Now()); }

absl::StatusOr<Intake> LeadBook::Submit(const LeadForm& form, const std::string& idempotency_key,
                                        const std::string& fingerprint,
                                        const std::string& trace_id) {
  std::string doc;
  form.lead.SerializeToString(&doc);
  std::vector<std::string> args = {
      std::to_string(NowMs()),
      idempotency_key,
      fingerprint,
      platform::NewRandomId(),
      platform::NewRandomId(),
      form.phone_key,
      form.email_key,
      form.domain_key,
      form.company_key,
      std::to_string(absl::ToInt64Milliseconds(config_.duplicate_window)),
      doc,
      config_.topic,
      std::to_string(absl::ToInt64Milliseconds(config_.idempotency_ttl))};
  v1::LeadReceived received;
  *received.mutable_source() = form.lead.source();
  *received.mutable_contact() = form.lead.contact();
  *received.mutable_company() = form.lead.company();
  *received.mutable_product_lines() = form.lead.product_lines();
  received.set_referrer_account_id(form.referrer_account_id);
  *received.mutable_occurred_at() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(form.occurred_at));
  v1::LeadMerged merged;
  *merged.mutable_source() = form.lead.source();
  for (const google::protobuf::Message* payload :
       {static_cast<const google::protobuf::Message*>(&received),
        static_cast<const google::protobuf::Message*>(&merged)}) {
    auto event = platform::MakeEventTemplate(*payload, config_.producer, trace_id, clock_);
    if (!event.ok()) return event.status();
    platform::AppendEventTemplateArgs(std::move(*event), args);
  }
  auto r = redis_.Eval(submit_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  const auto& e = r->elements;
  Intake intake;
  intake.lead_id = e.at(1).str;
  const std::string& kind = e.at(0).str;
  if (kind == "replay") {
    intake.kind = Intake::Kind::kReplay;
    intake.stored_answer = e.at(2).str;
    intake.merged = e.at(3).str == "1";
  } else if (kind == "merged") {
    intake.kind = Intake::Kind::kMerged;
    intake.account_id = e.at(2).str;
    intake.touches = static_cast<int>(Int(e.at(3)));
  } else {
    intake.account_id = e.at(2).str;
    intake.new_account = Int(e.at(3)) == 1;
    intake.customer = e.at(4).str == "1";
    intake.protecting_partner = e.at(5).str;
  }
  return intake;
}

absl::Status LeadBook::StoreAnswer(const std::string& idempotency_key, const std::string& answer) {
  return redis_.Eval(answer_, {OutboxKey()}, {idempotency_key, answer}).status();
}

absl::StatusOr<std::string> LeadBook::RecordRouting(const std::string& lead_id,
                                                    const RoutingUpdate& u,
                                                    const std::string& idempotency_key,
                                                    const std::string& answer) {
  auto r = redis_.Eval(
      routing_, {OutboxKey()},
      {std::to_string(absl::ToUnixMillis(u.decided_at)), lead_id, u.status, u.worker_id,
       u.organisation_id, u.rule, u.offer_id,
       std::to_string(u.first_response_due ? absl::ToUnixMillis(*u.first_response_due) : 0),
       std::to_string(u.fencing_version), idempotency_key, answer});
  if (!r.ok()) return r.status();
  return r->str;
}

// The fields of a lead's hash that make its Lead message, in the order Load reads them.
constexpr std::array<const char*, 10> kLeadFields = {
    "doc", "account", "status", "worker", "org", "rule", "offer", "due", "touches", "reason"};

namespace {

absl::StatusOr<v1::Lead> LeadFromFields(const std::string& id,
                                        const std::vector<platform::RedisValue>& f) {
  if (f.size() != kLeadFields.size()) {
    return absl::InternalError(
        absl::StrCat("lead ", id, ": ", f.size(), " fields read, not ", kLeadFields.size()));
  }
  if (f[0].is_nil()) return absl::NotFoundError(absl::StrCat("lead ", id, " does not exist"));
  v1::Lead lead;
  if (!lead.ParseFromString(f[0].str)) {
    return absl::DataLossError(absl::StrCat("lead ", id, " has an unreadable record"));
  }
  lead.set_lead_id(id);
  lead.set_account_id(f[1].str);
  lead.set_status(LeadStatusFromName(f[2].str));
  auto* routing = lead.mutable_routing();
  routing->set_worker_id(f[3].str);
  routing->set_organisation_id(f[4].str);
  routing->set_rule(f[5].str);
  routing->set_offer_id(f[6].str);
  routing->set_parked(f[2].str == "parked");
  if (!f[7].is_nil()) *lead.mutable_first_response_due() = MsToTimestamp(Int(f[7]));
  lead.set_merged_touches(static_cast<int32_t>(Int(f[8])));
  lead.set_disqualified_reason(f[9].str);
  return lead;
}

}  // namespace

absl::StatusOr<std::vector<std::optional<v1::Lead>>> LeadBook::Load(
    const std::vector<std::string>& ids) {
  return platform::ReadHashRecords<v1::Lead>(redis_, Key("lead:"), ids, kLeadFields,
                                             LeadFromFields);
}

absl::StatusOr<v1::Lead> LeadBook::Get(const std::string& lead_id) {
  auto leads = Load({lead_id});
  if (!leads.ok()) return leads.status();
  if (!leads->front().has_value()) {
    return absl::NotFoundError(absl::StrCat("lead ", lead_id, " does not exist"));
  }
  return std::move(*leads->front());
}

absl::StatusOr<LeadPage> LeadBook::List(const LeadQuery& query) {
  std::string index = Key("leads");
  if (!query.worker_id.empty()) {
    index = Key("wl:" + query.worker_id);
  } else if (!query.organisation_id.empty()) {
    index = Key("ol:" + query.organisation_id);
  } else if (!query.account_id.empty()) {
    index = Key("al:" + query.account_id);
  }
  return platform::ReadIndexPage<v1::Lead>(
      redis_, index, query.page_token, query.page_size,
      [this](const std::vector<std::string>& ids) { return Load(ids); },
      [&query](const v1::Lead& lead) {
        return (query.statuses.empty() || std::find(query.statuses.begin(), query.statuses.end(),
                                                    lead.status()) != query.statuses.end()) &&
               (query.account_id.empty() || lead.account_id() == query.account_id) &&
               (query.worker_id.empty() || lead.routing().worker_id() == query.worker_id) &&
               (!query.visible || query.visible(lead));
      });
}

absl::StatusOr<StatusChange> LeadBook::ChangeStatus(
    const std::string& lead_id, v1::LeadStatus status, const std::string& reason,
    const std::string& actor, bool actor_is_operator, const std::string& trace_id) {
  v1::LeadStatusChanged changed;
  changed.set_status(status);
  changed.set_reason(reason);
  changed.set_changed_by(actor);
  auto event = platform::MakeEventTemplate(changed, config_.producer, trace_id, clock_);
  if (!event.ok()) return event.status();
  std::vector<std::string> args = {
      std::to_string(NowMs()),       lead_id,      LeadStatusName(status), reason, actor,
      actor_is_operator ? "1" : "0", config_.topic};
  platform::AppendEventTemplateArgs(std::move(*event), args);
  auto r = redis_.Eval(status_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  StatusChange change;
  change.before = LeadStatusFromName(r->elements.at(0).str);
  change.account_id = r->elements.at(1).str;
  change.fencing_version = Int(r->elements.at(2));
  change.worker_id = r->elements.at(3).str;
  return change;
}

absl::StatusOr<std::vector<std::string>> LeadBook::ClaimSlaBreaches(int limit) {
  auto r = redis_.Eval(sla_, {OutboxKey()},
                       {std::to_string(NowMs()), std::to_string(std::clamp(limit, 1, 255)),
                        config_.topic, config_.producer, platform::NewRandomId().substr(0, 30)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

absl::StatusOr<std::vector<std::string>> LeadBook::Unrouted(absl::Duration age, int limit) {
  auto r = redis_.Command({"ZRANGEBYSCORE", Key("unrouted"), "-inf",
                           std::to_string(NowMs() - absl::ToInt64Milliseconds(age)), "LIMIT", "0",
                           std::to_string(limit)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

absl::StatusOr<int> LeadBook::ArchiveClosed(int limit) {
  const int64_t cutoff = NowMs() - absl::ToInt64Milliseconds(config_.closed_retention);
  auto r = redis_.Eval(archive_, {OutboxKey()},
                       {std::to_string(cutoff), std::to_string(std::max(limit, 1))});
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer);
}

absl::StatusOr<AccountStanding> LeadBook::Standing(const std::string& account_id) {
  AccountStanding standing;
  auto customer = redis_.Command({"HGET", Key("acct:" + account_id), "customer"});
  if (!customer.ok()) return customer.status();
  standing.customer = customer->str == "1";
  auto prot = redis_.Command({"HGETALL", Key("prot:" + account_id)});
  if (!prot.ok()) return prot.status();
  const int64_t now = NowMs();
  // Values are "<partner>|<until ms>|..." (see lead_prelude.lua, protecting_partner).
  for (size_t i = 1; i < prot->elements.size(); i += 2) {
    const std::string& v = prot->elements[i].str;
    auto bar = v.find('|');
    int64_t until = 0;
    if (bar == std::string::npos) continue;
    auto end = v.find('|', bar + 1);
    if (absl::SimpleAtoi(v.substr(bar + 1, end - bar - 1), &until) && until > now) {
      standing.protecting_partner = v.substr(0, bar);
      break;
    }
  }
  return standing;
}

absl::StatusOr<std::string> LeadBook::ConvertedBy(const std::string& account_id) {
  auto r = redis_.Command({"HGET", Key("acct:" + account_id), "converted_by"});
  if (!r.ok()) return r.status();
  return r->str;
}

absl::Status LeadBook::MarkCustomer(const std::string& account_id) {
  return redis_.Command({"HSET", Key("acct:" + account_id), "customer", "1"}).status();
}

}  // namespace firstline::lead_intake
