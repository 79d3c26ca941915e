#include "routing/candidate_filter.h"

#include <gtest/gtest.h>

#include "platform/core/clock.h"
#include "routing/worker_json.h"

namespace firstline::routing {
namespace {

Worker MakeWorker(std::string id, std::string org, std::set<std::string> pools,
                  std::set<std::string> skills = {}, std::set<std::string> regions = {}) {
  Worker w;
  w.id = std::move(id);
  w.organisation = std::move(org);
  w.pools = std::move(pools);
  w.skills = std::move(skills);
  w.regions = std::move(regions);
  return w;
}

std::vector<std::string> Ids(const FilterResult& r) {
  std::vector<std::string> ids;
  for (const auto& c : r.candidates) ids.push_back(c.worker->id);
  return ids;
}

std::string ReasonFor(const FilterResult& r, const std::string& id) {
  for (const auto& e : r.exclusions) {
    if (e.worker_id == id) return e.reason;
  }
  return "";
}

TEST(CandidateFilterTest, PoolOrganisationSkillsAndRegion) {
  std::vector<Worker> roster = {
      MakeWorker("a", "vendor", {"sales"}, {"erp", "pos"}, {"CN-ZJ"}),
      MakeWorker("b", "vendor", {"sales"}, {"erp"}),
      MakeWorker("c", "acme", {"sales"}, {"erp", "pos"}),
      MakeWorker("d", "vendor", {"field"}, {"erp", "pos"}),
      MakeWorker("e", "vendor", {"sales"}, {"erp", "pos"}, {"CN-SH"}),
  };
  Target target;
  target.pool = "sales";
  target.organisation = "vendor";
  target.skills = {"erp"};
  WorkItem item{"t-1", "ticket", "acct", {{"region", "CN-ZJ"}}, {"pos"}};
  platform::FakeClock clock;
  FilterResult r = FilterCandidates(roster, item, target, clock.Now());
  EXPECT_EQ(Ids(r), std::vector<std::string>{"a"});
  EXPECT_NE(ReasonFor(r, "b").find("lacks a required skill"), std::string::npos);
  EXPECT_EQ(ReasonFor(r, "c"), "not in organisation vendor");
  EXPECT_EQ(ReasonFor(r, "d"), "not in pool sales");
  EXPECT_EQ(ReasonFor(r, "e"), "does not cover region CN-ZJ");
}

TEST(CandidateFilterTest, OrganisationFromTheItemAndOwnerIgnoresPools) {
  std::vector<Worker> roster = {MakeWorker("p1", "acme", {"partners"}),
                                MakeWorker("p2", "other", {"partners"}),
                                MakeWorker("r1", "vendor", {"sales"})};
  Target partner;
  partner.pool = "partners";
  partner.organisation = "$partner_registration";
  platform::FakeClock clock;
  WorkItem protected_item{"l", "lead", "a", {{"partner_registration", "acme"}}, {}};
  EXPECT_EQ(Ids(FilterCandidates(roster, protected_item, partner, clock.Now())),
            std::vector<std::string>{"p1"});
  WorkItem plain{"l", "lead", "a", {}, {}};
  FilterResult none = FilterCandidates(roster, plain, partner, clock.Now());
  EXPECT_TRUE(none.candidates.empty());
  EXPECT_EQ(ReasonFor(none, "p1"), "item has no partner_registration");
  Target owner;
  owner.strategy = Strategy::kOwner;
  EXPECT_EQ(FilterCandidates(roster, plain, owner, clock.Now()).candidates.size(), 3u);
}

TEST(CandidateFilterTest, WithoutWeeklyHoursOnlyADatedExceptionTakesAWorkerOffDuty) {
  // A time zone and one dated roster entry (a day off), no weekly pattern: on duty at any hour
  // of every other day, as before the entry.
  auto worker = WorkerFromJson(R"({"id":"w","organisation":"vendor","pools":["sales"],
    "shift":{"time_zone":"Asia/Shanghai","weekly":[[],[],[],[],[],[],[]],
             "exceptions":{"2026-11-24":[],"2026-11-25":[["09:00","12:00"]]}}})");
  ASSERT_TRUE(worker.ok()) << worker.status();
  std::vector<Worker> roster = {*worker};
  Target target;
  target.pool = "sales";
  WorkItem item{"l", "lead", "a", {}, {}};
  auto fits_at = [&](const char* utc) {
    absl::Time t;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, utc, &t, nullptr));
    return FilterCandidates(roster, item, target, t).candidates.size() == 1;
  };
  EXPECT_TRUE(fits_at("2026-11-23T02:00:00Z"));   // Monday 10:00 in Shanghai
  EXPECT_TRUE(fits_at("2026-11-23T15:00:00Z"));   // Monday 23:00
  EXPECT_FALSE(fits_at("2026-11-24T02:00:00Z"));  // the day off
  EXPECT_TRUE(fits_at("2026-11-25T02:00:00Z"));   // 10:00, inside the dated hours
  EXPECT_FALSE(fits_at("2026-11-25T06:00:00Z"));  // 14:00, outside them
  EXPECT_TRUE(fits_at("2026-11-28T20:00:00Z"));   // Sunday 04:00
}

TEST(CandidateFilterTest, ShiftIsCheckedInTheWorkersTimeZoneWithDatedExceptions) {
  auto worker = WorkerFromJson(R"({"id":"w","organisation":"vendor","pools":["sales"],
    "shift":{"time_zone":"Asia/Shanghai",
             "weekly":[[["09:00","18:00"]],[["09:00","18:00"]],[["09:00","18:00"]],
                       [["09:00","18:00"]],[["09:00","18:00"]],[],[]],
             "exceptions":{"2026-10-01":[]}}})");
  ASSERT_TRUE(worker.ok()) << worker.status();
  std::vector<Worker> roster = {*worker};
  Target target;
  target.pool = "sales";
  WorkItem item{"l", "lead", "a", {}, {}};
  auto at = [](const char* utc) {
    absl::Time t;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, utc, &t, nullptr));
    return t;
  };
  // Monday 2026-11-23 10:00 in Shanghai is 02:00 UTC.
  EXPECT_EQ(FilterCandidates(roster, item, target, at("2026-11-23T02:00:00Z")).candidates.size(),
            1u);
  // 19:00 Shanghai: after hours.
  auto late = FilterCandidates(roster, item, target, at("2026-11-23T11:00:00Z"));
  EXPECT_TRUE(late.candidates.empty());
  EXPECT_EQ(ReasonFor(late, "w"), "outside shift");
  // Saturday, and a Thursday that is a dated holiday (National Day).
  EXPECT_TRUE(
      FilterCandidates(roster, item, target, at("2026-11-28T02:00:00Z")).candidates.empty());
  EXPECT_TRUE(
      FilterCandidates(roster, item, target, at("2026-10-01T02:00:00Z")).candidates.empty());
  EXPECT_EQ(FilterCandidates(roster, item, target, at("2026-10-02T02:00:00Z")).candidates.size(),
            1u);
  // The daily cap uses the worker's local day: 23:30 UTC on the 22nd is the 23rd in Shanghai.
  auto day = FilterCandidates(roster, item, Target{.pool = "sales"}, at("2026-11-23T02:00:00Z"));
  EXPECT_EQ(day.candidates.at(0).local_day, "2026-11-23");
}

TEST(WorkerJsonTest, RoundTripsAndNamesBadFields) {
  auto w = WorkerFromJson(R"({"id":"w1","organisation":"vendor","pools":["a"],"skills":["erp"],
    "capacity":3,"daily_cap":20,"weight":2})");
  ASSERT_TRUE(w.ok());
  auto again = WorkerFromJson(WorkerToJson(*w));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->capacity, 3);
  EXPECT_EQ(again->weight, 2);
  auto bad = WorkerFromJson(R"({"id":"","organisation":"v","capacity":-1,"weight":0,
    "shift":{"time_zone":"Mars/Base","weekly":[[],[],[],[],[],[],[]]}})");
  ASSERT_FALSE(bad.ok());
  std::string m(bad.status().message());
  for (const char* f : {"shift", "id"}) EXPECT_NE(m.find(f), std::string::npos) << m;
  auto limits = WorkerFromJson(R"({"id":"x","organisation":"v","capacity":-1,"weight":0})");
  ASSERT_FALSE(limits.ok());
  EXPECT_NE(limits.status().message().find("capacity"), absl::string_view::npos);
  EXPECT_NE(limits.status().message().find("weight"), absl::string_view::npos);
}

TEST(CandidateFilterTest, AnItemsExcludedWorkersAreNeverCandidatesWhateverTheTarget) {
  std::vector<Worker> roster = {MakeWorker("gave-up", "vendor", {"field"}),
                                MakeWorker("fresh", "vendor", {"field"})};
  WorkItem item{"t-1-r2", "ticket", "acct", {}, {}};
  item.excluded = {"gave-up"};
  platform::FakeClock clock;
  Target field;
  field.pool = "field";
  FilterResult r = FilterCandidates(roster, item, field, clock.Now());
  EXPECT_EQ(Ids(r), std::vector<std::string>{"fresh"});
  EXPECT_EQ(ReasonFor(r, "gave-up"), "excluded from this item");
  Target owner;  // not even as the account's owner
  owner.strategy = Strategy::kOwner;
  EXPECT_EQ(Ids(FilterCandidates(roster, item, owner, clock.Now())),
            std::vector<std::string>{"fresh"});
}

TEST(WorkItemTest, BadItemsNameTheirFields) {
  auto item = WorkItemFromJson(R"({"id":"a:b","kind":"email","skills":[1]})");
  ASSERT_FALSE(item.ok());
  EXPECT_NE(item.status().message().find("skills"), absl::string_view::npos);
  auto item2 = WorkItemFromJson(R"({"id":"a:b","kind":"email"})");
  ASSERT_FALSE(item2.ok());
  std::string m(item2.status().message());
  for (const char* f : {"id", "kind", "account_id"}) EXPECT_NE(m.find(f), std::string::npos) << m;
  EXPECT_FALSE(WorkItemFromJson("[]").ok());
  auto ok = WorkItemFromJson(R"({"id":"l1","kind":"lead","account_id":"a1",
    "attributes":{"region":"CN-ZJ"},"skills":["erp"]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->Attribute("region"), "CN-ZJ");
  EXPECT_TRUE(ok->excluded.empty());

  WorkItem handed = *ok;
  handed.excluded = {"eng-a", "eng-b"};
  auto round_trip = WorkItemFromJson(WorkItemToJson(handed));
  ASSERT_TRUE(round_trip.ok()) << round_trip.status();
  EXPECT_EQ(round_trip->excluded, handed.excluded);
  auto bad = WorkItemFromJson(R"({"id":"l1","kind":"lead","account_id":"a1","excluded":"eng-a"})");
  EXPECT_EQ(bad.status().message(), "excluded: must be an array of strings");
  handed.excluded = {"has space"};
  EXPECT_NE(ValidateWorkItem(handed).message().find("excluded"), absl::string_view::npos);
  handed.excluded.clear();
  for (size_t i = 0; i <= kMaxExcludedWorkers; ++i) handed.excluded.insert("w" + std::to_string(i));
  EXPECT_NE(ValidateWorkItem(handed).message().find("excluded: at most 64"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace firstline::routing

#include "routing/fairness.h"

namespace firstline::routing {
namespace {

TEST(GiniTest, EqualIsZeroConcentratedApproachesOne) {
  EXPECT_DOUBLE_EQ(Gini({}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0}), 0);
  EXPECT_DOUBLE_EQ(Gini({5, 5, 5, 5}), 0);
  // One of four got everything: (n-1)/n = 0.75.
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0, 8}), 0.75);
  // 1,2,3,4: sum |xi-xj| over ordered pairs = 20; 20 / (2 * 16 * 2.5) = 0.25.
  EXPECT_DOUBLE_EQ(Gini({4, 1, 3, 2}), 0.25);
}

}  // namespace
}  // namespace firstline::routing
