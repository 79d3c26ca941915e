#pragma once
// renewal-reminder's domain over a real redis-server with a fake clock.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "platform/core/proto_time.h"
#include "renewal-reminder/renewal_desk.h"
#include "support/outbox_reader.h"
#include "support/redis_server.h"
#include "support/test_time.h"

namespace firstline::renewal {

using firstline::testing::At;

class RenewalFixture : public ::testing::Test {
 protected:
  v1::Contract Contract(int64_t version, const std::string& end,
                        v1::ContractStatus status = v1::CONTRACT_STATUS_ACTIVE) {
    v1::Contract c;
    c.set_contract_id("c-1");
    c.set_account_id("acct-1");
    c.add_product_lines("erp");
    *c.mutable_service_start() = platform::ToProtoTime(At(end) - absl::Hours(24 * 365));
    *c.mutable_service_end() = platform::ToProtoTime(At(end));
    c.mutable_annual_fee()->set_currency("CNY");
    c.mutable_annual_fee()->set_minor_units(1'200'000);
    c.set_status(status);
    c.set_version(version);
    c.set_closed_by_id("rep-1");
    return c;
  }

  // Every event in the outbox, decoded, of `type` ("" for all).
  std::vector<v1::Envelope> Events(const std::string& type = "") {
    std::vector<v1::Envelope> out;
    for (auto& e : testing::OutboxEvents(client_, ReminderBook::OutboxKey())) {
      if (type.empty() || e.type() == type) out.push_back(std::move(e));
    }
    return out;
  }

  // Reminder ids delivered (ReminderDue), in order.
  std::vector<std::string> Delivered() {
    std::vector<std::string> ids;
    for (const auto& e : Events("ReminderDue"))
      ids.push_back(e.reminder_due().reminder().reminder_id());
    return ids;
  }

  testing::RedisServer server_;
  platform::RedisClient client_{server_.Config()};
  platform::FakeClock clock_{At("2026-11-23T00:00:00Z")};
  ReminderBook book_{client_, clock_};
  HealthBook health_{client_, clock_};
  RenewalDesk desk_{book_, health_, clock_, SchedulePolicy::Default()};
  platform::Principal rep_{"rep-1", platform::PrincipalKind::kRep, "vendor"};
};

}  // namespace firstline::renewal
