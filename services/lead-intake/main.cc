// firstline-lead-intake: call-centre leads, partner registrations, first-responder routing.
// main only assembles: runtime, policy, routing engine, lead book, desk, gRPC service, sweeper.
#include <CLI/CLI.hpp>

#include "lead-intake/contract_listener.h"
#include "lead-intake/lead_intake_service.h"
#include "lead-intake/partner_opportunities_service.h"
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
  std::string policy_path = "deploy/policies/leads.yaml";
  fl::LeadDeskConfig desk_config;
  fl::LeadBookConfig book_config;
  fl::RegistrationBookConfig registration_config;
  int duplicate_window_days = 30;
  int protection_days = 90;
  int sweep_ms = 1000;
  int rpc_threads = 32;
  app.add_option("--policy", policy_path, "routing policy YAML (reloaded when it changes)")
      ->envname("FIRSTLINE_POLICY")
      ->capture_default_str();
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
  app.add_option("--vendor-organisation", registration_config.vendor_organisation,
                 "organisation id of the vendor's own (direct) sales")
      ->envname("FIRSTLINE_VENDOR_ORGANISATION")
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
  book_config.duplicate_window = absl::Hours(24) * duplicate_window_days;
  registration_config.protection = absl::Hours(24) * protection_days;

  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fr::PolicyFile policy_file(policy_path);
  auto policy = policy_file.Load();
  if (!policy.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(policy.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  fr::RoutingEngine engine(rt.redis(),
                           {.domain = "leads",
                            .producer = "lead-intake",
                            .topic = std::string(fp::topics::kLeads),
                            .owner_kind = "sales"},
                           *policy, rt.clock());
  fl::LeadBook book(rt.redis(), rt.clock(), book_config);
  fl::LeadDesk desk(book, engine, rt.clock(), desk_config);
  fr::OfferFeed feed(engine, rt.config().redis, absl::Seconds(5));
  fp::WorkPool rpc_pool("lead-intake-rpc", rpc_threads, 10'000);
  fp::IdempotentAnswers answers(rt.redis(), "lead-intake");
  fl::LeadIntakeService service(desk, feed, rpc_pool, answers, rt.authorizer());
  fl::RegistrationBook registrations(rt.redis(), rt.clock(), registration_config);
  fl::RegistrationDesk registration_desk(registrations, engine, rt.clock(), desk_config.limits);
  fl::PartnerOpportunitiesService partner_service(registration_desk, rpc_pool, answers,
                                                  rt.authorizer());
  rt.grpc().AddService(&service);
  rt.grpc().AddService(&partner_service);
  fl::ContractListener contracts(book, engine);
  fp::ProcessedEvents processed(rt.redis(), "lead-intake-contracts");
  auto consumer = fp::EventConsumer::Create(
      config.kafka, {.group_id = "lead-intake", .topics = {std::string(fp::topics::kContracts)}},
      &rt.producer(),
      fp::EnvelopeHandler([&](const auto& e) { return contracts.Apply(e); }, &processed));
  if (!consumer.ok()) {
    std::fprintf(stderr, "lead-intake: %s\n", fp::StatusText(consumer.status()).c_str());
    return 2;
  }
  rt.AddConsumer(std::move(*consumer));
  rt.AddOutboxStream(engine.OutboxKey());
  rt.AddOutboxStream(fl::LeadBook::OutboxKey());

  fp::PeriodicTask sweeper("lead_sweep", absl::Milliseconds(sweep_ms), [&]() -> absl::Status {
    (void)policy_file.ReloadIfChanged(engine);  // refusals are logged; the old policy stays
    if (auto st = registration_desk.Sweep(); !st.ok()) return st.status();
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
