// firstline-ticket-dispatch: service tickets dispatched to support and field engineers.
// main only assembles: runtime, policy, routing engine, ticket book, desk, gRPC services,
// offer feed, contract consumer, sweeper.
#include <CLI/CLI.hpp>

#include "platform/core/log.h"
#include "platform/core/periodic_task.h"
#include "platform/core/status_macros.h"
#include "platform/core/work_pool.h"
#include "platform/events/envelope_handler.h"
#include "platform/events/processed_events.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "routing/offer_feed.h"
#include "routing/policy_file.h"
#include "ticket-dispatch/ticket_services.h"

int main(int argc, char** argv) {
  namespace fp = firstline::platform;
  namespace ft = firstline::ticket_dispatch;
  namespace fr = firstline::routing;
  CLI::App app{"Firstline ticket-dispatch: service tickets to support and field engineers"};
  fp::RuntimeConfig config;
  config.service_name = "ticket-dispatch";
  config.grpc.port = 7072;
  config.metrics_port = 9472;
  config.outbox_shards = 1;
  fp::BindRuntimeFlags(app, config);
  std::string policy_path = "deploy/policies/tickets.yaml";
  ft::TicketDeskConfig desk_config;
  int sweep_ms = 1000;
  int rpc_threads = 32;
  int follow_up_hours = 24;
  app.add_option("--policy", policy_path, "dispatch policy YAML (reloaded when it changes)")
      ->envname("FIRSTLINE_POLICY")
      ->capture_default_str();
  app.add_option("--follow-up-hours", follow_up_hours,
                 "satisfaction call-back due this long after resolution")
      ->envname("FIRSTLINE_FOLLOW_UP_HOURS")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();
  app.add_option("--sweep-interval-ms", sweep_ms, "offer expiry / SLA / recovery sweep interval")
      ->envname("FIRSTLINE_SWEEP_INTERVAL_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--rpc-threads", rpc_threads, "threads serving calls (they block on Redis)")
      ->envname("FIRSTLINE_RPC_THREADS")
      ->check(CLI::Range(1, 512))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  desk_config.follow_up_delay = absl::Hours(follow_up_hours);

  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fr::PolicyFile policy_file(policy_path);
  auto policy = policy_file.Load();
  if (!policy.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(policy.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  fr::RoutingEngine engine(rt.redis(),
                           {.domain = "tickets",
                            .producer = "ticket-dispatch",
                            .topic = std::string(fp::topics::kTickets),
                            .owner_kind = "service"},
                           *policy, rt.clock());
  ft::TicketBook book(rt.redis(), rt.clock(), ft::TicketBookConfig{});
  ft::TicketDesk desk(book, engine, rt.clock(), desk_config);
  fr::OfferFeed feed(engine, rt.config().redis, absl::Seconds(5));
  fp::WorkPool rpc_pool("ticket-dispatch-rpc", rpc_threads, 10'000);
  fp::IdempotentAnswers answers(rt.redis(), "ticket-dispatch");
  ft::AdapterParts parts{desk, rpc_pool, answers, rt.authorizer()};
  ft::TicketDeskService desk_service(parts);
  ft::FieldEngineerService engineer_service(parts, feed);
  rt.grpc().AddService(&desk_service);
  rt.grpc().AddService(&engineer_service);
  fp::ProcessedEvents processed(rt.redis(), "ticket-dispatch-contracts");
  auto consumer = fp::EventConsumer::Create(
      rt.config().kafka,
      {.group_id = "ticket-dispatch", .topics = {std::string(fp::topics::kContracts)}},
      &rt.producer(),
      fp::EnvelopeHandler([&](const auto& e) { return desk.ApplyContractEvent(e); }, &processed));
  if (!consumer.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(consumer.status()).c_str());
    return 2;
  }
  rt.AddConsumer(std::move(*consumer));
  rt.AddOutboxStream(engine.OutboxKey());
  rt.AddOutboxStream(ft::TicketBook::OutboxKey());

  fp::PeriodicTask sweeper("ticket_sweep", absl::Milliseconds(sweep_ms), [&]() -> absl::Status {
    (void)policy_file.ReloadIfChanged(engine);  // refusals are logged; the old policy stays
    return desk.Sweep().status();
  });
  if (auto st = rt.Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  sweeper.Start();
  feed.Start();
  int code = rt.RunUntilSignal();
  feed.Stop();
  sweeper.Stop();
  return code;
}
