#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

class CivetServer;

namespace firstline::platform {

// Serves /metrics (Prometheus text format) and /healthz (200 while ready, 503 otherwise).
class HttpEndpoint {
 public:
  // port 0 picks a free port; port() tells which.
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> Start(
      const std::string& address, int port, std::shared_ptr<prometheus::Registry> registry,
      std::function<bool()> ready);
  ~HttpEndpoint();
  int port() const { return port_; }

 private:
  class MetricsHandler;
  class HealthHandler;
  HttpEndpoint() = default;
  std::unique_ptr<CivetServer> server_;
  std::unique_ptr<MetricsHandler> metrics_;
  std::unique_ptr<HealthHandler> health_;
  int port_ = 0;
};

}  // namespace firstline::platform
