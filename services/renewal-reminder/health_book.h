#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/renewals.pb.h"
#include "platform/core/clock.h"
#include "platform/redis/redis_client.h"
#include "renewal-reminder/health_score.h"
#include "renewal-reminder/reminder_plan.h"

namespace firstline::renewal {

// What counts towards an account's health, noted once per event.
enum class HealthSignal { kTicket, kBreach, kSatisfaction, kCareCall, kDeclined, kUnanswered };

// Health signals and recorded health in Redis ("{rr}"): one sorted set per account and signal
// (member = the event's subject, score = when), so a redelivered event counts once and a
// window is a range count.
class HealthBook {
 public:
  HealthBook(platform::RedisClient& redis, const platform::Clock& clock,
             std::string producer = "renewal-reminder");

  // Signals older than this leave an account's lists when its next signal is noted: the
  // score reads the last 90 days, and without a bound the lists grew with every ticket.
  static constexpr absl::Duration kSignalsKept = absl::Hours(24 * 365);

  // `member` names the fact (a ticket id, a reminder id); `score` is a satisfaction score.
  absl::Status Note(const std::string& account_id, HealthSignal signal, const std::string& member,
                    absl::Time when, int score = 0);
  // The counts of the last `window` (days to expiry and relationship are not filled in).
  absl::StatusOr<HealthInputs> Inputs(const std::string& account_id, absl::Duration window);

  // Stores the recomputed health with its events (band change, at risk) and, on turning red,
  // the at-risk task. Returns the previous band.
  absl::StatusOr<v1::HealthBand> Record(const v1::AccountHealth& health,
                                        const PlannedReminder& at_risk_task,
                                        const std::string& trace_id);
  absl::StatusOr<std::optional<v1::AccountHealth>> Stored(const std::string& account_id);
  // Red accounts, lowest score first.
  absl::StatusOr<std::vector<v1::AccountHealth>> AtRisk(size_t offset, size_t limit);

 private:
  platform::RedisClient& redis_;
  const platform::Clock& clock_;
  std::string producer_;
  platform::RedisScript record_;
};

}  // namespace firstline::renewal
