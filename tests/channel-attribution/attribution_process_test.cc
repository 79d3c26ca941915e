// The real firstline-channel-attribution binary: refuses broken settings naming the line;
// serves, takes a touch over gRPC and shows it in the journey; stops cleanly on SIGTERM.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "firstline/v1/attribution.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "platform/core/proto_time.h"
#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::attribution {
namespace {

using firstline::testing::ReadFile;
using firstline::testing::WaitFor;

constexpr char kSecret[] = "process-test-secret-process-test-sec";

TEST(AttributionProcessTest, BrokenSettingsRefusedThenServesAndStopsCleanly) {
  firstline::testing::DevBrokerProcess broker;
  firstline::testing::RedisServer redis;
  ASSERT_TRUE(broker.ready());
  const std::string settings = broker.dir() + "/attribution.yaml";
  {
    std::ofstream out(settings);
    out << "report_currency: CNY\nlookback_days: forever\n";
  }
  auto run = [&](const std::string& log, int grpc_port, int metrics_port) {
    return std::make_unique<firstline::testing::ChildProcess>(
        std::vector<std::string>{firstline::testing::BinaryPath(
                                     "services/channel-attribution/firstline-channel-attribution"),
                                 "--auth-secret", kSecret, "--redis-port",
                                 std::to_string(redis.port()), "--kafka-bootstrap-file",
                                 broker.bootstrap_file(), "--grpc-port", std::to_string(grpc_port),
                                 "--metrics-port", std::to_string(metrics_port), "--settings",
                                 settings},
        log);
  };
  auto refused = run(broker.dir() + "/refused.log", 0, 0);
  ASSERT_TRUE(WaitFor([&] { return !refused->running(); }, absl::Seconds(10)));
  EXPECT_EQ(refused->Stop(SIGKILL), 2);
  const std::string why = ReadFile(broker.dir() + "/refused.log");
  EXPECT_NE(why.find("line 2: lookback_days: must be a number"), std::string::npos) << why;

  {
    std::ofstream out(settings, std::ios::trunc);
    out << "report_currency: CNY\nlookback_days: 30\n";
  }
  const int grpc_port = firstline::testing::FreePort();
  const int metrics_port = firstline::testing::FreePort();
  const std::string log = broker.dir() + "/channel-attribution.log";
  auto service = run(log, grpc_port, metrics_port);
  ASSERT_TRUE(
      WaitFor([&] { return firstline::testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
              absl::Seconds(30)))
      << ReadFile(log);

  auto stub = v1::Attribution::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                                           grpc::InsecureChannelCredentials()));
  platform::TokenIssuer issuer(kSecret, platform::SystemClock::Instance());
  auto as = [&](platform::PrincipalKind kind) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->AddMetadata("authorization",
                   "Bearer " + issuer.Mint({"t", kind, "vendor"}, absl::Hours(1)).value_or(""));
    return c;
  };
  v1::RecordTouchRequest touch;
  touch.set_source_id("badge-1");
  touch.set_account_id("acct-1");
  touch.set_channel("exhibition");
  touch.set_campaign("expo-2026");
  *touch.mutable_occurred_at() = platform::ToProtoTime(absl::Now() - absl::Hours(1));
  v1::RecordTouchResponse recorded;
  grpc::Status st =
      stub->RecordTouch(as(platform::PrincipalKind::kCallCentre).get(), touch, &recorded);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(recorded.recorded());
  EXPECT_TRUE(recorded.unknown_channel());  // no catalogue yet: reported, kept

  v1::GetJourneyRequest ask;
  ask.set_account_id("acct-1");
  v1::GetJourneyResponse journey;
  st = stub->GetJourney(as(platform::PrincipalKind::kOperator).get(), ask, &journey);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(journey.touches_size(), 1);
  EXPECT_EQ(journey.touches(0).channel(), "exhibition");
  // A call centre may record touches but not read journeys.
  st = stub->GetJourney(as(platform::PrincipalKind::kCallCentre).get(), ask, &journey);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_EQ(service->Stop(SIGTERM, 20000), 0) << ReadFile(log);
  EXPECT_EQ(ReadFile(log).find("\"level\":\"error\""), std::string::npos) << ReadFile(log);
}

}  // namespace
}  // namespace firstline::attribution
