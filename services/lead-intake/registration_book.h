#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/lead_intake.pb.h"
#include "platform/core/clock.h"
#include "platform/redis/index_page.h"
#include "platform/redis/redis_client.h"
#include "platform/redis/redis_script.h"

namespace firstline::lead_intake {

using RegistrationPage = platform::IndexPage<firstline::v1::Registration>;

struct RegistrationBookConfig {
  std::string producer = "lead-intake";
  std::string topic = "firstline.opportunities.v1";
  std::string vendor_organisation = "vendor";  // leads routed to it are direct business
  absl::Duration protection = absl::Hours(24 * 90);
  absl::Duration idempotency_ttl = absl::Hours(24);
};

// What registering did.
struct RegistrationOutcome {
  enum class Kind { kRegistered, kReplay, kAlreadyHeld, kConflict };
  Kind kind = Kind::kRegistered;
  std::string registration_id;  // kRegistered, kReplay, kAlreadyHeld (the partner's own)
  absl::Time conflict_until;    // kConflict: until when another partner holds protection
};

enum class RegistrationChange { kExtend, kWithdraw, kApprove, kReject };

// Partner registrations in Redis under {li} (same slot as leads and accounts, so one script
// sees protection, open leads and the account together).
class RegistrationBook {
 public:
  RegistrationBook(platform::RedisClient& redis, const platform::Clock& clock,
                   RegistrationBookConfig config);
  const RegistrationBookConfig& config() const { return config_; }

  // The account of a company: by domain, then name and region; created when nothing matches.
  absl::StatusOr<std::string> ResolveAccount(const std::string& domain_key,
                                             const std::string& company_key);
  // `registration` carries partner, account, company, contact, product lines, value, close.
  absl::StatusOr<RegistrationOutcome> Register(const firstline::v1::Registration& registration,
                                               const std::string& idempotency_key,
                                               const std::string& fingerprint,
                                               bool owned_by_direct_rep,
                                               const std::string& trace_id);
  // `acting_partner` empty for operators. Returns the registration afterwards.
  absl::StatusOr<firstline::v1::Registration> Change(const std::string& registration_id,
                                                     RegistrationChange change,
                                                     const std::string& acting_partner,
                                                     const std::string& reason,
                                                     const std::string& trace_id);
  absl::StatusOr<firstline::v1::Registration> Get(const std::string& registration_id);
  // A partner's registrations, newest first; page token is an offset.
  absl::StatusOr<RegistrationPage> List(
      const std::string& partner, const std::vector<firstline::v1::RegistrationStatus>& statuses,
      int page_size, const std::string& page_token);
  // Ends protections whose time is up; returns how many.
  absl::StatusOr<int> ExpireDue(int limit);

 private:
  int64_t NowMs() const;

  platform::RedisClient& redis_;
  const platform::Clock& clock_;
  RegistrationBookConfig config_;
  platform::RedisScript resolve_;
  platform::RedisScript submit_;
  platform::RedisScript change_;
  platform::RedisScript expire_;
};

}  // namespace firstline::lead_intake
