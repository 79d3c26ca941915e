// firstline-channel-attribution: which channel, campaign and keyword bring customers, at what
// cost. main only assembles: runtime, settings, store, folder, desk, the gRPC service and the
// batched consumer of lead, opportunity and contract events.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "channel-attribution/attribution_service.h"
#include "platform/core/log.h"
#include "platform/core/status_macros.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"

namespace {

namespace fp = firstline::platform;
namespace fa = firstline::attribution;

// The settings file when there is one, else the built-in defaults.
absl::StatusOr<fa::AttributionSettings> LoadSettings(const std::string& path) {
  if (path.empty() || !std::filesystem::exists(path)) return fa::AttributionSettings::Default();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto settings = fa::ParseAttributionSettingsYaml(text.str());
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", settings.status().message()));
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Firstline channel-attribution: channels, campaigns, keywords, cost, commission"};
  fp::RuntimeConfig config;
  config.service_name = "channel-attribution";
  config.grpc.port = 7074;
  config.metrics_port = 9474;
  config.outbox_shards = 1;
  fp::BindRuntimeFlags(app, config);
  std::string settings_path = "deploy/policies/attribution.yaml";
  app.add_option("--settings", settings_path,
                 "attribution settings YAML (currency, rates, windows, commission tiers)")
      ->envname("FIRSTLINE_ATTRIBUTION_SETTINGS")
      ->capture_default_str();
  int rpc_threads = 8;
  app.add_option("--rpc-threads", rpc_threads, "threads serving calls (they block on Redis)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  size_t batch = 500;
  app.add_option("--fold-batch", batch, "events folded per transaction at most")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto settings = LoadSettings(settings_path);
  if (!settings.ok()) {
    std::fprintf(stderr, "channel-attribution: %s\n", fp::StatusText(settings.status()).c_str());
    return 2;
  }
  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "channel-attribution: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  fa::AttributionStore store(rt.redis());
  fa::EventFolder folder(store, *settings, rt.clock());
  fa::AttributionDesk desk(store, folder, *settings, rt.clock());
  fp::WorkPool pool("channel-attribution-rpc", rpc_threads, 10'000);
  fp::IdempotentAnswers answers(rt.redis(), "channel-attribution");
  fa::AttributionService service(desk, pool, answers, rt.authorizer());
  rt.grpc().AddService(&service);
  rt.AddOutboxStream(fa::OutboxKey());
  if (auto st = rt.AddBatchEnvelopeConsumer(
          "channel-attribution",
          {std::string(fp::topics::kLeads), std::string(fp::topics::kOpportunities),
           std::string(fp::topics::kContracts)},
          batch, [&](const auto& events) { return desk.ApplyEvents(events); });
      !st.ok()) {
    std::fprintf(stderr, "channel-attribution: %s\n", fp::StatusText(st).c_str());
    return 2;
  }
  if (auto st = rt.Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  return rt.RunUntilSignal();
}
