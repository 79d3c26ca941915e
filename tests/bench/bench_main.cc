// firstline-bench: load generators and the report for scripts/bench.sh.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "bench/results.h"
#include "platform/core/log.h"
#include "platform/core/mutex_mode.h"

namespace {

namespace fb = firstline::bench;

int Fail(const absl::Status& st) {
  std::fprintf(stderr, "firstline-bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  firstline::platform::UseProductionMutexMode();  // as the services measured run
  CLI::App app{"Firstline bench harness (run through scripts/bench.sh)"};
  app.require_subcommand(1);
  std::string out;
  std::string target;
  std::string token;
  std::string bootstrap;
  int seconds = 5;
  int warmup_seconds = 5;
  int concurrency = 32;
  int threads = 16;
  int redis_port = 0;
  int metrics_port = 0;
  int events = 100000;
  int64_t stream_messages = 200000;
  double value = 0;
  std::string metric;
  std::string json_out;

  auto* echo = app.add_subcommand("echo", "null gRPC echo baseline: unary and streaming");
  echo->add_option("--target", target)->required();
  echo->add_option("--token", token)->required();
  echo->add_option("--seconds", seconds)->capture_default_str();
  echo->add_option("--concurrency", concurrency)->capture_default_str();
  echo->add_option("--stream-messages", stream_messages)->capture_default_str();
  echo->add_option("--out", out)->required();

  auto* record = app.add_subcommand("record", "record a baseline measured by another tool");
  record->add_option("--metric", metric)->required();
  record->add_option("--value", value)->required();
  record->add_option("--out", out)->required();

  auto* outbox = app.add_subcommand("outbox", "state change + outbox append, and relay drain");
  outbox->add_option("--redis-port", redis_port)->required();
  outbox->add_option("--bootstrap", bootstrap)->required();
  outbox->add_option("--seconds", seconds)->capture_default_str();
  outbox->add_option("--threads", threads)->capture_default_str();
  outbox->add_option("--events", events)->capture_default_str();
  outbox->add_option("--out", out)->required();

  int workers = 50;
  auto* routing = app.add_subcommand("routing", "routing decisions per second");
  routing->add_option("--redis-port", redis_port)->required();
  routing->add_option("--seconds", seconds)->capture_default_str();
  routing->add_option("--threads", threads)->capture_default_str();
  routing->add_option("--workers", workers)->capture_default_str();
  std::string strategy = "round_robin";
  routing->add_option("--strategy", strategy, "round_robin, weighted_round_robin or least_loaded")
      ->capture_default_str();
  routing->add_option("--out", out)->required();

  std::string secret;
  auto* leads = app.add_subcommand("leads", "SubmitLead unary, call-to-bus latency, bulk stream");
  leads->add_option("--target", target)->required();
  leads->add_option("--secret", secret, "token signing secret of the service")->required();
  leads->add_option("--bootstrap", bootstrap)->required();
  leads->add_option("--server-metrics-port", metrics_port, "lead-intake's /metrics")->required();
  leads->add_option("--seconds", seconds)->capture_default_str();
  leads->add_option("--concurrency", concurrency, "unary calls in flight, as the echo's")
      ->capture_default_str();
  leads->add_option("--threads", threads, "paced callers and bulk streams")->capture_default_str();
  double paced_rate = 0;
  leads->add_option("--paced-rate", paced_rate, "calls/s of the latency run (0: half the maximum)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  leads->add_option("--out", out)->required();

  fb::EngineerLoadConfig eng;
  std::string echo_target;
  auto* engineers = app.add_subcommand(
      "engineers", "idle offer streams' memory, offer delivery and accept under ticket load");
  engineers->add_option("--target", eng.target, "ticket-dispatch")->required();
  engineers->add_option("--secret", eng.secret, "token signing secret of the service")->required();
  engineers->add_option("--server-pid", eng.server_pid)->required();
  engineers->add_option("--echo-target", eng.echo_target)->required();
  engineers->add_option("--echo-token", eng.echo_token)->required();
  engineers->add_option("--echo-pid", eng.echo_pid)->required();
  engineers
      ->add_option("--server-metrics-port", eng.server_metrics_port, "ticket-dispatch's /metrics")
      ->required();
  eng.stream_counts = {2000, 10000};
  engineers->add_option("--streams", eng.stream_counts, "connected engineers per round")
      ->delimiter(',')
      ->capture_default_str();
  engineers->add_option("--tickets-per-second", eng.tickets_per_second)->capture_default_str();
  engineers->add_option("--seconds", seconds)->capture_default_str();
  engineers->add_option("--out", out)->required();

  int64_t contracts = 1'000'000;
  auto* reminders = app.add_subcommand(
      "reminders", "contracts scheduled, Redis memory per reminder, due reminders fired");
  reminders->add_option("--redis-port", redis_port)->required();
  reminders->add_option("--contracts", contracts)->capture_default_str();
  reminders->add_option("--threads", threads)->capture_default_str();
  reminders->add_option("--warmup-seconds", warmup_seconds, "firing reported apart, first")
      ->capture_default_str();
  reminders->add_option("--seconds", seconds, "longest steady firing run")->capture_default_str();
  reminders->add_option("--out", out)->required();

  int64_t attribution_leads = 1'000'000;
  auto* attribution = app.add_subcommand(
      "attribution", "events folded per second and per core, report latency over a year");
  attribution->add_option("--redis-port", redis_port)->required();
  attribution->add_option("--target", target, "channel-attribution")->required();
  attribution->add_option("--secret", secret, "token signing secret of the service")->required();
  attribution->add_option("--leads", attribution_leads)->capture_default_str();
  attribution->add_option("--threads", threads)->capture_default_str();
  attribution->add_option("--seconds", seconds, "of each report run")->capture_default_str();
  attribution->add_option("--out", out)->required();

  auto* report = app.add_subcommand("report", "print the table and write the run's JSON");
  report->add_option("--in", out)->required();
  report->add_option("--json", json_out)->required();

  CLI11_PARSE(app, argc, argv);
  firstline::platform::Log::Init("bench", "warn");

  if (echo->parsed()) {
    auto unary = fb::EchoUnary(target, token, concurrency, absl::Seconds(seconds));
    if (!unary.ok()) return Fail(unary.status());
    if (unary->errors > 0) return Fail(absl::InternalError("echo calls failed"));
    auto stream = fb::EchoStream(target, token, stream_messages);
    if (!stream.ok()) return Fail(stream.status());
    for (const auto& f :
         std::vector<fb::Figure>{{"baseline", "echo unary calls/s", unary->per_second, "1/s", ""},
                                 {"baseline", "echo unary p50", unary->p50_ms, "ms", ""},
                                 {"baseline", "echo unary p99", unary->p99_ms, "ms", ""},
                                 {"baseline", "echo stream messages/s", *stream, "1/s", ""}}) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (record->parsed()) {
    if (auto st = fb::Record(out, {"baseline", metric, value, "1/s", ""}); !st.ok()) {
      return Fail(st);
    }
  } else if (outbox->parsed()) {
    auto append = fb::OutboxAppend(redis_port, threads, absl::Seconds(seconds));
    if (!append.ok()) return Fail(append.status());
    auto drain = fb::RelayDrain(redis_port, bootstrap, events);
    if (!drain.ok()) return Fail(drain.status());
    for (const auto& f : std::vector<fb::Figure>{
             {"outbox", "state change + event appends/s", append->per_second, "1/s",
              "redis EVALSHA calls/s"},
             {"outbox", "append p99", append->p99_ms, "ms", ""},
             {"outbox", "relay published events/s", *drain, "1/s", "redis EVALSHA calls/s"}}) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (routing->parsed()) {
    auto decisions =
        fb::RoutingDecisions(redis_port, workers, strategy, threads, absl::Seconds(seconds));
    if (!decisions.ok()) return Fail(decisions.status());
    for (const auto& f : std::vector<fb::Figure>{
             {"routing",
              absl::StrCat("decisions/s (", workers, " workers, ",
                           strategy == "round_robin" ? "round robin" : strategy, ")"),
              decisions->decisions.per_second, "1/s", "redis EVALSHA calls/s"},
             {"routing", "decision p50", decisions->decisions.p50_ms, "ms", ""},
             {"routing", "decision p99", decisions->decisions.p99_ms, "ms", ""},
             {"routing", "decisions per offer script call", decisions->decisions_per_call, "", ""},
             {"routing", "Redis round trips per decision", decisions->round_trips_per_decision, "",
              ""}}) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (leads->parsed()) {
    auto l = fb::LeadLoad(target, secret, bootstrap, metrics_port, concurrency, threads, paced_rate,
                          absl::Seconds(seconds));
    if (!l.ok()) return Fail(l.status());
    for (const auto& f : std::vector<fb::Figure>{
             {"leads", "SubmitLead calls/s", l->unary.per_second, "1/s", "echo unary calls/s"},
             {"leads", "SubmitLead p50", l->unary.p50_ms, "ms", ""},
             {"leads", "SubmitLead p99", l->unary.p99_ms, "ms", ""},
             {"leads", "Redis round trips per lead", l->round_trips_per_lead, "", ""},
             {"leads", "paced rate", l->paced_rate, "1/s", ""},
             {"leads", "call to event on bus p50", l->to_bus_p50_ms, "ms", ""},
             {"leads", "call to event on bus p99", l->to_bus_p99_ms, "ms", ""},
             {"leads", "call (paced) p50", l->paced_call_p50_ms, "ms", ""},
             {"leads", "call (paced) p99", l->paced_call_p99_ms, "ms", ""},
             {"leads", "answer to event on bus p50", l->answer_to_bus_p50_ms, "ms", ""},
             {"leads", "answer to event on bus p99", l->answer_to_bus_p99_ms, "ms", ""},
             {"leads", "events not seen on bus", static_cast<double>(l->events_missing), "", ""},
             {"leads", "SubmitLeads streamed leads/s", l->stream_per_second, "1/s",
              "echo stream messages/s"}}) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (engineers->parsed()) {
    eng.duration = absl::Seconds(seconds);
    auto rounds = fb::EngineerLoad(eng);
    if (!rounds.ok()) return Fail(rounds.status());
    for (const auto& r : *rounds) {
      const std::string n = absl::StrCat(r.streams, " streams");
      for (const auto& f : std::vector<fb::Figure>{
               {"baseline", absl::StrCat("echo idle stream KiB (", n, ")"), r.baseline_stream_kib,
                "KiB", ""},
               {"engineers", absl::StrCat("memory per idle stream (", n, ")"), r.stream_kib, "KiB",
                absl::StrCat("echo idle stream KiB (", n, ")")},
               {"engineers", absl::StrCat("CreateTicket calls issued/s (", n, ")"), r.ticket_rate,
                "1/s", ""},
               {"engineers", absl::StrCat("CreateTicket answered/s (", n, ")"), r.answered_rate,
                "1/s", ""},
               {"engineers", absl::StrCat("CreateTicket p50 (", n, ")"), r.create_p50_ms, "ms",
                "echo unary p50"},
               {"engineers", absl::StrCat("CreateTicket p99 (", n, ")"), r.create_p99_ms, "ms",
                "echo unary p99"},
               {"engineers", absl::StrCat("create to offer on stream p50 (", n, ")"),
                r.delivery_p50_ms, "ms", ""},
               {"engineers", absl::StrCat("create to offer on stream p99 (", n, ")"),
                r.delivery_p99_ms, "ms", ""},
               {"engineers", absl::StrCat("accept round trip p50 (", n, ")"), r.accept_p50_ms, "ms",
                "echo unary p50"},
               {"engineers", absl::StrCat("accept round trip p99 (", n, ")"), r.accept_p99_ms, "ms",
                "echo unary p99"},
               {"engineers", absl::StrCat("ticket-dispatch CPU per ticket (", n, ")"),
                r.service_cpu_ms_per_ticket, "ms", ""},
               {"engineers", absl::StrCat("bench client CPU per ticket (", n, ")"),
                r.client_cpu_ms_per_ticket, "ms", ""},
               {"engineers", absl::StrCat("Redis round trips per ticket (", n, ")"),
                r.redis_round_trips_per_ticket, "", ""},
               {"engineers", absl::StrCat("offers not delivered (", n, ")"),
                static_cast<double>(r.undelivered), "", ""},
               {"engineers", absl::StrCat("failed calls (", n, ")"), static_cast<double>(r.errors),
                "", ""}}) {
        if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
      }
    }
  } else if (attribution->parsed()) {
    auto a = fb::AttributionLoad(redis_port, attribution_leads, threads, target, secret,
                                 absl::Seconds(seconds));
    if (!a.ok()) return Fail(a.status());
    std::vector<fb::Figure> figures = {
        {"attribution", "leads in the year", static_cast<double>(a->leads), "", ""},
        {"attribution", "events folded", static_cast<double>(a->events), "", ""},
        {"attribution", "events folded/s", a->events_per_second, "1/s", "redis EVALSHA calls/s"},
        {"attribution", "events folded per core-second", a->events_per_core_second, "1/s", ""},
        {"attribution", "redis CPU per event", a->redis_cpu_us_per_event, "us", ""},
        {"attribution", "events folded per core-second, Redis included",
         a->events_per_core_second_with_redis, "1/s", ""}};
    if (seconds > 0) {
      for (const auto& [name, l] : std::vector<std::pair<std::string, const fb::LatencyFigures*>>{
               {"year report by channel", &a->report_channel},
               {"year report by keyword", &a->report_keyword},
               {"year report by channel, Markov", &a->report_markov},
               {"year CompareModels by channel", &a->compare}}) {
        figures.push_back({"attribution", name + " p50", l->p50_ms, "ms", "echo unary p50"});
        figures.push_back({"attribution", name + " p99", l->p99_ms, "ms", "echo unary p99"});
      }
    }
    for (const auto& f : figures) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (reminders->parsed()) {
    auto r = fb::ReminderLoad(redis_port, contracts, threads, absl::Seconds(warmup_seconds),
                              absl::Seconds(seconds));
    if (!r.ok()) return Fail(r.status());
    for (const auto& f : std::vector<fb::Figure>{
             {"reminders", "contracts recorded", static_cast<double>(r->contracts), "", ""},
             {"reminders", "reminders pending", static_cast<double>(r->reminders), "", ""},
             {"reminders", "contracts scheduled/s", r->contracts_per_second, "1/s",
              "redis EVALSHA calls/s"},
             {"reminders", "Redis bytes per pending reminder", r->bytes_per_reminder, "B", ""},
             {"reminders", "AOF rewrite before firing", r->aof_rewrite_seconds, "s", ""},
             {"reminders", "warm-up: reminders fired/s", r->warmup_fired_per_second, "1/s", ""},
             {"reminders", "warm-up: reminders fired", static_cast<double>(r->warmup_fired), "",
              ""},
             {"reminders", "reminders fired onto the bus/s", r->fired_per_second, "1/s",
              "redis EVALSHA calls/s"},
             {"reminders", "reminders fired", static_cast<double>(r->fired), "", ""}}) {
      if (auto st = fb::Record(out, f); !st.ok()) return Fail(st);
    }
  } else if (report->parsed()) {
    if (auto st = fb::Report(out, json_out); !st.ok()) return Fail(st);
  }
  return 0;
}
