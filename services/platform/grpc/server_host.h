#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/grpc/live_streams.h"
#include "platform/http/metrics.h"

namespace firstline::platform {

struct GrpcServerConfig {
  std::string address = "0.0.0.0";
  int port = 0;  // 0: a free port
  int max_message_bytes = 4 * 1024 * 1024;
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // TLS when both are set; mTLS (client certificates required) when client_ca_file is set too.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;
};

// Builds and runs the gRPC server: callback services, grpc.health.v1, reflection, keepalive,
// message size limits and the observing interceptor.
class ServerHost {
 public:
  ServerHost(GrpcServerConfig config, PlatformMetrics& metrics);
  ~ServerHost();

  // Before Start(). The service must outlive the host.
  void AddService(grpc::Service* service);
  // Binds and starts; returns the bound port. Health starts NOT_SERVING.
  absl::StatusOr<int> Start();
  // Health for the whole server and every registered service.
  void SetServing(bool serving);
  // Ends the live streams at once (UNAVAILABLE), stops accepting, lets in-flight calls finish
  // within `grace`, then cancels the rest.
  void Shutdown(absl::Duration grace);
  // The server streams that never end by themselves (offer and task feeds) register here.
  LiveStreams& live_streams() { return live_streams_; }

  int port() const { return port_; }

 private:
  GrpcServerConfig config_;
  PlatformMetrics& metrics_;
  std::vector<grpc::Service*> services_;
  LiveStreams live_streams_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace firstline::platform
