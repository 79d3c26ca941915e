#include "lead-intake/rep_mapping.h"

#include <gtest/gtest.h>

namespace firstline::lead_intake {
namespace {

firstline::v1::Rep Valid() {
  firstline::v1::Rep rep;
  rep.set_rep_id("rep-1");
  rep.set_organisation_id("vendor");
  rep.add_pools("inside-sales");
  rep.add_regions("CN-ZJ");
  rep.set_capacity(10);
  rep.set_daily_cap(40);
  rep.set_time_zone("Asia/Shanghai");
  auto* mon = rep.add_weekly_hours();
  mon->set_weekday(1);
  mon->set_start("09:00");
  mon->set_end("18:00");
  return rep;
}

TEST(RepMappingTest, RoundTripsThroughTheRoutingWorker) {
  auto worker = WorkerFromRep(Valid());
  ASSERT_TRUE(worker.ok()) << worker.status();
  EXPECT_EQ(worker->weight, 1);  // 0 on the API means the default weight
  EXPECT_FALSE(worker->shift.always());
  // Monday 2026-11-23 10:00 in Shanghai is on shift, 20:00 is not.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  EXPECT_TRUE(
      worker->shift.OnShift(absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10), shanghai)));
  EXPECT_FALSE(
      worker->shift.OnShift(absl::FromCivil(absl::CivilSecond(2026, 11, 23, 20), shanghai)));
  auto back = RepFromWorker(*worker);
  EXPECT_EQ(back.rep_id(), "rep-1");
  EXPECT_EQ(back.time_zone(), "Asia/Shanghai");
  ASSERT_EQ(back.weekly_hours_size(), 1);
  EXPECT_EQ(back.weekly_hours(0).start(), "09:00");
  EXPECT_EQ(back.weekly_hours(0).end(), "18:00");
}

TEST(RepMappingTest, BadFieldsAreNamedAsRepFields) {
  auto rep = Valid();
  rep.clear_rep_id();
  rep.set_capacity(5000);
  rep.set_time_zone("Mars/Olympus");
  auto* bad = rep.add_weekly_hours();
  bad->set_weekday(9);
  bad->set_start("18:00");
  bad->set_end("25:00");
  auto worker = WorkerFromRep(rep);
  ASSERT_EQ(worker.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string m(worker.status().message());
  for (const char* field : {"rep.rep_id", "rep.capacity", "rep.time_zone",
                            "rep.weekly_hours[1].weekday", "rep.weekly_hours[1].end"}) {
    EXPECT_NE(m.find(field), std::string::npos) << field << " missing in " << m;
  }
}

}  // namespace
}  // namespace firstline::lead_intake
