#pragma once

#include <grpcpp/support/server_interceptor.h>

#include "platform/http/metrics.h"

namespace firstline::platform {

// Server interceptor factory: every RPC gets a request log line and its latency and status
// code recorded. Authorization happens in the handlers (they know the method's policy).
class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcObserverFactory(PlatformMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  PlatformMetrics& metrics_;
};

}  // namespace firstline::platform
