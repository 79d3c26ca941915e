#include "platform/grpc/server_host.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include <future>

#include "echo/echo_service.h"
#include "firstline/testing/v1/echo.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "support/echo_parts.h"

namespace firstline::platform {
namespace {

constexpr char kSecret[] = "grpc-test-secret-grpc-test-secret-!!";
using firstline::testing::v1::Echo;
using firstline::testing::v1::PingRequest;
using firstline::testing::v1::PingResponse;

class ServerHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.AddService(&parts_.echo);
    auto port = host_.Start();
    ASSERT_TRUE(port.ok()) << port.status();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                                   grpc::InsecureChannelCredentials());
    stub_ = Echo::NewStub(channel_);
  }

  grpc::Status Ping(const std::string& authorization, std::string* echoed = nullptr) {
    grpc::ClientContext ctx;
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    PingRequest req;
    req.set_payload("hi");
    PingResponse resp;
    grpc::Status st = stub_->Ping(&ctx, req, &resp);
    if (echoed != nullptr) *echoed = resp.payload();
    return st;
  }

  std::string Bearer(PrincipalKind kind, absl::Duration ttl = absl::Hours(1)) {
    return parts_.Bearer(kind, ttl);
  }

  // grpc.health.v1.Health/Check for the whole server, with hand-encoded protobuf: an empty
  // request, and a response whose field 1 is the status (1 SERVING, 2 NOT_SERVING).
  int HealthStatus() {
    grpc::GenericStub generic(channel_);
    grpc::ClientContext ctx;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                      &response, [&](grpc::Status st) { done.set_value(st); });
    grpc::Status st = done.get_future().get();
    if (!st.ok()) return -1;
    std::vector<grpc::Slice> slices;
    response.Dump(&slices);
    std::string bytes;
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    return bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
  }

  testing::EchoParts parts_{kSecret};
  FakeClock& clock_ = parts_.clock;
  RpcAuthorizer& authorizer_ = parts_.authorizer;
  PlatformMetrics& metrics_ = parts_.metrics;
  ServerHost host_{GrpcServerConfig{.address = "127.0.0.1"}, parts_.metrics};
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Echo::Stub> stub_;
};

TEST_F(ServerHostTest, ValidTokenIsServed) {
  std::string echoed;
  grpc::Status st = Ping(Bearer(PrincipalKind::kCallCentre), &echoed);
  EXPECT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(echoed, "hi");
}

TEST_F(ServerHostTest, MissingTokenIsUnauthenticated) {
  EXPECT_EQ(Ping("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerHostTest, ExpiredTokenIsUnauthenticated) {
  std::string bearer = Bearer(PrincipalKind::kRep, absl::Minutes(1));
  clock_.Advance(absl::Minutes(2));
  grpc::Status st = Ping(bearer);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(st.error_message().find("expired"), std::string::npos);
}

TEST_F(ServerHostTest, BadlySignedTokenIsUnauthenticated) {
  TokenIssuer forger("someone-elses-secret-someone-elses-se", clock_);
  auto token = forger.Mint({"user-1", PrincipalKind::kOperator, "vendor"}, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Ping("Bearer " + *token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerHostTest, WrongKindIsPermissionDenied) {
  authorizer_.Allow(std::string(echo::EchoService::kPing), {PrincipalKind::kOperator});
  grpc::Status st = Ping(Bearer(PrincipalKind::kPartner));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Ping(Bearer(PrincipalKind::kOperator)).ok());
}

TEST_F(ServerHostTest, HealthFollowsSetServing) {
  EXPECT_EQ(HealthStatus(), 2);
  host_.SetServing(true);
  EXPECT_EQ(HealthStatus(), 1);
  host_.SetServing(false);
  EXPECT_EQ(HealthStatus(), 2);
}

TEST_F(ServerHostTest, OversizedMessageIsRefused) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", Bearer(PrincipalKind::kOperator));
  PingRequest req;
  req.set_payload(std::string(5 * 1024 * 1024, 'x'));
  PingResponse resp;
  EXPECT_EQ(stub_->Ping(&ctx, req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ServerHostTest, ExpiredDeadlineIsNotServed) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", Bearer(PrincipalKind::kOperator));
  ctx.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  PingRequest req;
  PingResponse resp;
  EXPECT_EQ(stub_->Ping(&ctx, req, &resp).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(ServerHostTest, RpcsAreCountedByMethodAndCode) {
  ASSERT_TRUE(Ping(Bearer(PrincipalKind::kRep)).ok());
  ASSERT_FALSE(Ping("").ok());
  auto& ok = metrics_.rpc_total.Add({{"method", "/firstline.testing.v1.Echo/Ping"}, {"code", "0"}});
  auto& unauth =
      metrics_.rpc_total.Add({{"method", "/firstline.testing.v1.Echo/Ping"}, {"code", "16"}});
  EXPECT_EQ(ok.Value(), 1);
  EXPECT_EQ(unauth.Value(), 1);
}

}  // namespace
}  // namespace firstline::platform
