// firstline-echo: the null gRPC service on the shared runtime; the bench baseline.
#include <CLI/CLI.hpp>

#include "echo/echo_service.h"
#include "platform/core/log.h"
#include "platform/core/status_macros.h"
#include "platform/runtime/service_runtime.h"

int main(int argc, char** argv) {
  namespace fp = firstline::platform;
  CLI::App app{"Firstline null echo service (bench baseline)"};
  fp::RuntimeConfig config;
  config.service_name = "echo";
  config.grpc.port = 7070;
  config.metrics_port = 9470;
  config.outbox_shards = 1;
  fp::BindRuntimeFlags(app, config);
  CLI11_PARSE(app, argc, argv);

  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "echo: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  firstline::echo::EchoService echo((*runtime)->authorizer());
  (*runtime)->grpc().AddService(&echo);
  if (auto st = (*runtime)->Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  return (*runtime)->RunUntilSignal();
}
