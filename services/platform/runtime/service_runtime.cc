#include "platform/runtime/service_runtime.h"

#include <grpc/support/log.h>

#include <csignal>

#include "absl/strings/str_cat.h"
#include "platform/core/log.h"
#include "platform/core/mutex_mode.h"
#include "platform/core/shifted_clock.h"
#include "platform/core/shutdown_signals.h"
#include "platform/core/thread_name.h"

namespace firstline::platform {
namespace {

// gRPC core logs through our JSON logger, so the output stays one JSON object per line.
void GrpcLog(gpr_log_func_args* args) {
  nlohmann::json fields = {{"message", args->message}, {"file", args->file}, {"line", args->line}};
  switch (args->severity) {
    case GPR_LOG_SEVERITY_ERROR:
      Log::Error("grpc_log", std::move(fields));
      break;
    case GPR_LOG_SEVERITY_INFO:
      Log::Info("grpc_log", std::move(fields));
      break;
    default:
      Log::Debug("grpc_log", std::move(fields));
  }
}

}  // namespace

ServiceRuntime::ServiceRuntime(RuntimeConfig config, const Clock& clock)
    : config_(std::move(config)),
      shifted_clock_(config_.clock_shift_file.empty()
                         ? nullptr
                         : std::make_unique<ShiftedClock>(config_.clock_shift_file, clock)),
      clock_(shifted_clock_ ? *shifted_clock_ : clock),
      registry_(std::make_shared<prometheus::Registry>()),
      metrics_(*registry_),
      verifier_(config_.auth_secret, clock_),
      authorizer_(verifier_),
      keyspace_(config_.service_name, config_.outbox_shards),
      grpc_(config_.grpc, metrics_) {}

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(RuntimeConfig config,
                                                                       const Clock& clock) {
  BlockShutdownSignals();  // before any thread starts: only RunUntilSignal takes them
  UseProductionMutexMode();
  if (absl::Status st = ValidateRuntimeConfig(config); !st.ok()) return st;
  Log::Init(config.service_name, config.log_level);
  gpr_set_log_function(GrpcLog);
  std::unique_ptr<ServiceRuntime> rt(new ServiceRuntime(std::move(config), clock));
  rt->redis_ = std::make_unique<RedisClient>(rt->config_.redis);
  rt->config_.kafka.client_id = rt->config_.service_name;
  auto producer = EventProducer::Create(rt->config_.kafka);
  if (!producer.ok()) return producer.status();
  rt->producer_ = std::move(*producer);
  return rt;
}

ServiceRuntime::~ServiceRuntime() { Shutdown(); }

void ServiceRuntime::AddConsumer(std::unique_ptr<EventConsumer> consumer) {
  consumers_.push_back(std::move(consumer));
}

absl::Status ServiceRuntime::AddEnvelopeConsumer(const std::string& group,
                                                 std::vector<std::string> topics,
                                                 EnvelopeApply apply) {
  processed_.push_back(std::make_unique<ProcessedEvents>(*redis_, group));
  auto consumer = EventConsumer::Create(
      config_.kafka, {.group_id = group, .topics = std::move(topics)}, producer_.get(),
      EnvelopeHandler(std::move(apply), processed_.back().get()));
  if (!consumer.ok()) return consumer.status();
  AddConsumer(std::move(*consumer));
  return absl::OkStatus();
}

absl::Status ServiceRuntime::AddBatchEnvelopeConsumer(const std::string& group,
                                                      std::vector<std::string> topics,
                                                      size_t max_batch, EnvelopeBatchApply apply) {
  auto consumer = EventConsumer::CreateBatched(
      config_.kafka, {.group_id = group, .topics = std::move(topics), .max_batch = max_batch},
      producer_.get(), EnvelopeBatchHandler(std::move(apply)));
  if (!consumer.ok()) return consumer.status();
  AddConsumer(std::move(*consumer));
  return absl::OkStatus();
}

void ServiceRuntime::AddOutboxStream(std::string stream_key) {
  extra_streams_.push_back(std::move(stream_key));
}

absl::Status ServiceRuntime::Start() {
  OutboxRelayConfig relay = config_.relay;
  relay.streams = keyspace_.AllOutboxKeys();
  relay.streams.insert(relay.streams.end(), extra_streams_.begin(), extra_streams_.end());
  relay_ = std::make_unique<OutboxRelay>(*redis_, *producer_, std::move(relay));
  auto http = HttpEndpoint::Start(config_.http_address, config_.metrics_port, registry_,
                                  [this] { return ready_.load(); });
  if (!http.ok()) return http.status();
  http_ = std::move(*http);
  relay_->Start();
  for (auto& c : consumers_) c->Start();
  auto port = grpc_.Start();
  if (!port.ok()) return port.status();
  Probe();
  prober_ = std::thread([this] {
    NameThisThread("health-probe");
    while (!stopping_.load()) {
      absl::Time next = absl::Now() + config_.probe_interval;
      while (!stopping_.load() && absl::Now() < next) absl::SleepFor(absl::Milliseconds(20));
      if (!stopping_.load()) Probe();
    }
  });
  Log::Info("service_started",
            {{"grpc_port", grpc_.port()},
             {"metrics_port", http_->port()},
             {"redis", absl::StrCat(config_.redis.host, ":", config_.redis.port)}});
  return absl::OkStatus();
}

void ServiceRuntime::Probe() {
  absl::Status redis = redis_->Ping();
  absl::Status kafka = producer_->CheckBrokers(absl::Seconds(1));
  metrics_.dependency_up.Add({{"dependency", "redis"}}).Set(redis.ok() ? 1 : 0);
  metrics_.dependency_up.Add({{"dependency", "kafka"}}).Set(kafka.ok() ? 1 : 0);
  bool ready = redis.ok() && kafka.ok() && !stopping_.load();
  if (ready != ready_.exchange(ready)) {
    Log::Info(ready ? "ready" : "not_ready", {{"redis", redis.ok() ? "up" : redis.ToString()},
                                              {"kafka", kafka.ok() ? "up" : kafka.ToString()}});
  }
  grpc_.SetServing(ready);
  RefreshMetrics();
}

void ServiceRuntime::RefreshMetrics() {
  if (auto depth = relay_->Depth(); depth.ok()) {
    metrics_.outbox_depth.Add({}).Set(static_cast<double>(*depth));
  }
  AdvanceTo(metrics_.outbox_published.Add({}), static_cast<double>(relay_->published()));
  AdvanceTo(metrics_.outbox_failed.Add({}), static_cast<double>(relay_->failed()));
  AdvanceTo(metrics_.script_reloads.Add({}), static_cast<double>(redis_->script_reloads()));
  AdvanceTo(metrics_.redis_round_trips.Add({}), static_cast<double>(RedisRoundTrips()));
  for (const auto& c : consumers_) {
    const std::string& group = c->config().group_id;
    metrics_.consumer_lag.Add({{"group", group}}).Set(static_cast<double>(c->lag()));
    AdvanceTo(metrics_.consumer_handled.Add({{"group", group}}), static_cast<double>(c->handled()));
    AdvanceTo(metrics_.consumer_dead.Add({{"group", group}}),
              static_cast<double>(c->dead_lettered()));
    AdvanceTo(metrics_.consumer_retries.Add({{"group", group}}), static_cast<double>(c->retries()));
  }
}

int ServiceRuntime::RunUntilSignal() {
  const sigset_t signals = BlockShutdownSignals();
  int sig = 0;
  sigwait(&signals, &sig);
  Log::Info("shutdown_requested", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  Shutdown();
  return 0;
}

void ServiceRuntime::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  stopping_.store(true);
  ready_.store(false);
  if (prober_.joinable()) prober_.join();
  absl::Time deadline = absl::Now() + config_.drain_timeout;
  grpc_.Shutdown(config_.drain_timeout / 2);
  for (auto& c : consumers_) c->Stop();
  // Give the relay the rest of the budget to publish what the last requests wrote; whatever
  // remains stays in Redis and the next relay publishes it.
  if (relay_ != nullptr) {
    while (absl::Now() < deadline) {
      auto depth = relay_->Depth();
      if (!depth.ok() || *depth == 0) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    relay_->Stop();
  }
  if (producer_ != nullptr) {
    absl::Duration left = std::max(deadline - absl::Now(), absl::Milliseconds(100));
    if (absl::Status st = producer_->Flush(left); !st.ok()) {
      Log::Warn("producer_flush_incomplete", {{"error", st.ToString()}});
    }
  }
  http_.reset();
  Log::Info("service_stopped");
}

}  // namespace firstline::platform
