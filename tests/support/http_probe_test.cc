#include "support/http_probe.h"

#include <gtest/gtest.h>

namespace firstline::testing {
namespace {

TEST(MetricValueTest, ReadsAnUnlabelledMetricByItsWholeName) {
  const std::string exposition =
      "# HELP firstline_redis_round_trips_total Commands and pipelines\n"
      "# TYPE firstline_redis_round_trips_total counter\n"
      "firstline_redis_round_trips_total_extra 7\n"
      "firstline_redis_round_trips_total 1234\n"
      "firstline_outbox_depth 0\n";
  EXPECT_EQ(MetricValue(exposition, "firstline_redis_round_trips_total"), 1234);
  EXPECT_EQ(MetricValue("firstline_outbox_depth 2.5", "firstline_outbox_depth"), 2.5);
  EXPECT_EQ(MetricValue(exposition, "firstline_missing"), std::nullopt);
  EXPECT_EQ(MetricValue("firstline_outbox_depth x\n", "firstline_outbox_depth"), std::nullopt);
}

}  // namespace
}  // namespace firstline::testing
