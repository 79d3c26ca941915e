#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace firstline::bench {

struct LatencyFigures {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t count = 0;
  int64_t errors = 0;
};

// Runs `op(i)` for i in [begin, end) on `threads` threads; the first failure is returned.
absl::Status ParallelFor(int64_t begin, int64_t end, int threads,
                         const std::function<absl::Status(int64_t)>& op);

// Percentile (0..1) of durations in milliseconds; sorts `samples`.
double PercentileMs(std::vector<absl::Duration>& samples, double q);

// Runs `op(n)` (n = 0, 1, 2, ... across all threads) from `threads` closed-loop callers for
// `duration`; a call returning true is a sample, false an error.
LatencyFigures ClosedLoop(int threads, absl::Duration duration,
                          const std::function<bool(int64_t)>& op);

// Starts call `n` through gRPC's callback API; `done(ok)` is called when it ends.
using AsyncCall = std::function<void(int64_t n, std::function<void(bool ok)> done)>;

// `concurrency` closed-loop callers for `duration`, each starting its next call as its last one
// ends, with no thread per caller (the echo baseline's client, so a service beside it is driven
// the same way).
LatencyFigures AsyncClosedLoop(int concurrency, absl::Duration duration, const AsyncCall& start);

// Unary Echo.Ping with `concurrency` calls in flight (callback API) for `duration`.
absl::StatusOr<LatencyFigures> EchoUnary(const std::string& target, const std::string& token,
                                         int concurrency, absl::Duration duration);

// One Echo.Stream of `messages` messages; messages per second received.
absl::StatusOr<double> EchoStream(const std::string& target, const std::string& token,
                                  int64_t messages);

// State change + outbox append through the platform's Redis client: `threads` callers, each
// one script call at a time, for `duration`.
absl::StatusOr<LatencyFigures> OutboxAppend(int redis_port, int threads, absl::Duration duration);

// Appends `events` events, then starts a relay and measures how fast the outbox drains to
// Kafka (events per second acknowledged by the broker).
absl::StatusOr<double> RelayDrain(int redis_port, const std::string& bootstrap, int events);

// A service's Redis round trips so far, from its /metrics. The service refreshes the figure
// with its probe, every 2 s: wait kMetricsRefresh before reading either end of a span, so the
// span holds the work of neither what came before nor a stale tail.
absl::StatusOr<double> ServiceRedisRoundTrips(int metrics_port);
inline constexpr absl::Duration kMetricsRefresh = absl::Milliseconds(2500);

// Routing decisions (match, filter, atomic pick-and-reserve) per second with `workers` in one
// pool, one target of `strategy` and `threads` callers, and how many decisions an offer script
// call carried.
struct RoutingFigures {
  LatencyFigures decisions;
  double decisions_per_call = 0;
  double round_trips_per_decision = 0;  // the engine's Redis round trips, per decision
};
absl::StatusOr<RoutingFigures> RoutingDecisions(int redis_port, int workers,
                                                const std::string& strategy, int threads,
                                                absl::Duration duration);

struct LeadFigures {
  LatencyFigures unary;      // SubmitLead closed loop at full speed
  double paced_rate = 0;     // calls/s of the latency run (half the maximum)
  double to_bus_p50_ms = 0;  // call start -> LeadReceived consumed from Kafka
  double to_bus_p99_ms = 0;
  double paced_call_p50_ms = 0;  // the two parts of it: the call (start -> answer),
  double paced_call_p99_ms = 0;
  double answer_to_bus_p50_ms = 0;  // and the bus (answer -> LeadReceived consumed)
  double answer_to_bus_p99_ms = 0;
  int64_t events_missing = 0;
  double stream_per_second = 0;  // SubmitLeads, all streams together
  // lead-intake's Redis round trips over the unary run, per lead (its background work over
  // the span included): independent of the machine's speed.
  double round_trips_per_lead = 0;
};

// The `leads` scenario against a running lead-intake at `target`; tokens are minted with
// `secret`; the bus is read at `bootstrap`. The unary run keeps `concurrency` calls in flight
// (as the echo baseline); the paced run and the bulk streams use `threads` callers. The paced
// run goes at `paced_rate` calls/s, or at half the unary run's rate when it is 0.
absl::StatusOr<LeadFigures> LeadLoad(const std::string& target, const std::string& secret,
                                     const std::string& bootstrap, int metrics_port,
                                     int concurrency, int threads, double paced_rate,
                                     absl::Duration duration);

struct EngineerLoadConfig {
  std::string target;  // ticket-dispatch
  std::string secret;  // its token signing secret
  std::string echo_target;
  std::string echo_token;
  int server_pid = 0;  // for memory: ticket-dispatch and echo processes
  int echo_pid = 0;
  int server_metrics_port = 0;     // ticket-dispatch's /metrics: its Redis round trips
  std::vector<int> stream_counts;  // rounds: connected engineers in each (growing)
  double tickets_per_second = 1000;
  absl::Duration duration = absl::Seconds(5);  // of each round's ticket load
};

struct EngineerFigures {
  int streams = 0;
  double stream_kib = 0;           // ticket-dispatch memory growth per idle offer stream
  double baseline_stream_kib = 0;  // the echo server's per idle stream, same count
  double ticket_rate = 0;          // CreateTicket calls issued per second (paced)
  double answered_rate = 0;        // CreateTicket answers per second, first call to last answer
  double create_p50_ms = 0;        // CreateTicket round trip (entitlement, save, route, record)
  double create_p99_ms = 0;
  double delivery_p50_ms = 0;  // CreateTicket call start -> offer on the engineer's stream
  double delivery_p99_ms = 0;
  double accept_p50_ms = 0;  // AcceptOffer round trip
  double accept_p99_ms = 0;
  // ticket-dispatch's CPU (user + system) from the first CreateTicket until every offer was
  // accepted, per ticket: steadier than the rates on a noisy machine, and what the rates
  // are made of.
  double service_cpu_ms_per_ticket = 0;
  // The same for this load generator (its engineers' apps and the hotline): on one machine
  // it takes CPU from the service, so a saturated run shows by how much.
  double client_cpu_ms_per_ticket = 0;
  // ticket-dispatch's Redis round trips over the same span, per ticket: each one a blocking
  // wait on a thread, and unlike the CPU figures independent of the machine's speed. Its
  // background work (relay reads, feed reconciles, probes) over the span is included.
  double redis_round_trips_per_ticket = 0;
  int64_t undelivered = 0;  // tickets whose offer never reached a stream
  int64_t errors = 0;
};

// The `engineers` scenario: one round per stream count (streams stay open across rounds).
absl::StatusOr<std::vector<EngineerFigures>> EngineerLoad(const EngineerLoadConfig& config);

struct ReminderFigures {
  int64_t contracts = 0;
  int64_t reminders = 0;            // pending after scheduling
  double contracts_per_second = 0;  // RecordContract through the domain (plan, script)
  double bytes_per_reminder = 0;    // Redis used_memory growth per pending reminder
  double aof_rewrite_seconds = 0;   // the AOF rewrite between scheduling and firing
  int64_t warmup_fired = 0;
  double warmup_fired_per_second = 0;  // the first seconds of firing, reported on their own
  int64_t fired = 0;
  double fired_per_second = 0;  // due reminders claimed and put on the bus (outbox), steady
};

// The `reminders` scenario: `contracts` contracts recorded by `threads` callers, then every
// reminder made due, fired for `warm_up` (measured on its own), then for up to `fire_for`.
absl::StatusOr<ReminderFigures> ReminderLoad(int redis_port, int64_t contracts, int threads,
                                             absl::Duration warm_up, absl::Duration fire_for);

struct AttributionFigures {
  int64_t leads = 0;
  int64_t events = 0;
  double events_per_second = 0;       // wall clock, all folding threads together
  double events_per_core_second = 0;  // events / CPU seconds the folding threads used
  double redis_cpu_us_per_event = 0;  // redis-server CPU per folded event
  // events / (folding threads' CPU + redis-server's CPU): the figure the target is held to.
  double events_per_core_second_with_redis = 0;
  LatencyFigures report_channel;  // GetChannelReport, a year by channel
  LatencyFigures report_keyword;  // GetChannelReport, a year by keyword
  LatencyFigures report_markov;   // GetChannelReport, a year by channel, Markov
  LatencyFigures compare;         // CompareModels, a year by channel
};

// The `attribution` scenario: a year of journeys for `leads` leads (touches, leads,
// acceptances, qualifications, partner registrations, contracts) as serialized envelopes,
// decoded and folded through channel-attribution's domain in batches by `threads` threads;
// then reports over that year from the service at `target` (tokens minted with `secret`).
absl::StatusOr<AttributionFigures> AttributionLoad(int redis_port, int64_t leads, int threads,
                                                   const std::string& target,
                                                   const std::string& secret,
                                                   absl::Duration report_for);

}  // namespace firstline::bench
