// The real firstline-ticket-dispatch binary: refuses a broken policy naming the line; serves,
// reports ready and stops cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::ticket_dispatch {
namespace {

using firstline::testing::ReadFile;

constexpr char kSecret[] = "process-test-secret-process-test-sec";

using firstline::testing::WaitFor;

TEST(TicketDispatchProcessTest, BrokenPolicyRefusedThenServesAndStopsCleanly) {
  firstline::testing::DevBrokerProcess broker;
  firstline::testing::RedisServer redis;
  ASSERT_TRUE(broker.ready());
  const std::string bootstrap = broker.bootstrap_file();
  const std::string policy = broker.dir() + "/tickets.yaml";
  {
    std::ofstream out(policy);
    out << "version: \"t1\"\nrules:\n  - name: default\n    default: true\n    targets:\n"
        << "      - strategy: sideways\n        pool: field\n";
  }
  auto run = [&](const std::string& log, int grpc_port, int metrics_port) {
    return std::make_unique<firstline::testing::ChildProcess>(
        std::vector<std::string>{
            firstline::testing::BinaryPath("services/ticket-dispatch/firstline-ticket-dispatch"),
            "--auth-secret", kSecret, "--redis-port", std::to_string(redis.port()),
            "--kafka-bootstrap-file", bootstrap, "--grpc-port", std::to_string(grpc_port),
            "--metrics-port", std::to_string(metrics_port), "--policy", policy},
        log);
  };
  auto refused = run(broker.dir() + "/refused.log", 0, 0);
  ASSERT_TRUE(WaitFor([&] { return !refused->running(); }, absl::Seconds(10)));
  EXPECT_EQ(refused->Stop(SIGKILL), 2);
  const std::string why = ReadFile(broker.dir() + "/refused.log");
  EXPECT_NE(why.find("line 6"), std::string::npos) << why;
  EXPECT_NE(why.find("sideways"), std::string::npos) << why;

  {
    std::ofstream out(policy, std::ios::trunc);
    out << "version: \"t2\"\nrules:\n  - name: default\n    default: true\n    targets:\n"
        << "      - strategy: least_loaded\n        pool: field\n";
  }
  const int metrics_port = firstline::testing::FreePort();
  const std::string log = broker.dir() + "/ticket-dispatch.log";
  auto service = run(log, firstline::testing::FreePort(), metrics_port);
  EXPECT_TRUE(
      WaitFor([&] { return firstline::testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
              absl::Seconds(30)))
      << ReadFile(log);
  EXPECT_EQ(service->Stop(SIGTERM, 20000), 0) << ReadFile(log);
  EXPECT_EQ(ReadFile(log).find("\"level\":\"error\""), std::string::npos) << ReadFile(log);
}

}  // namespace
}  // namespace firstline::ticket_dispatch
