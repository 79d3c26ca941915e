#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/ticket_dispatch.pb.h"
#include "platform/core/clock.h"
#include "platform/outbox/event_template.h"
#include "platform/outbox/outbox_event.h"
#include "platform/redis/index_page.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::ticket_dispatch {

struct TicketBookConfig {
  std::string producer = "ticket-dispatch";
  std::string topic = "firstline.tickets.v1";
  absl::Duration idempotency_ttl = absl::Hours(24);
  // A resolved or cancelled ticket is archived (forgotten, with its index entries) this long
  // after it closed: long enough for its satisfaction call-back and audits.
  absl::Duration closed_retention = absl::Hours(24 * 400);
};

struct Deadlines {
  absl::Time accept_due;
  std::optional<absl::Time> on_site_due;
  absl::Time resolve_due;
};

// What TicketBook::Create needs besides the ticket. The entitlement is decided as the ticket is
// written (from the account's contracts), so the SLA comes in both variants and the events as
// templates the script completes.
struct NewTicket {
  std::string idempotency_key;  // scoped by caller
  std::string fingerprint;
  Deadlines if_covered;
  Deadlines if_billable;
  platform::EventTemplate created;             // TicketCreated with the ticket as given
  platform::EventTemplate out_of_entitlement;  // ticket, account and product line set
};

struct CreatedTicket {
  std::string ticket_id;
  bool created = false;  // false: an idempotent replay, ticket_id is the first ticket's
  firstline::v1::Entitlement entitlement;  // when created
  firstline::v1::TicketSla sla;            // when created: the variant that applied
};

struct TicketQuery {
  std::string engineer_id;
  std::string organisation_id;
  std::string account_id;
  std::vector<firstline::v1::TicketStatus> statuses;
  bool flagged_only = false;
  // And only what this says the caller may see.
  std::function<bool(const firstline::v1::Ticket&)> visible;
  int page_size = 100;
  std::string page_token;
};

using TicketPage = platform::IndexPage<firstline::v1::Ticket>;

struct StatusMove {
  firstline::v1::TicketStatus before = firstline::v1::TICKET_STATUS_UNSPECIFIED;
  std::string account_id;
  int64_t fencing_version = 0;
  std::string routing_item;  // the engine item of the current dispatch round
};

// Tickets in Redis under the hash tag {td}; every change is one Lua script that appends its
// events to {td}:outbox.
class TicketBook {
 public:
  static constexpr const char* kTag = "{td}";
  TicketBook(platform::RedisClient& redis, const platform::Clock& clock, TicketBookConfig config);
  static std::string OutboxKey() { return std::string(kTag) + ":outbox"; }
  const TicketBookConfig& config() const { return config_; }

  // Writes `ticket` (without entitlement and SLA) with the entitlement its account's contracts
  // give its product line now: covered by the active contract that ends last, else billable
  // (naming the contract that ended last) with an OutOfEntitlement event.
  absl::StatusOr<CreatedTicket> Create(const firstline::v1::Ticket& ticket, NewTicket request);
  // status: "offered" (offered_to = comma list), "parked", "assigned" (offered_to = assignee).
  // Returns the ticket as it stands after the write (a stale decision leaves it as it was).
  absl::StatusOr<firstline::v1::Ticket> RecordDispatch(
      const std::string& ticket_id, const std::string& status, const std::string& offered_to,
      const std::string& organisation, const std::string& rule, int64_t fencing_version);
  // new_status: en_route, on_site, resolved, reopen.
  absl::StatusOr<StatusMove> Move(const std::string& ticket_id, const std::string& new_status,
                                  const std::string& engineer, const std::string& notes,
                                  platform::EventTemplate changed,
                                  platform::EventTemplate resolved);
  absl::StatusOr<StatusMove> Close(const std::string& ticket_id, const std::string& op,
                                   const std::string& payload, platform::EventTemplate event);
  absl::StatusOr<firstline::v1::Ticket> Get(const std::string& ticket_id);
  // The engine item of the ticket's current dispatch round.
  absl::StatusOr<std::string> RoutingItem(const std::string& ticket_id);
  // The ticket behind an engine item ("<ticket>" or "<ticket>-r<n>"; ticket ids are hex).
  static std::string TicketOfItem(const std::string& item_id);
  absl::StatusOr<TicketPage> List(const TicketQuery& query);
  // Claims due deadline timers; returns (ticket, kind) pairs.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ClaimBreaches(int limit);
  absl::StatusOr<std::vector<std::string>> Unrouted(absl::Duration age, int limit);
  // Archives up to `limit` tickets closed longer than the retention ago; returns how many.
  absl::StatusOr<int> ArchiveClosed(int limit);
  absl::StatusOr<bool> ApplyContract(const std::string& account_id, const std::string& contract_id,
                                     absl::Time service_end, int64_t version, bool active,
                                     const std::vector<std::string>& product_lines);

 private:
  // The ticket from the values of kTicketFields, in that order.
  static absl::StatusOr<firstline::v1::Ticket> TicketFromFields(
      const std::string& id, const std::vector<platform::RedisValue>& fields);
  int64_t NowMs() const;

  platform::RedisClient& redis_;
  const platform::Clock& clock_;
  TicketBookConfig config_;
  platform::RedisScript create_;
  platform::RedisScript dispatch_;
  platform::RedisScript status_;
  platform::RedisScript sla_;
  platform::RedisScript close_;
  platform::RedisScript contract_;
  platform::RedisScript archive_;
};

std::string TicketStatusName(firstline::v1::TicketStatus status);
firstline::v1::TicketStatus TicketStatusFromName(const std::string& name);

}  // namespace firstline::ticket_dispatch
