#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/lead_intake.pb.h"
#include "lead-intake/lead_form.h"
#include "platform/core/clock.h"
#include "platform/redis/index_page.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::lead_intake {

struct LeadBookConfig {
  std::string producer = "lead-intake";
  std::string topic = "firstline.leads.v1";
  absl::Duration duplicate_window = absl::Hours(24 * 30);
  absl::Duration idempotency_ttl = absl::Hours(24);
  // A converted or disqualified lead is archived (forgotten, with its index entries) this long
  // after it closed, so the keyspace does not grow with every lead ever taken in.
  absl::Duration closed_retention = absl::Hours(24 * 400);
};

// What taking in one lead did.
struct Intake {
  enum class Kind { kNew, kMerged, kReplay };
  Kind kind = Kind::kNew;
  std::string lead_id;
  std::string account_id;
  bool new_account = false;
  bool customer = false;           // the account has an active contract
  std::string protecting_partner;  // partner holding protection over the account, or ""
  int touches = 0;                 // kMerged: touches merged so far
  std::string stored_answer;       // kReplay: the first answer (empty while in flight)
  bool merged = false;             // kReplay: the first call merged
};

// Where routing put a lead.
struct RoutingUpdate {
  std::string status;  // "offered", "parked" or "assigned"
  std::string worker_id;
  std::string organisation_id;
  std::string rule;
  std::string offer_id;
  absl::Time decided_at;
  std::optional<absl::Time> first_response_due;
  int64_t fencing_version = 0;
};

struct LeadQuery {
  std::string worker_id;   // leads assigned to this worker
  std::string account_id;  // leads of this account
  std::vector<firstline::v1::LeadStatus> statuses;
  std::string organisation_id;  // only leads routed to this organisation (partners)
  // And only what this says the caller may see.
  std::function<bool(const firstline::v1::Lead&)> visible;
  int page_size = 100;
  std::string page_token;
};

using LeadPage = platform::IndexPage<firstline::v1::Lead>;

// What routing needs to know about an account.
struct AccountStanding {
  bool customer = false;
  std::string protecting_partner;  // partner holding protection now, or ""
};

struct StatusChange {
  firstline::v1::LeadStatus before = firstline::v1::LEAD_STATUS_UNSPECIFIED;
  std::string account_id;
  std::string worker_id;
  int64_t fencing_version = 0;
};

// The lead records in Redis, under the single hash tag {li}: every change is one Lua script
// that also appends its events to the {li}:outbox stream (relayed by the platform relay).
class LeadBook {
 public:
  static constexpr const char* kTag = "{li}";
  LeadBook(platform::RedisClient& redis, const platform::Clock& clock, LeadBookConfig config);

  static std::string OutboxKey() { return std::string(kTag) + ":outbox"; }

  // Takes in a validated lead. `idempotency_key` must already be scoped to the caller.
  absl::StatusOr<Intake> Submit(const LeadForm& form, const std::string& idempotency_key,
                                const std::string& fingerprint, const std::string& trace_id);
  absl::Status StoreAnswer(const std::string& idempotency_key, const std::string& answer);
  // Returns the status stored afterwards (an older decision does not overwrite a newer one).
  // With `idempotency_key`, `answer` becomes the intake's stored answer if the decision applies.
  absl::StatusOr<std::string> RecordRouting(const std::string& lead_id, const RoutingUpdate& update,
                                            const std::string& idempotency_key = "",
                                            const std::string& answer = "");
  absl::StatusOr<firstline::v1::Lead> Get(const std::string& lead_id);
  // The lead's routing organisation (for tenancy checks) and assignee.
  absl::StatusOr<LeadPage> List(const LeadQuery& query);
  absl::StatusOr<StatusChange> ChangeStatus(const std::string& lead_id,
                                            firstline::v1::LeadStatus status,
                                            const std::string& reason, const std::string& actor,
                                            bool actor_is_operator, const std::string& trace_id);
  // Claims leads past their first-response deadline (one instance each) with an event.
  absl::StatusOr<std::vector<std::string>> ClaimSlaBreaches(int limit);
  // Leads taken in but not routed for longer than `age` (a crash between intake and routing).
  absl::StatusOr<std::vector<std::string>> Unrouted(absl::Duration age, int limit);
  // Archives up to `limit` leads closed longer than the retention ago; returns how many.
  absl::StatusOr<int> ArchiveClosed(int limit);
  absl::StatusOr<AccountStanding> Standing(const std::string& account_id);
  // The rep who converted the account's latest converted lead, or "".
  absl::StatusOr<std::string> ConvertedBy(const std::string& account_id);
  // The account became a customer (contract events).
  absl::Status MarkCustomer(const std::string& account_id);

 private:
  // One entry per id (nullopt: no such lead), all in one round trip.
  absl::StatusOr<std::vector<std::optional<firstline::v1::Lead>>> Load(
      const std::vector<std::string>& ids);
  int64_t NowMs() const;

  platform::RedisClient& redis_;
  const platform::Clock& clock_;
  LeadBookConfig config_;
  platform::RedisScript submit_;
  platform::RedisScript answer_;
  platform::RedisScript routing_;
  platform::RedisScript status_;
  platform::RedisScript sla_;
  platform::RedisScript archive_;
};

// "offered" <-> LEAD_STATUS_OFFERED, ...
std::string LeadStatusName(firstline::v1::LeadStatus status);
firstline::v1::LeadStatus LeadStatusFromName(const std::string& name);

}  // namespace firstline::lead_intake
