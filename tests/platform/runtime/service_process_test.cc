// Runs the real binaries: redis-server, firstline-devbroker and firstline-echo (a service on
// the shared runtime), and checks readiness, dependency loss and graceful shutdown.
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "firstline/testing/v1/echo.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "platform/auth/tokens.h"
#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::platform {
namespace {

constexpr char kSecret[] = "process-test-secret-process-test-sec";

using testing::ReadFile;

using firstline::testing::WaitFor;

std::string Control(int port, const std::string& command) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "unreachable";
  }
  std::string line = command + "\n";
  EXPECT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  std::string reply;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') reply.push_back(c);
  close(fd);
  return reply;
}

TEST(ServiceProcessTest, ReadinessFollowsDependenciesAndSigtermDrainsAndExitsZero) {
  testing::TempDir dir;
  testing::RedisServer redis;
  std::string bootstrap_file = dir.path() + "/bootstrap";
  std::string control_file = dir.path() + "/control";
  testing::ChildProcess broker({testing::BinaryPath("services/devbroker/firstline-devbroker"),
                                "--bootstrap-file", bootstrap_file, "--control-file", control_file},
                               dir.path() + "/devbroker.log");
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(control_file).empty(); }, absl::Seconds(10)));
  int control_port = std::stoi(ReadFile(control_file));

  int grpc_port = testing::FreePort();
  int metrics_port = testing::FreePort();
  std::string log = dir.path() + "/echo.log";
  testing::ChildProcess echo(
      {testing::BinaryPath("services/echo/firstline-echo"), "--grpc-port",
       std::to_string(grpc_port), "--metrics-port", std::to_string(metrics_port), "--redis-port",
       std::to_string(redis.port()), "--kafka-bootstrap-file", bootstrap_file, "--auth-secret",
       kSecret, "--probe-interval-ms", "200", "--log-level", "debug"},
      log);
  ASSERT_TRUE(WaitFor([&] { return testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
                      absl::Seconds(20)))
      << ReadFile(log);

  TokenIssuer issuer(kSecret, SystemClock::Instance());
  std::string token =
      issuer.Mint({"cc-1", PrincipalKind::kCallCentre, "vendor"}, absl::Hours(1)).value_or("");
  auto stub = firstline::testing::v1::Echo::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(grpc_port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  firstline::testing::v1::PingRequest req;
  req.set_payload("x");
  firstline::testing::v1::PingResponse resp;
  ASSERT_TRUE(stub->Ping(&ctx, req, &resp).ok());

  std::string metrics;
  EXPECT_EQ(testing::HttpGetStatus(metrics_port, "/metrics", &metrics), 200);
  EXPECT_NE(
      metrics.find("firstline_rpc_total{code=\"0\",method=\"/firstline.testing.v1.Echo/Ping\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("firstline_dependency_up{dependency=\"kafka\"} 1"), std::string::npos);
  // The probe's PING at least: round trips are counted and exported.
  EXPECT_GT(testing::MetricValue(metrics, "firstline_redis_round_trips_total").value_or(0), 0)
      << metrics;

  // Kafka gone: not ready. Back: ready again.
  EXPECT_EQ(Control(control_port, "down"), "ok");
  EXPECT_TRUE(WaitFor([&] { return testing::HttpGetStatus(metrics_port, "/healthz") == 503; },
                      absl::Seconds(15)));
  EXPECT_EQ(Control(control_port, "up"), "ok");
  EXPECT_TRUE(WaitFor([&] { return testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
                      absl::Seconds(15)));

  // Redis gone: not ready either.
  redis.Kill();
  EXPECT_TRUE(WaitFor([&] { return testing::HttpGetStatus(metrics_port, "/healthz") == 503; },
                      absl::Seconds(15)));
  redis.Start();
  EXPECT_TRUE(WaitFor([&] { return testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
                      absl::Seconds(15)));

  EXPECT_EQ(echo.Stop(SIGTERM, 15000), 0) << ReadFile(log);
  EXPECT_EQ(broker.Stop(SIGTERM, 10000), 0);

  // Every log line is a JSON object, and the token never reached the log.
  std::istringstream lines(ReadFile(log));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << line;
    ++count;
  }
  EXPECT_GT(count, 3);
  EXPECT_EQ(ReadFile(log).find(token), std::string::npos);
  EXPECT_NE(ReadFile(log).find("service_stopped"), std::string::npos);
}

}  // namespace
}  // namespace firstline::platform

namespace firstline::platform {
namespace {

TEST(ServiceProcessTest, HelpListsFlagsWithTheirEnvironmentNames) {
  testing::TempDir dir;
  testing::ChildProcess help({testing::BinaryPath("services/echo/firstline-echo"), "--help"},
                             dir.path() + "/help.txt");
  ASSERT_TRUE(WaitFor([&] { return !help.running(); }, absl::Seconds(10)));
  EXPECT_EQ(help.Stop(SIGKILL), 0);
  std::string text = ReadFile(dir.path() + "/help.txt");
  for (const char* expected : {"--redis-port", "FIRSTLINE_REDIS_PORT", "--auth-secret",
                               "FIRSTLINE_KAFKA_BOOTSTRAP_FILE", "--drain-timeout-ms"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
}

TEST(ServiceProcessTest, BadConfigurationExitsTwoNamingEverySetting) {
  testing::TempDir dir;
  testing::ChildProcess bad({testing::BinaryPath("services/echo/firstline-echo"), "--auth-secret",
                             "short", "--redis-port", "0", "--outbox-shards", "0"},
                            dir.path() + "/err.txt");
  ASSERT_TRUE(WaitFor([&] { return !bad.running(); }, absl::Seconds(10)));
  EXPECT_EQ(bad.Stop(SIGKILL), 2);
  std::string text = ReadFile(dir.path() + "/err.txt");
  for (const char* setting : {"auth-secret", "redis-port", "outbox-shards", "kafka-bootstrap"}) {
    EXPECT_NE(text.find(setting), std::string::npos) << setting << " in: " << text;
  }
  EXPECT_EQ(text.find("type.googleapis.com"), std::string::npos) << "no raw payloads for people";
}

}  // namespace
}  // namespace firstline::platform
