#include "ticket-dispatch/ticket_book.h"

#include <algorithm>
#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "lua/contract_apply.lua.h"
#include "lua/ticket_archive.lua.h"
#include "lua/ticket_close.lua.h"
#include "lua/ticket_create.lua.h"
#include "lua/ticket_dispatch.lua.h"
#include "lua/ticket_sla.lua.h"
#include "lua/ticket_status.lua.h"
#include "platform/core/ids.h"
#include "platform/core/page_token.h"
#include "platform/core/proto_time.h"

namespace firstline::ticket_dispatch {
namespace {

// The ticket hash's fields a Ticket is built from, in TicketFromFields' order; Get reads them
// and the dispatch script answers with them.
constexpr std::array<const char*, 11> kTicketFields = {"doc",   "status", "offered", "engineer",
                                                       "org",   "rule",   "flagged", "breached",
                                                       "notes", "sat",    "handed"};

namespace v1 = firstline::v1;
using google::protobuf::util::TimeUtil;

std::string Key(absl::string_view suffix) { return absl::StrCat(TicketBook::kTag, ":", suffix); }

int64_t ToInt(const platform::RedisValue& v) {
  if (v.type == platform::RedisValue::Type::kInteger) return v.integer;
  int64_t n = 0;
  (void)absl::SimpleAtoi(v.str, &n);
  return n;
}

std::string Ms(absl::Time t) { return std::to_string(absl::ToUnixMillis(t)); }

v1::TicketSla SlaOf(const Deadlines& d) {
  v1::TicketSla sla;
  *sla.mutable_accept_due() = platform::ToProtoTime(d.accept_due);
  if (d.on_site_due) *sla.mutable_on_site_due() = platform::ToProtoTime(*d.on_site_due);
  *sla.mutable_resolve_due() = platform::ToProtoTime(d.resolve_due);
  return sla;
}

constexpr const char* kStatusNames[] = {"",         "new",     "offered",  "assigned", "parked",
                                        "en_route", "on_site", "resolved", "cancelled"};

}  // namespace

std::string TicketStatusName(v1::TicketStatus status) {
  int i = static_cast<int>(status);
  return i >= 0 && i <= 8 ? kStatusNames[i] : "";
}

v1::TicketStatus TicketStatusFromName(const std::string& name) {
  for (int i = 1; i <= 8; ++i) {
    if (name == kStatusNames[i]) return static_cast<v1::TicketStatus>(i);
  }
  return v1::TICKET_STATUS_UNSPECIFIED;
}

TicketBook::TicketBook(platform::RedisClient& redis, const platform::Clock& clock,
                       TicketBookConfig config)
    : redis_(redis),
      clock_(clock),
      config_(std::move(config)),
      create_("ticket_create", kTicketCreateLua),
      dispatch_("ticket_dispatch", kTicketDispatchLua),
      status_("ticket_status", kTicketStatusLua),
      sla_("ticket_sla", kTicketSlaLua),
      close_("ticket_close", kTicketCloseLua),
      contract_("contract_apply", kContractApplyLua),
      archive_("ticket_archive", kTicketArchiveLua) {}

int64_t TicketBook::NowMs() const { return absl::ToUnixMillis(clock_.Now()); }

std::string TicketBook::TicketOfItem(const std::string& item_id) {
  auto round = item_id.find("-r");
  return round == std::string::npos ? item_id : item_id.substr(0, round);
}

absl::StatusOr<CreatedTicket> TicketBook::Create(const v1::Ticket& ticket, NewTicket request) {
  const auto& covered = request.if_covered;
  const auto& billable = request.if_billable;
  v1::TicketSla covered_sla = SlaOf(covered), billable_sla = SlaOf(billable);
  std::vector<std::string> args = {
      std::to_string(NowMs()),
      request.idempotency_key,
      request.fingerprint,
      ticket.ticket_id(),
      ticket.account_id(),
      ticket.SerializeAsString(),
      ticket.product().product_line(),
      covered.on_site_due ? Ms(*covered.on_site_due) : "0",
      Ms(covered.accept_due),
      Ms(covered.resolve_due),
      Ms(billable.accept_due),
      Ms(billable.resolve_due),
      covered_sla.SerializeAsString(),
      billable_sla.SerializeAsString(),
      std::to_string(absl::ToInt64Milliseconds(config_.idempotency_ttl)),
      config_.topic};
  platform::AppendEventTemplateArgs(std::move(request.created), args);
  platform::AppendEventTemplateArgs(std::move(request.out_of_entitlement), args);
  auto r = redis_.Eval(create_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  CreatedTicket made;
  made.ticket_id = r->elements.at(1).str;
  made.created = r->elements.at(0).str == "new";
  if (!made.created) return made;
  auto& e = made.entitlement;
  e.set_covered(ToInt(r->elements.at(2)) == 1);
  e.set_billable(!e.covered());
  made.sla = e.covered() ? std::move(covered_sla) : std::move(billable_sla);
  e.set_contract_id(r->elements.at(3).str);
  if (int64_t end = 0; absl::SimpleAtoi(r->elements.at(4).str, &end)) {
    *e.mutable_service_end() = TimeUtil::MillisecondsToTimestamp(end);
  }
  return made;
}

absl::StatusOr<v1::Ticket> TicketBook::RecordDispatch(
    const std::string& ticket_id, const std::string& status, const std::string& offered_to,
    const std::string& organisation, const std::string& rule, int64_t fencing_version) {
  std::vector<std::string> args = {
      std::to_string(NowMs()),        ticket_id, status, offered_to, organisation, rule,
      std::to_string(fencing_version)};
  args.insert(args.end(), kTicketFields.begin(), kTicketFields.end());
  auto r = redis_.Eval(dispatch_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  return TicketFromFields(ticket_id, r->elements);
}

absl::StatusOr<StatusMove> TicketBook::Move(const std::string& ticket_id,
                                            const std::string& new_status,
                                            const std::string& engineer, const std::string& notes,
                                            platform::EventTemplate changed,
                                            platform::EventTemplate resolved) {
  std::vector<std::string> args = {
      std::to_string(NowMs()), ticket_id, new_status, engineer, notes, config_.topic};
  platform::AppendEventTemplateArgs(std::move(changed), args);
  platform::AppendEventTemplateArgs(std::move(resolved), args);
  auto r = redis_.Eval(status_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  return StatusMove{TicketStatusFromName(r->elements.at(0).str), r->elements.at(1).str,
                    ToInt(r->elements.at(2)), r->elements.at(3).str};
}

absl::StatusOr<StatusMove> TicketBook::Close(const std::string& ticket_id, const std::string& op,
                                             const std::string& payload,
                                             platform::EventTemplate event) {
  std::vector<std::string> args = {std::to_string(NowMs()), ticket_id, op, payload, config_.topic};
  platform::AppendEventTemplateArgs(std::move(event), args);
  auto r = redis_.Eval(close_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  StatusMove m;
  m.before = TicketStatusFromName(r->elements.at(0).str);
  m.routing_item = r->elements.at(1).str;
  return m;
}

absl::StatusOr<v1::Ticket> TicketBook::Get(const std::string& id) {
  std::vector<std::string> argv = {"HMGET", Key("t:" + id)};
  argv.insert(argv.end(), kTicketFields.begin(), kTicketFields.end());
  auto r = redis_.Command(argv);
  if (!r.ok()) return r.status();
  return TicketFromFields(id, r->elements);
}

absl::StatusOr<v1::Ticket> TicketBook::TicketFromFields(
    const std::string& id, const std::vector<platform::RedisValue>& f) {
  if (f.size() != kTicketFields.size()) {
    return absl::InternalError(absl::StrCat("ticket ", id, ": ", f.size(),
                                            " stored fields read, not ", kTicketFields.size()));
  }
  if (f[0].is_nil()) return absl::NotFoundError(absl::StrCat("ticket ", id, " does not exist"));
  v1::Ticket t;
  if (!t.ParseFromString(f[0].str)) {
    return absl::DataLossError(absl::StrCat("ticket ", id, " has an unreadable record"));
  }
  t.set_status(TicketStatusFromName(f[1].str));
  auto* d = t.mutable_dispatch();
  d->clear_offered_to();
  for (absl::string_view w : absl::StrSplit(f[2].str, ',', absl::SkipEmpty())) {
    d->add_offered_to(std::string(w));
  }
  d->set_engineer_id(f[3].str);
  d->set_organisation_id(f[4].str);
  d->set_rule(f[5].str);
  d->set_parked(f[1].str == "parked");
  t.set_flagged(f[6].str == "1");
  t.mutable_sla()->clear_breached();
  for (absl::string_view b : absl::StrSplit(f[7].str, '|', absl::SkipEmpty())) {
    t.mutable_sla()->add_breached(std::string(b));
  }
  t.set_resolution_notes(f[8].str);
  if (!f[9].is_nil()) t.mutable_satisfaction()->ParseFromString(f[9].str);
  d->clear_handed_back_by();
  for (absl::string_view w : absl::StrSplit(f[10].str, '|', absl::SkipEmpty())) {
    d->add_handed_back_by(std::string(w));
  }
  return t;
}

absl::StatusOr<std::string> TicketBook::RoutingItem(const std::string& ticket_id) {
  auto r = redis_.Command({"HGET", Key("t:" + ticket_id), "rid"});
  if (!r.ok()) return r.status();
  if (r->is_nil())
    return absl::NotFoundError(absl::StrCat("ticket ", ticket_id, " does not exist"));
  return r->str;
}

absl::StatusOr<TicketPage> TicketBook::List(const TicketQuery& q) {
  std::string index = Key("tickets");
  if (!q.engineer_id.empty())
    index = Key("et:" + q.engineer_id);
  else if (!q.organisation_id.empty())
    index = Key("ot:" + q.organisation_id);
  else if (!q.account_id.empty())
    index = Key("at:" + q.account_id);
  auto load = [this](const std::vector<std::string>& ids) {
    return platform::ReadHashRecords<v1::Ticket>(redis_, Key("t:"), ids, kTicketFields,
                                                 &TicketBook::TicketFromFields);
  };
  return platform::ReadIndexPage<v1::Ticket>(
      redis_, index, q.page_token, q.page_size, load, [&q](const v1::Ticket& t) {
        return (q.statuses.empty() ||
                std::find(q.statuses.begin(), q.statuses.end(), t.status()) != q.statuses.end()) &&
               (!q.flagged_only || t.flagged()) &&
               (q.account_id.empty() || t.account_id() == q.account_id) &&
               (!q.visible || q.visible(t));
      });
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> TicketBook::ClaimBreaches(
    int limit) {
  auto r = redis_.Eval(sla_, {OutboxKey()},
                       {std::to_string(NowMs()), std::to_string(std::clamp(limit, 1, 255)),
                        config_.topic, config_.producer, platform::NewRandomId().substr(0, 30)});
  if (!r.ok()) return r.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : r->elements) {
    auto bar = e.str.rfind('|');
    if (bar != std::string::npos) out.emplace_back(e.str.substr(0, bar), e.str.substr(bar + 1));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> TicketBook::Unrouted(absl::Duration age, int limit) {
  auto r = redis_.Command({"ZRANGEBYSCORE", Key("unrouted"), "-inf",
                           std::to_string(NowMs() - absl::ToInt64Milliseconds(age)), "LIMIT", "0",
                           std::to_string(limit)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

absl::StatusOr<int> TicketBook::ArchiveClosed(int limit) {
  const int64_t cutoff = NowMs() - absl::ToInt64Milliseconds(config_.closed_retention);
  auto r = redis_.Eval(archive_, {OutboxKey()},
                       {std::to_string(cutoff), std::to_string(std::max(limit, 1))});
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer);
}

absl::StatusOr<bool> TicketBook::ApplyContract(const std::string& account_id,
                                               const std::string& contract_id,
                                               absl::Time service_end, int64_t version, bool active,
                                               const std::vector<std::string>& product_lines) {
  auto r = redis_.Eval(contract_, {OutboxKey()},
                       {account_id, contract_id, Ms(service_end), std::to_string(version),
                        active ? "1" : "0", "|" + absl::StrJoin(product_lines, "|") + "|"});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

}  // namespace firstline::ticket_dispatch
