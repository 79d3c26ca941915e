// The real firstline-lead-intake binary with redis-server and the dev broker: start-up
// refusals, policy hot reload, graceful stop.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "firstline/v1/lead_intake.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "platform/auth/tokens.h"
#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using firstline::testing::ReadFile;

constexpr char kSecret[] = "process-test-secret-process-test-sec";

using firstline::testing::WaitFor;

void WritePolicy(const std::string& path, const std::string& version, bool broken = false) {
  std::ofstream out(path, std::ios::trunc);
  out << "version: \"" << version << "\"\nrules:\n  - name: default\n    default: true\n"
      << "    targets:\n      - strategy: round_robin\n        pool: inside-sales\n"
      << (broken ? "        offer_timeout: soon\n" : "        offer_timeout: 10m\n");
}

TEST(LeadIntakeProcessTest, BadPolicyFileRefusesToStartNamingTheLine) {
  firstline::testing::TempDir dir;
  firstline::testing::RedisServer redis;
  const std::string policy = dir.path() + "/leads.yaml";
  WritePolicy(policy, "p1", /*broken=*/true);
  firstline::testing::ChildProcess bad(
      {firstline::testing::BinaryPath("services/lead-intake/firstline-lead-intake"),
       "--auth-secret", kSecret, "--redis-port", std::to_string(redis.port()), "--kafka-bootstrap",
       "127.0.0.1:1", "--grpc-port", "0", "--metrics-port", "0", "--policy", policy},
      dir.path() + "/err.txt");
  ASSERT_TRUE(WaitFor([&] { return !bad.running(); }, absl::Seconds(10)));
  EXPECT_EQ(bad.Stop(SIGKILL), 2);
  std::string text = ReadFile(dir.path() + "/err.txt");
  EXPECT_NE(text.find("line 8"), std::string::npos) << text;
  EXPECT_NE(text.find("offer_timeout"), std::string::npos) << text;
}

TEST(LeadIntakeProcessTest, ReloadsThePolicyWithoutRestartAndKeepsItOnABrokenEdit) {
  firstline::testing::TempDir dir;
  firstline::testing::RedisServer redis;
  const std::string bootstrap = dir.path() + "/bootstrap";
  firstline::testing::ChildProcess broker(
      {firstline::testing::BinaryPath("services/devbroker/firstline-devbroker"), "--bootstrap-file",
       bootstrap},
      dir.path() + "/broker.log");
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(bootstrap).empty(); }, absl::Seconds(10)));
  const std::string policy = dir.path() + "/leads.yaml";
  WritePolicy(policy, "p1");
  const int grpc_port = firstline::testing::FreePort();
  const int metrics_port = firstline::testing::FreePort();
  const std::string log = dir.path() + "/lead-intake.log";
  firstline::testing::ChildProcess service(
      {firstline::testing::BinaryPath("services/lead-intake/firstline-lead-intake"),
       "--auth-secret", kSecret, "--redis-port", std::to_string(redis.port()),
       "--kafka-bootstrap-file", bootstrap, "--grpc-port", std::to_string(grpc_port),
       "--metrics-port", std::to_string(metrics_port), "--policy", policy, "--sweep-interval-ms",
       "100"},
      log);
  ASSERT_TRUE(
      WaitFor([&] { return firstline::testing::HttpGetStatus(metrics_port, "/healthz") == 200; },
              absl::Seconds(30)))
      << ReadFile(log);

  auto stub = v1::LeadIntake::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                                          grpc::InsecureChannelCredentials()));
  platform::TokenIssuer issuer(kSecret, platform::SystemClock::Instance());
  auto bearer = [&](platform::PrincipalKind kind) {
    return "Bearer " + issuer.Mint({"t", kind, "cc-1"}, absl::Hours(1)).value_or("");
  };
  // The policy version a new lead's routing decision records.
  int n = 0;
  auto decided_by = [&]() -> std::string {
    v1::SubmitLeadRequest req;
    req.set_idempotency_key("p-" + std::to_string(++n));
    req.mutable_source()->set_channel("hotline-400");
    req.mutable_contact()->set_phone("1380000000" + std::to_string(n));
    req.mutable_company()->set_name("Reload Co " + std::to_string(n));
    v1::SubmitLeadResponse resp;
    grpc::ClientContext c1;
    c1.AddMetadata("authorization", bearer(platform::PrincipalKind::kCallCentre));
    if (!stub->SubmitLead(&c1, req, &resp).ok()) return "submit failed";
    v1::ExplainAssignmentRequest ereq;
    ereq.set_lead_id(resp.lead().lead_id());
    v1::ExplainAssignmentResponse eresp;
    grpc::ClientContext c2;
    c2.AddMetadata("authorization", bearer(platform::PrincipalKind::kOperator));
    if (!stub->ExplainAssignment(&c2, ereq, &eresp).ok() || eresp.receipts_json().empty()) {
      return "no receipt";
    }
    return nlohmann::json::parse(eresp.receipts_json(0))["policy_version"].get<std::string>();
  };
  EXPECT_EQ(decided_by(), "p1");
  absl::SleepFor(absl::Milliseconds(20));  // a new modification time
  WritePolicy(policy, "p2");
  EXPECT_TRUE(WaitFor([&] { return decided_by() == "p2"; }, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(20));
  WritePolicy(policy, "p3", /*broken=*/true);
  EXPECT_TRUE(
      WaitFor([&] { return ReadFile(log).find("policy_reload_refused") != std::string::npos; },
              absl::Seconds(10)));
  EXPECT_EQ(decided_by(), "p2");  // the running policy stays
  EXPECT_EQ(service.Stop(SIGTERM, 20000), 0) << ReadFile(log);
}

}  // namespace
}  // namespace firstline::lead_intake
