// firstline-demo: simulated users driving a running suite (scripts/up.sh --demo), with a
// one-screen summary every few seconds. SIGINT or SIGTERM stops it.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "absl/time/time.h"
#include "demo/demo_users.h"
#include "platform/core/mutex_mode.h"
#include "platform/core/shutdown_signals.h"

namespace fd = firstline::demo;

int main(int argc, char** argv) {
  CLI::App app{"firstline-demo: simulated call centres, reps, engineers and partners"};
  fd::DemoConfig config;
  int summary_seconds = 5;
  int run_seconds = 0;
  app.add_option("--lead-intake", config.lead_intake, "lead-intake address")->capture_default_str();
  app.add_option("--ticket-dispatch", config.ticket_dispatch, "ticket-dispatch address")
      ->capture_default_str();
  app.add_option("--renewal-reminder", config.renewal_reminder, "renewal-reminder address")
      ->capture_default_str();
  app.add_option("--channel-attribution", config.channel_attribution, "channel-attribution address")
      ->capture_default_str();
  app.add_option("--auth-secret", config.auth_secret, "the services' token secret")
      ->envname("FIRSTLINE_AUTH_SECRET")
      ->required();
  app.add_option("--leads-per-second", config.leads_per_second, "call-centre leads per second")
      ->check(CLI::Range(0.1, 1000.0))
      ->capture_default_str();
  app.add_option("--tickets-per-second", config.tickets_per_second, "customer tickets per second")
      ->check(CLI::Range(0.01, 100.0))
      ->capture_default_str();
  app.add_option("--reps", config.reps, "sales reps")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  app.add_option("--engineers", config.engineers, "field engineers (the last is a supervisor)")
      ->check(CLI::Range(2, 200))
      ->capture_default_str();
  app.add_option("--partners", config.partners, "partner organisations")
      ->check(CLI::Range(0, 50))
      ->capture_default_str();
  app.add_option("--clock-shift-file", config.clock_shift_file,
                 "renewal-reminder's --clock-shift-file, moved ahead by the demo");
  app.add_option("--clock-speed", config.clock_speed,
                 "how much faster than real time renewal-reminder's clock runs")
      ->check(CLI::Range(1.0, 100000.0))
      ->capture_default_str();
  app.add_option("--summary-seconds", summary_seconds, "seconds between summaries")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--seconds", run_seconds, "stop after this long (0: until a signal)")
      ->check(CLI::Range(0, 86400 * 7))
      ->capture_default_str();
  uint32_t seed = 0;
  app.add_option("--seed", seed,
                 "simulation seed (0: from the clock, so a second run meets new customers "
                 "rather than the first run's, already in Redis)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  config.seed =
      seed != 0 ? seed : static_cast<uint32_t>(absl::ToUnixMillis(absl::Now()) % 2'000'000'000);
  std::fprintf(stderr, "firstline-demo: seed %u\n", config.seed);

  // Signals are taken by the main loop only, never by a worker thread.
  const sigset_t signals = firstline::platform::BlockShutdownSignals();
  firstline::platform::UseProductionMutexMode();

  fd::DemoTally tally;
  fd::DemoUsers users(config, tally);
  absl::Status ready = users.SetUp();
  for (int attempt = 1; !ready.ok() && attempt < 10; ++attempt) {
    std::fprintf(stderr, "firstline-demo: %s; trying again\n", ready.ToString().c_str());
    timespec wait{1, 0};
    if (sigtimedwait(&signals, nullptr, &wait) > 0) return 0;
    ready = users.SetUp();
  }
  if (!ready.ok()) {
    std::fprintf(stderr, "firstline-demo: %s\n", ready.ToString().c_str());
    return 1;
  }
  users.Start();
  const bool terminal = isatty(STDOUT_FILENO) == 1;
  const absl::Time started = absl::Now();
  absl::Time last = started;
  int64_t last_leads = 0;
  while (true) {
    timespec wait{summary_seconds, 0};
    const bool signalled = sigtimedwait(&signals, nullptr, &wait) > 0;
    const absl::Time now = absl::Now();
    fd::SummaryInput in;
    in.running = now - started;
    in.interval = now - last;
    in.leads_in_interval = tally.Get(fd::Count::kLeadsSubmitted) - last_leads;
    in.renewal_clock_ahead = users.ClockAhead();
    in.cheapest = users.CheapestChannels(3);
    last = now;
    last_leads = tally.Get(fd::Count::kLeadsSubmitted);
    std::string screen = fd::RenderSummary(tally, in);
    std::printf("%s%s\n", terminal ? "\033[H\033[2J" : "", screen.c_str());
    std::fflush(stdout);
    if (signalled || (run_seconds > 0 && now - started >= absl::Seconds(run_seconds))) break;
  }
  users.Stop();
  std::printf("firstline-demo: stopped\n");
  return 0;
}
