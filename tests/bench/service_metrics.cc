#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "support/http_probe.h"

namespace firstline::bench {

absl::StatusOr<double> ServiceRedisRoundTrips(int metrics_port) {
  const std::string name = "\nfirstline_redis_round_trips_total ";
  std::string body;
  if (const int code = testing::HttpGetStatus(metrics_port, "/metrics", &body); code != 200) {
    return absl::UnavailableError(absl::StrCat("GET /metrics on port ", metrics_port, ": ", code));
  }
  const size_t at = body.find(name);
  if (at == std::string::npos) {
    return absl::NotFoundError("no firstline_redis_round_trips_total in /metrics");
  }
  const size_t from = at + name.size();
  double total = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(
                            absl::string_view(body).substr(from, body.find('\n', from) - from)),
                        &total)) {
    return absl::InternalError("firstline_redis_round_trips_total: not a number");
  }
  return total;
}

}  // namespace firstline::bench
