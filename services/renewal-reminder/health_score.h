#pragma once

#include "firstline/v1/renewals.pb.h"

namespace firstline::renewal {

// What an account's health is computed from (counts over the last 90 days).
struct HealthInputs {
  int tickets = 0;
  int sla_breaches = 0;
  double satisfaction_average = 0;  // 1-5; 0 when no score was recorded
  int care_calls_done = 0;
  int renewals_declined = 0;     // renewal reminders completed "declined"
  int reminders_unanswered = 0;  // completed "no answer"
  int days_to_expiry = 365;      // of the latest service period; negative once expired
  v1::RelationshipType relationship = v1::RELATIONSHIP_TYPE_UNSPECIFIED;
};

// Points taken off (or given) per input, capped; and the band limits. Configurable per
// deployment; the defaults weigh service failures and a declining customer most.
struct HealthWeights {
  int per_ticket = 2, tickets_cap = 20;
  int per_breach = 8, breaches_cap = 32;
  int per_satisfaction_point = 6;  // for each point below 5
  int per_care_call = 2, care_calls_cap = 6;
  int per_declined = 20;
  int per_unanswered = 3, unanswered_cap = 9;
  int expired = 25, expiring_30d = 10, expiring_90d = 5;
  int fence_sitter = 10, interest_driven = 5, brand_loyal_bonus = 5;
  int red_below = 40, yellow_below = 70;
};

struct HealthResult {
  int score = 100;
  v1::HealthBand band = v1::HEALTH_BAND_GREEN;
};

// 100 minus what counts against the account, plus what counts for it, clamped to 0..100.
HealthResult ScoreHealth(const HealthInputs& in, const HealthWeights& w = {});

}  // namespace firstline::renewal
