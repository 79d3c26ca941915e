#include "platform/http/http_endpoint.h"

#include <CivetServer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "prometheus/text_serializer.h"

namespace firstline::platform {
namespace {

void Reply(mg_connection* conn, int code, absl::string_view content_type, absl::string_view body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n",
            code, code == 200 ? "OK" : "Service Unavailable", static_cast<int>(content_type.size()),
            content_type.data(), body.size());
  mg_write(conn, body.data(), body.size());
}

}  // namespace

class HttpEndpoint::MetricsHandler : public CivetHandler {
 public:
  explicit MetricsHandler(std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    prometheus::TextSerializer serializer;
    Reply(conn, 200, "text/plain; version=0.0.4", serializer.Serialize(registry_->Collect()));
    return true;
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
};

class HttpEndpoint::HealthHandler : public CivetHandler {
 public:
  explicit HealthHandler(std::function<bool()> ready) : ready_(std::move(ready)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    bool ok = ready_();
    Reply(conn, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ready\n");
    return true;
  }

 private:
  std::function<bool()> ready_;
};

absl::StatusOr<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Start(
    const std::string& address, int port, std::shared_ptr<prometheus::Registry> registry,
    std::function<bool()> ready) {
  std::unique_ptr<HttpEndpoint> self(new HttpEndpoint());
  std::vector<std::string> options = {"listening_ports", absl::StrCat(address, ":", port),
                                      "num_threads", "2"};
  try {
    self->server_ = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("http endpoint on ", address, ":", port, ": ", e.what()));
  }
  std::vector<int> ports = self->server_->getListeningPorts();
  self->port_ = ports.empty() ? port : ports.front();
  self->metrics_ = std::make_unique<MetricsHandler>(std::move(registry));
  self->health_ = std::make_unique<HealthHandler>(std::move(ready));
  self->server_->addHandler("/metrics", self->metrics_.get());
  self->server_->addHandler("/healthz", self->health_.get());
  return self;
}

HttpEndpoint::~HttpEndpoint() {
  if (server_ != nullptr) server_->close();
}

}  // namespace firstline::platform
