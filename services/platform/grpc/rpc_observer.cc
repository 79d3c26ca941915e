#include "platform/grpc/rpc_observer.h"

#include <chrono>

#include "absl/strings/match.h"
#include "platform/core/log.h"

namespace firstline::platform {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcObserver : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, PlatformMetrics& metrics)
      : method_(info->method()), metrics_(metrics), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      std::string code = std::to_string(static_cast<int>(status.error_code()));
      metrics_.rpc_total.Add({{"method", method_}, {"code", code}}).Increment();
      metrics_.rpc_seconds
          .Add({{"method", method_}},
               prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05, 0.1, 0.25, 0.5, 1, 2.5, 5})
          .Observe(seconds);
      // Health probes and reflection would drown the log.
      if (!absl::StartsWith(method_, "/grpc.")) {
        nlohmann::json fields = {{"method", method_},
                                 {"code", static_cast<int>(status.error_code())},
                                 {"ms", seconds * 1000.0}};
        if (!status.ok()) fields["error"] = status.error_message();
        if (status.ok()) {
          Log::Debug("rpc", std::move(fields));
        } else {
          Log::Info("rpc", std::move(fields));
        }
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  PlatformMetrics& metrics_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, metrics_);
}

}  // namespace firstline::platform
