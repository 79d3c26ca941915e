// firstline-ticket-dispatch: service tickets dispatched to support and field engineers.
// main only assembles: runtime, routing host (policy, engine, offer feed, sweeper), the ticket
// desk, the gRPC services and the contract consumer.
#include <CLI/CLI.hpp>

#include "platform/core/log.h"
#include "platform/core/status_macros.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "routing/routing_host.h"
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
  fr::RoutingHostConfig routing{.policy_path = "deploy/policies/tickets.yaml"};
  fr::BindRoutingHostFlags(app, routing);
  ft::TicketDeskConfig desk_config;
  int follow_up_hours = 24;
  ft::TicketBookConfig book_config;
  int closed_retention_days = 400;
  app.add_option("--follow-up-hours", follow_up_hours,
                 "satisfaction call-back due this long after resolution")
      ->envname("FIRSTLINE_FOLLOW_UP_HOURS")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();
  app.add_option("--closed-ticket-retention-days", closed_retention_days,
                 "a resolved or cancelled ticket is archived this many days after it closed")
      ->envname("FIRSTLINE_CLOSED_TICKET_RETENTION_DAYS")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fr::SizeRedisPoolForRouting(app, routing, config);
  desk_config.follow_up_delay = absl::Hours(follow_up_hours);
  book_config.closed_retention = absl::Hours(24) * closed_retention_days;

  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  auto host = fr::RoutingHost::Create(rt, routing,
                                      {.domain = "tickets",
                                       .producer = "ticket-dispatch",
                                       .topic = std::string(fp::topics::kTickets),
                                       .owner_kind = "service"});
  if (!host.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(host.status()).c_str());
    return 2;
  }
  ft::TicketBook book(rt.redis(), rt.clock(), book_config);
  ft::TicketDesk desk(book, (*host)->engine(), rt.clock(), desk_config);
  fp::IdempotentAnswers answers(rt.redis(), "ticket-dispatch");
  ft::AdapterParts parts{desk, (*host)->rpc_pool(), answers, rt.authorizer()};
  ft::TicketDeskService desk_service(parts);
  ft::FieldEngineerService engineer_service(parts, (*host)->feed(), rt.grpc().live_streams());
  rt.grpc().AddService(&desk_service);
  rt.grpc().AddService(&engineer_service);
  rt.AddOutboxStream(ft::TicketBook::OutboxKey());
  if (auto st = rt.AddEnvelopeConsumer("ticket-dispatch", {std::string(fp::topics::kContracts)},
                                       [&](const auto& e) { return desk.ApplyContractEvent(e); });
      !st.ok()) {
    std::fprintf(stderr, "ticket-dispatch: %s\n", fp::StatusText(st).c_str());
    return 2;
  }
  if (auto st = rt.Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  (*host)->Start([&] { return desk.Sweep().status(); });
  int code = rt.RunUntilSignal();
  (*host)->Stop();
  return code;
}
