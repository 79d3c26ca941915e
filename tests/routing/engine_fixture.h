#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "firstline/v1/events.pb.h"
#include "routing/routing_engine.h"
#include "support/outbox_reader.h"
#include "support/redis_server.h"

namespace firstline::routing {

// A routing engine over a real redis-server with a fake clock.
class EngineFixture : public ::testing::Test {
 protected:
  std::unique_ptr<RoutingEngine> MakeEngine(const std::string& policy_yaml,
                                            OfferBatcher::Limits batching = {}) {
    auto policy = ParsePolicy(policy_yaml);
    EXPECT_TRUE(policy.ok()) << policy.status();
    EngineConfig config{.domain = "test",
                        .producer = "routing-test",
                        .topic = "firstline.leads.v1",
                        .owner_kind = "sales",
                        .offer_batching = batching};
    return std::make_unique<RoutingEngine>(
        client_, config, std::make_shared<const Policy>(policy.value_or(Policy{})), clock_);
  }

  // An available worker with an open stream (present).
  void AddWorker(RoutingEngine& engine, const std::string& id, std::set<std::string> pools,
                 int capacity = 5, int weight = 1, const std::string& org = "vendor") {
    Worker w;
    w.id = id;
    w.organisation = org;
    w.pools = std::move(pools);
    w.capacity = capacity;
    w.daily_cap = 100000;
    w.weight = weight;
    auto upserted = engine.UpsertWorker(w);
    ASSERT_TRUE(upserted.ok()) << upserted;
    ASSERT_TRUE(engine.StreamOpened(id).ok());
    ASSERT_TRUE(engine.SetStatus(id, WorkerStatus::kAvailable).ok());
  }

  static WorkItem Lead(const std::string& id, const std::string& account,
                       std::map<std::string, std::string> attributes = {}) {
    return {id, "lead", account, std::move(attributes), {}};
  }

  int64_t Load(const std::string& worker) {
    auto r = client_.Command({"HGET", "{rt:test}:w:" + worker, "load"});
    return r.ok() && !r->is_nil() ? std::stoll(r->str) : -1;
  }

  // Every event in the routing outbox, decoded.
  std::vector<firstline::v1::Envelope> Events() {
    return testing::OutboxEvents(client_, "{rt:test}:outbox");
  }

  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    for (const auto& e : Events()) types.push_back(e.type());
    return types;
  }

  platform::FakeClock clock_;
  testing::RedisServer redis_;
  platform::RedisClient client_{redis_.Config()};
};

}  // namespace firstline::routing
