#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "support/http_probe.h"

namespace firstline::bench {

absl::StatusOr<double> ServiceRedisRoundTrips(int metrics_port) {
  std::string body;
  if (const int code = testing::HttpGetStatus(metrics_port, "/metrics", &body); code != 200) {
    return absl::UnavailableError(absl::StrCat("GET /metrics on port ", metrics_port, ": ", code));
  }
  auto total = testing::MetricValue(body, "firstline_redis_round_trips_total");
  if (!total.has_value()) {
    return absl::NotFoundError("no firstline_redis_round_trips_total in /metrics");
  }
  return *total;
}

}  // namespace firstline::bench
