// firstline-lead-intake: call-centre leads, partner registrations, first-responder routing.
// main only assembles: runtime, routing host (policy, engine, offer feed, sweeper), the lead
// and registration desks, the gRPC services and the contract consumer.
#include <CLI/CLI.hpp>

#include "lead-intake/contract_listener.h"
#include "lead-intake/lead_intake_service.h"
#include "lead-intake/partner_opportunities_service.h"
#include "platform/core/log.h"
#include "platform/core/status_macros.h"
#include "platform/kafka/topics.h"
#include "platform/runtime/service_runtime.h"
#include "routing/routing_host.h"

int main(int argc, char** argv) {
  namespace fp = firstline::platform;
  namespace fl = firstline::lead_intake;
  namespace fr = firstline::routing;
  CLI::App app{"Firstline lead-intake: leads, partner registrations, first-responder routing"};
  fp::RuntimeConfig config;
  config.service_name = "lead-intake";
  config.grpc.port = 7071;
  config.metrics_port = 9471;
  config.outbox_shards = 1;
  fp::BindRuntimeFlags(app, config);
  fr::RoutingHostConfig routing{.policy_path = "deploy/policies/leads.yaml"};
  fr::BindRoutingHostFlags(app, routing);
  fl::LeadDeskConfig desk_config;
  fl::LeadBookConfig book_config;
  fl::RegistrationBookConfig registration_config;
  int duplicate_window_days = 30;
  int protection_days = 90;
  int closed_retention_days = 400;
  app.add_option("--default-country-code", desk_config.limits.default_country_code,
                 "calling code for phone numbers without one")
      ->envname("FIRSTLINE_DEFAULT_COUNTRY_CODE")
      ->capture_default_str();
  app.add_option("--duplicate-window-days", duplicate_window_days,
                 "same phone or e-mail within this many days merges into the open lead")
      ->envname("FIRSTLINE_DUPLICATE_WINDOW_DAYS")
      ->check(CLI::Range(1, 365))
      ->capture_default_str();
  app.add_option("--protection-days", protection_days,
                 "how long an approved partner registration protects the account")
      ->envname("FIRSTLINE_PROTECTION_DAYS")
      ->check(CLI::Range(1, 730))
      ->capture_default_str();
  app.add_option("--closed-lead-retention-days", closed_retention_days,
                 "a converted or disqualified lead is archived this many days after it closed")
      ->envname("FIRSTLINE_CLOSED_LEAD_RETENTION_DAYS")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  app.add_option("--vendor-organisation", registration_config.vendor_organisation,
                 "organisation id of the vendor's own (direct) sales")
      ->envname("FIRSTLINE_VENDOR_ORGANISATION")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fr::SizeRedisPoolForRouting(app, routing, config);
  book_config.duplicate_window = absl::Hours(24) * duplicate_window_days;
  book_config.closed_retention = absl::Hours(24) * closed_retention_days;
  registration_config.protection = absl::Hours(24) * protection_days;

  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  auto host = fr::RoutingHost::Create(rt, routing,
                                      {.domain = "leads",
                                       .producer = "lead-intake",
                                       .topic = std::string(fp::topics::kLeads),
                                       .owner_kind = "sales"});
  if (!host.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(host.status()).c_str());
    return 2;
  }
  fr::RoutingEngine& engine = (*host)->engine();
  fl::LeadBook book(rt.redis(), rt.clock(), book_config);
  fl::LeadDesk desk(book, engine, rt.clock(), desk_config);
  fl::RegistrationBook registrations(rt.redis(), rt.clock(), registration_config);
  fl::RegistrationDesk registration_desk(registrations, engine, rt.clock(), desk_config.limits);
  fp::IdempotentAnswers answers(rt.redis(), "lead-intake");
  fl::LeadIntakeService service(desk, (*host)->feed(), rt.grpc().live_streams(),
                                (*host)->rpc_pool(), answers, rt.authorizer());
  fl::PartnerOpportunitiesService partner_service(registration_desk, (*host)->rpc_pool(), answers,
                                                  rt.authorizer());
  rt.grpc().AddService(&service);
  rt.grpc().AddService(&partner_service);
  rt.AddOutboxStream(fl::LeadBook::OutboxKey());
  fl::ContractListener contracts(book, engine);
  if (auto st = rt.AddEnvelopeConsumer("lead-intake", {std::string(fp::topics::kContracts)},
                                       [&](const auto& e) { return contracts.Apply(e); });
      !st.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(st).c_str());
    return 2;
  }
  if (auto st = rt.Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  (*host)->Start([&]() -> absl::Status {
    if (auto st = registration_desk.Sweep(); !st.ok()) return st.status();
    return desk.Sweep().status();
  });
  int code = rt.RunUntilSignal();
  (*host)->Stop();
  return code;
}
