#pragma once

#include "absl/strings/string_view.h"
#include "firstline/testing/v1/echo.grpc.pb.h"
#include "platform/auth/rpc_authorizer.h"

namespace firstline::echo {

// The null service: authorizes like every real service, then does nothing but echo. Its
// throughput is the gRPC baseline the bench harness compares every scenario with.
class EchoService final : public firstline::testing::v1::Echo::CallbackService {
 public:
  static constexpr absl::string_view kPing = "/firstline.testing.v1.Echo/Ping";
  static constexpr absl::string_view kStream = "/firstline.testing.v1.Echo/Stream";
  static constexpr int64_t kMaxStreamCount = 1'000'000;

  // Declares who may call Echo on `authorizer` (every principal kind) and keeps it.
  explicit EchoService(platform::RpcAuthorizer& authorizer);

  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const firstline::testing::v1::PingRequest* request,
                                 firstline::testing::v1::PingResponse* response) override;

  grpc::ServerWriteReactor<firstline::testing::v1::StreamResponse>* Stream(
      grpc::CallbackServerContext* context,
      const firstline::testing::v1::StreamRequest* request) override;

 private:
  platform::RpcAuthorizer& authorizer_;
};

}  // namespace firstline::echo
