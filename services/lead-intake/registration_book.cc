#include "lead-intake/registration_book.h"

#include <algorithm>
#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "firstline/v1/lead_events.pb.h"
#include "google/protobuf/util/time_util.h"
#include "lead-intake/lead_book.h"
#include "lua/account_resolve.lua.h"
#include "lua/registration_change.lua.h"
#include "lua/registration_expire.lua.h"
#include "lua/registration_submit.lua.h"
#include "platform/core/ids.h"
#include "platform/core/page_token.h"
#include "platform/outbox/event_template.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using google::protobuf::util::TimeUtil;

std::string Key(absl::string_view suffix) { return absl::StrCat(LeadBook::kTag, ":", suffix); }

std::string PackedLines(const v1::Registration& r) {
  std::string packed = "|";
  for (const auto& line : r.product_lines()) absl::StrAppend(&packed, line, "|");
  return packed;
}

int64_t ToInt(const platform::RedisValue& v) {
  if (v.type == platform::RedisValue::Type::kInteger) return v.integer;
  int64_t n = 0;
  (void)absl::SimpleAtoi(v.str, &n);
  return n;
}

v1::RegistrationStatus StatusFromName(const std::string& s) {
  if (s == "approved") return v1::REGISTRATION_STATUS_APPROVED;
  if (s == "pending") return v1::REGISTRATION_STATUS_PENDING_REVIEW;
  if (s == "rejected") return v1::REGISTRATION_STATUS_REJECTED;
  if (s == "withdrawn") return v1::REGISTRATION_STATUS_WITHDRAWN;
  if (s == "expired") return v1::REGISTRATION_STATUS_EXPIRED;
  return v1::REGISTRATION_STATUS_UNSPECIFIED;
}

}  // namespace

RegistrationBook::RegistrationBook(platform::RedisClient& redis, const platform::Clock& clock,
                                   RegistrationBookConfig config)
    : redis_(redis),
      clock_(clock),
      config_(std::move(config)),
      resolve_("account_resolve", kAccountResolveLua),
      submit_("registration_submit", kRegistrationSubmitLua),
      change_("registration_change", kRegistrationChangeLua),
      expire_("registration_expire", kRegistrationExpireLua) {}

int64_t RegistrationBook::NowMs() const { return absl::ToUnixMillis(clock_.Now()); }

absl::StatusOr<std::string> RegistrationBook::ResolveAccount(const std::string& domain_key,
                                                             const std::string& company_key) {
  auto r = redis_.Eval(resolve_, {LeadBook::OutboxKey()},
                       {std::to_string(NowMs()), domain_key, company_key, platform::NewRandomId()});
  if (!r.ok()) return r.status();
  return r->elements.at(0).str;
}

absl::StatusOr<RegistrationOutcome> RegistrationBook::Register(const v1::Registration& reg,
                                                               const std::string& idempotency_key,
                                                               const std::string& fingerprint,
                                                               bool owned_by_direct_rep,
                                                               const std::string& trace_id) {
  std::string doc;
  reg.SerializeToString(&doc);
  std::vector<std::string> args = {
      std::to_string(NowMs()),
      idempotency_key,
      fingerprint,
      reg.registration_id(),
      reg.account_id(),
      reg.partner_id(),
      PackedLines(reg),
      std::to_string(absl::ToInt64Milliseconds(config_.protection)),
      doc,
      config_.topic,
      std::to_string(absl::ToInt64Milliseconds(config_.idempotency_ttl)),
      owned_by_direct_rep ? "1" : "0",
      config_.vendor_organisation};
  v1::OpportunityRegistered registered;
  registered.set_registration_id(reg.registration_id());
  registered.set_partner_id(reg.partner_id());
  *registered.mutable_product_lines() = reg.product_lines();
  *registered.mutable_expected_value() = reg.expected_value();
  v1::OpportunityConflict conflict;
  conflict.set_requesting_partner_id(reg.partner_id());
  *conflict.mutable_product_lines() = reg.product_lines();
  for (const google::protobuf::Message* payload :
       {static_cast<const google::protobuf::Message*>(&registered),
        static_cast<const google::protobuf::Message*>(&conflict)}) {
    auto event = platform::MakeEventTemplate(*payload, config_.producer, trace_id, clock_);
    if (!event.ok()) return event.status();
    platform::AppendEventTemplateArgs(std::move(*event), args);
  }
  auto r = redis_.Eval(submit_, {LeadBook::OutboxKey()}, args);
  if (!r.ok()) return r.status();
  const auto& e = r->elements;
  RegistrationOutcome out;
  const std::string& kind = e.at(0).str;
  if (kind == "conflict") {
    out.kind = RegistrationOutcome::Kind::kConflict;
    out.conflict_until = absl::FromUnixMillis(ToInt(e.at(1)));
    return out;
  }
  out.registration_id = e.at(1).str;
  if (kind == "replay") out.kind = RegistrationOutcome::Kind::kReplay;
  if (kind == "own") out.kind = RegistrationOutcome::Kind::kAlreadyHeld;
  return out;
}

absl::StatusOr<v1::Registration> RegistrationBook::Change(const std::string& id,
                                                          RegistrationChange change,
                                                          const std::string& acting_partner,
                                                          const std::string& reason,
                                                          const std::string& trace_id) {
  auto current = Get(id);
  if (!current.ok()) return current.status();
  const char* op = "";
  std::unique_ptr<google::protobuf::Message> payload;
  switch (change) {
    case RegistrationChange::kExtend: {
      op = "extend";
      auto m = std::make_unique<v1::OpportunityExtended>();
      m->set_registration_id(id);
      m->set_partner_id(current->partner_id());
      m->set_account_id(current->account_id());
      payload = std::move(m);
      break;
    }
    case RegistrationChange::kApprove: {
      op = "approve";
      auto m = std::make_unique<v1::OpportunityRegistered>();
      m->set_status(v1::REGISTRATION_STATUS_APPROVED);
      m->set_registration_id(id);
      m->set_partner_id(current->partner_id());
      m->set_account_id(current->account_id());
      *m->mutable_product_lines() = current->product_lines();
      *m->mutable_expected_value() = current->expected_value();
      payload = std::move(m);
      break;
    }
    case RegistrationChange::kWithdraw:
    case RegistrationChange::kReject: {
      op = change == RegistrationChange::kWithdraw ? "withdraw" : "reject";
      auto m = std::make_unique<v1::OpportunityEnded>();
      m->set_registration_id(id);
      m->set_partner_id(current->partner_id());
      m->set_account_id(current->account_id());
      m->set_reason(reason);
      payload = std::move(m);
      break;
    }
  }
  auto event = platform::MakeEventTemplate(*payload, config_.producer, trace_id, clock_);
  if (!event.ok()) return event.status();
  std::vector<std::string> args = {std::to_string(NowMs()),
                                   id,
                                   op,
                                   acting_partner,
                                   std::to_string(absl::ToInt64Milliseconds(config_.protection)),
                                   reason,
                                   config_.topic};
  platform::AppendEventTemplateArgs(std::move(*event), args);
  auto r = redis_.Eval(change_, {LeadBook::OutboxKey()}, args);
  if (!r.ok()) return r.status();
  return Get(id);
}

namespace {

// The registration hash's fields a Registration is built from, in FromFields' order.
constexpr std::array<const char*, 5> kRegistrationFields = {"doc", "status", "until", "extended",
                                                            "reason"};

absl::StatusOr<v1::Registration> FromFields(const std::string& id,
                                            const std::vector<platform::RedisValue>& f) {
  if (f.size() != kRegistrationFields.size()) {
    return absl::InternalError(absl::StrCat("registration ", id, ": ", f.size(),
                                            " fields read, not ", kRegistrationFields.size()));
  }
  if (f[0].is_nil()) {
    return absl::NotFoundError(absl::StrCat("registration ", id, " does not exist"));
  }
  v1::Registration reg;
  if (!reg.ParseFromString(f[0].str)) {
    return absl::DataLossError(absl::StrCat("registration ", id, " has an unreadable record"));
  }
  reg.set_status(StatusFromName(f[1].str));
  if (int64_t until = ToInt(f[2]); until > 0) {
    *reg.mutable_protected_until() = TimeUtil::MillisecondsToTimestamp(until);
  }
  reg.set_extended(f[3].str == "1");
  reg.set_review_reason(f[4].str);
  return reg;
}

}  // namespace

absl::StatusOr<v1::Registration> RegistrationBook::Get(const std::string& id) {
  std::vector<std::string> read = {"HMGET", Key("reg:" + id)};
  read.insert(read.end(), kRegistrationFields.begin(), kRegistrationFields.end());
  auto r = redis_.Command(read);
  if (!r.ok()) return r.status();
  return FromFields(id, r->elements);
}

absl::StatusOr<RegistrationPage> RegistrationBook::List(
    const std::string& partner, const std::vector<v1::RegistrationStatus>& statuses, int page_size,
    const std::string& page_token) {
  auto load = [this](const std::vector<std::string>& ids) {
    return platform::ReadHashRecords<v1::Registration>(redis_, Key("reg:"), ids,
                                                       kRegistrationFields, FromFields);
  };
  return platform::ReadIndexPage<v1::Registration>(
      redis_, Key("pr:" + partner), page_token, page_size, load,
      [&statuses](const v1::Registration& reg) {
        return statuses.empty() ||
               std::find(statuses.begin(), statuses.end(), reg.status()) != statuses.end();
      });
}

absl::StatusOr<int> RegistrationBook::ExpireDue(int limit) {
  auto r = redis_.Eval(expire_, {LeadBook::OutboxKey()},
                       {std::to_string(NowMs()), std::to_string(std::clamp(limit, 1, 255)),
                        config_.topic, config_.producer, platform::NewRandomId().substr(0, 30)});
  if (!r.ok()) return r.status();
  return static_cast<int>(r->elements.size());
}

}  // namespace firstline::lead_intake
