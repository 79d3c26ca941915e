#include "renewal-reminder/health_score.h"

#include <algorithm>
#include <cmath>

namespace firstline::renewal {

HealthResult ScoreHealth(const HealthInputs& in, const HealthWeights& w) {
  double score = 100;
  score -= std::min(in.tickets * w.per_ticket, w.tickets_cap);
  score -= std::min(in.sla_breaches * w.per_breach, w.breaches_cap);
  if (in.satisfaction_average > 0) {
    score -= (5.0 - std::clamp(in.satisfaction_average, 1.0, 5.0)) * w.per_satisfaction_point;
  }
  score += std::min(in.care_calls_done * w.per_care_call, w.care_calls_cap);
  score -= in.renewals_declined * w.per_declined;
  score -= std::min(in.reminders_unanswered * w.per_unanswered, w.unanswered_cap);
  if (in.days_to_expiry < 0) {
    score -= w.expired;
  } else if (in.days_to_expiry < 30) {
    score -= w.expiring_30d;
  } else if (in.days_to_expiry < 90) {
    score -= w.expiring_90d;
  }
  switch (in.relationship) {
    case v1::RELATIONSHIP_TYPE_FENCE_SITTER:
      score -= w.fence_sitter;
      break;
    case v1::RELATIONSHIP_TYPE_INTEREST_DRIVEN:
      score -= w.interest_driven;
      break;
    case v1::RELATIONSHIP_TYPE_BRAND_LOYAL:
      score += w.brand_loyal_bonus;
      break;
    default:
      break;
  }
  HealthResult r;
  r.score = static_cast<int>(std::lround(std::clamp(score, 0.0, 100.0)));
  r.band = r.score < w.red_below      ? v1::HEALTH_BAND_RED
           : r.score < w.yellow_below ? v1::HEALTH_BAND_YELLOW
                                      : v1::HEALTH_BAND_GREEN;
  return r;
}

}  // namespace firstline::renewal
