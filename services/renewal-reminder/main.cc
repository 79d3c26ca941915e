// firstline-renewal-reminder: contracts, renewal reminders, care cadence, account health.
// main only assembles: runtime, schedule policy, reminder book and desk, the task feed, the
// gRPC service and the firing loop.
#include <grpcpp/create_channel.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/core/log.h"
#include "platform/core/periodic_task.h"
#include "platform/core/status_macros.h"
#include "platform/kafka/topics.h"
#include "platform/redis/idempotent_answers.h"
#include "platform/runtime/service_runtime.h"
#include "renewal-reminder/inspection_client.h"
#include "renewal-reminder/renewals_service.h"

namespace {

namespace fp = firstline::platform;
namespace fr = firstline::renewal;

// The policy file when there is one, else the built-in defaults.
absl::StatusOr<fr::SchedulePolicy> InitialPolicy(const std::string& path) {
  if (path.empty() || !std::filesystem::exists(path)) return fr::SchedulePolicy::Default();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto policy = fr::ParseSchedulePolicyYaml(text.str());
  if (!policy.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", policy.status().message()));
  }
  return policy;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Firstline renewal-reminder: contracts, renewal reminders, care, account health"};
  fp::RuntimeConfig config;
  config.service_name = "renewal-reminder";
  config.grpc.port = 7073;
  config.metrics_port = 9473;
  config.outbox_shards = 1;
  fp::BindRuntimeFlags(app, config);
  std::string policy_path = "deploy/policies/reminders.yaml";
  app.add_option("--schedule-policy", policy_path,
                 "schedule policy YAML, stored for every instance when none is stored yet")
      ->envname("FIRSTLINE_SCHEDULE_POLICY")
      ->capture_default_str();
  int fire_ms = 1000;
  app.add_option("--fire-interval-ms", fire_ms, "how often due reminders are claimed")
      ->check(CLI::Range(10, 60'000))
      ->capture_default_str();
  std::string ticket_dispatch = "127.0.0.1:7072";
  app.add_option("--ticket-dispatch", ticket_dispatch,
                 "ticket-dispatch gRPC address (due inspections become tickets there)")
      ->envname("FIRSTLINE_TICKET_DISPATCH")
      ->capture_default_str();
  int retention_days = 400;
  app.add_option("--finished-reminder-retention-days", retention_days,
                 "how long a done or superseded reminder is kept before Redis forgets it")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  int rpc_threads = 16;
  app.add_option("--rpc-threads", rpc_threads, "threads serving calls (they block on Redis)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto policy = InitialPolicy(policy_path);
  if (!policy.ok()) {
    std::fprintf(stderr, "renewal-reminder: %s\n", fp::StatusText(policy.status()).c_str());
    return 2;
  }
  auto runtime = fp::ServiceRuntime::Create(config, fp::SystemClock::Instance());
  if (!runtime.ok()) {
    std::fprintf(stderr, "renewal-reminder: %s\n", fp::StatusText(runtime.status()).c_str());
    return 2;
  }
  fp::ServiceRuntime& rt = **runtime;
  fr::ReminderBook book(rt.redis(), rt.clock(), "renewal-reminder",
                        absl::Hours(24 * retention_days));
  fr::HealthBook health(rt.redis(), rt.clock());
  fr::RenewalDesk desk(book, health, rt.clock(), std::move(*policy));
  fr::ReminderFeed feed(book, rt.config().redis, absl::Seconds(5));
  fp::WorkPool pool("renewal-reminder-rpc", rpc_threads, 10'000);
  fp::IdempotentAnswers answers(rt.redis(), "renewal-reminder");
  fr::TicketDeskInspections inspections(
      grpc::CreateChannel(ticket_dispatch, grpc::InsecureChannelCredentials()),
      rt.config().auth_secret, rt.clock());
  fr::RenewalsService service(desk, book, feed, rt.grpc().live_streams(), pool, answers,
                              rt.authorizer());
  rt.grpc().AddService(&service);
  rt.AddOutboxStream(fr::ReminderBook::OutboxKey());
  // Owners and referrals from lead-intake, follow-ups and health signals from ticket-dispatch.
  if (auto st = rt.AddEnvelopeConsumer(
          "renewal-reminder", {std::string(fp::topics::kLeads), std::string(fp::topics::kTickets)},
          [&](const auto& e) { return desk.ApplyEvent(e); });
      !st.ok()) {
    std::fprintf(stderr, "renewal-reminder: %s\n", fp::StatusText(st).c_str());
    return 2;
  }
  if (auto st = rt.Start(); !st.ok()) {
    fp::Log::Error("start_failed", {{"error", st.ToString()}});
    return 1;
  }
  feed.Start();
  fp::PeriodicTask firing("reminder-firing", absl::Milliseconds(fire_ms), [&]() -> absl::Status {
    if (auto st = desk.SyncPolicy(); !st.ok()) return st;
    // Care calls, inspections and greetings of the next 35 days, 200 accounts per tick.
    if (auto st = desk.PlanCadenceSlice(200, absl::Hours(24 * 35), absl::Hours(1)); !st.ok()) {
      return st.status();
    }
    if (auto st = desk.FireDue(""); !st.ok()) return st.status();
    return desk.RaiseInspections(inspections, 100).status();
  });
  firing.Start();
  int code = rt.RunUntilSignal();
  firing.Stop();
  feed.Stop();
  return code;
}
