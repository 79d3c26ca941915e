// The real firstline-renewal-reminder binary: refuses a broken schedule policy naming the
// line; serves, reports ready and stops cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "platform/redis/redis_client.h"
#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::renewal {
namespace {

using firstline::testing::ReadFile;

constexpr char kSecret[] = "process-test-secret-process-test-sec";

using firstline::testing::WaitFor;

TEST(RenewalProcessTest, BrokenSchedulePolicyRefusedThenServesAndStopsCleanly) {
  firstline::testing::DevBrokerProcess broker;
  firstline::testing::RedisServer redis;
  ASSERT_TRUE(broker.ready());
  const std::string bootstrap = broker.bootstrap_file();
  const std::string policy = broker.dir() + "/reminders.yaml";
  {
    std::ofstream out(policy);
    out << "renewal_offset_days: [-30, 0]\ncare_every_days: {gold: 30}\n";
  }
  auto run = [&](const std::string& log, int grpc_port, int metrics_port) {
    return std::make_unique<firstline::testing::ChildProcess>(
        std::vector<std::string>{
            firstline::testing::BinaryPath("services/renewal-reminder/firstline-renewal-reminder"),
            "--auth-secret", kSecret, "--redis-port", std::to_string(redis.port()),
            "--kafka-bootstrap-file", bootstrap, "--grpc-port", std::to_string(grpc_port),
            "--metrics-port", std::to_string(metrics_port), "--schedule-policy", policy},
        log);
  };
  auto refused = run(broker.dir() + "/refused.log", 0, 0);
  ASSERT_TRUE(WaitFor([&] { return !refused->running(); }, absl::Seconds(10)));
  EXPECT_EQ(refused->Stop(SIGKILL), 2);
  const std::string why = ReadFile(broker.dir() + "/refused.log");
  EXPECT_NE(why.find("line 2"), std::string::npos) << why;
  EXPECT_NE(why.find("'gold'"), std::string::npos) << why;

  {
    std::ofstream out(policy, std::ios::trunc);
    out << "renewal_offset_days: [-30, 0]\ncare_every_days: {vip: 30}\n";
  }
  const int metrics_port = firstline::testing::FreePort();
  const std::string log = broker.dir() + "/renewal-reminder.log";
  auto service = run(log, firstline::testing::FreePort(), metrics_port);
  EXPECT_TRUE(
      WaitFor([&] { return firstline::testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
              absl::Seconds(30)))
      << ReadFile(log);
  // The file's policy is stored for every instance.
  platform::RedisClient client(redis.Config());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto v = client.Command({"HGET", "{rr}:policy", "version"});
        return v.ok() && v->str == "1";
      },
      absl::Seconds(10)));
  EXPECT_EQ(service->Stop(SIGTERM, 20000), 0) << ReadFile(log);
  EXPECT_EQ(ReadFile(log).find("\"level\":\"error\""), std::string::npos) << ReadFile(log);
}

}  // namespace
}  // namespace firstline::renewal
