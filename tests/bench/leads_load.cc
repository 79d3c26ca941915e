// The `leads` scenario: SubmitLead against a running lead-intake (unary at full speed, then
// call-to-bus latency at half that rate), and bulk intake over SubmitLeads streams.
#include <grpcpp/create_channel.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/load.h"
#include "bench/tokens.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "platform/kafka/event_consumer.h"
#include "platform/kafka/event_producer.h"
#include "platform/kafka/topics.h"

namespace firstline::bench {
namespace {

namespace v1 = firstline::v1;
namespace fp = firstline::platform;

constexpr int kReps = 20;

v1::SubmitLeadRequest Lead(const std::string& run, int64_t n) {
  v1::SubmitLeadRequest req;
  req.set_idempotency_key(absl::StrCat(run, "-", n));
  req.mutable_source()->set_channel(n % 3 == 0 ? "baidu-sem" : "hotline-400");
  req.mutable_contact()->set_name("Bench Contact");
  // Distinct mobile numbers (n below 89,999,999) and companies: every lead is new, no merges.
  req.mutable_contact()->set_phone(absl::StrCat("139", 10'000'000 + n));
  req.mutable_company()->set_name(absl::StrCat("Bench Company ", run, " ", n));
  req.mutable_company()->set_region("CN-ZJ");
  req.add_product_lines("erp-finance");
  return req;
}

absl::Status Prepare(v1::LeadIntake::Stub& stub, const Tokens& tokens) {
  for (int i = 0; i < kReps; ++i) {
    const std::string id = absl::StrCat("bench-rep-", i);
    v1::UpsertRepRequest up;
    up.mutable_rep()->set_rep_id(id);
    up.mutable_rep()->set_organisation_id("vendor");
    up.mutable_rep()->add_pools("inside-sales");
    up.mutable_rep()->set_capacity(1000);
    up.mutable_rep()->set_daily_cap(100000);
    grpc::ClientContext c1;
    c1.AddMetadata("authorization",
                   tokens.For({"bench-op", fp::PrincipalKind::kOperator, "vendor"}));
    v1::UpsertRepResponse r1;
    if (auto st = stub.UpsertRep(&c1, up, &r1); !st.ok()) {
      return absl::UnavailableError(absl::StrCat("UpsertRep: ", st.error_message()));
    }
  }
  return absl::OkStatus();
}

// Reps say they are available (which also counts as a heartbeat for the presence timeout).
absl::Status Heartbeat(v1::LeadIntake::Stub& stub, const Tokens& tokens) {
  for (int i = 0; i < kReps; ++i) {
    v1::SetAvailabilityRequest req;
    req.set_availability(v1::AVAILABILITY_AVAILABLE);
    grpc::ClientContext c;
    c.AddMetadata("authorization",
                  tokens.For({absl::StrCat("bench-rep-", i), fp::PrincipalKind::kRep, "vendor"}));
    v1::SetAvailabilityResponse r;
    if (auto st = stub.SetAvailability(&c, req, &r); !st.ok()) {
      return absl::UnavailableError(absl::StrCat("SetAvailability: ", st.error_message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LeadFigures> LeadLoad(const std::string& target, const std::string& secret,
                                     const std::string& bootstrap, int metrics_port,
                                     int concurrency, int threads, double paced_rate,
                                     absl::Duration duration) {
  Tokens tokens(secret);
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = v1::LeadIntake::NewStub(channel);
  if (auto st = Prepare(*stub, tokens); !st.ok()) return st;
  const std::string call_centre =
      tokens.For({"bench-cc", fp::PrincipalKind::kCallCentre, "bench-call-centre"});
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));

  // Arrival of every LeadReceived on the bus, by lead id.
  std::mutex mu;
  std::map<std::string, absl::Time> arrived;
  fp::KafkaConfig kafka;
  kafka.bootstrap_servers = bootstrap;
  auto dead_letters = fp::EventProducer::Create(kafka);
  if (!dead_letters.ok()) return dead_letters.status();
  // The latency measured is the service's, not this reader's fetch wait.
  fp::KafkaConfig reader = kafka;
  reader.properties["fetch.wait.max.ms"] = "1";
  reader.properties["auto.offset.reset"] = "latest";  // earlier scenarios' events are not ours
  auto consumer = fp::EventConsumer::Create(
      reader, {.group_id = "bench-" + run, .topics = {std::string(fp::topics::kLeads)}},
      dead_letters->get(), [&](const fp::ConsumedMessage& m) {
        v1::Envelope e;
        if (e.ParseFromString(m.value) && e.has_lead_received()) {
          std::lock_guard lock(mu);
          arrived[e.lead_received().lead_id()] = absl::Now();
        }
        return absl::OkStatus();
      });
  if (!consumer.ok()) return consumer.status();
  (*consumer)->Start();

  LeadFigures f;
  if (auto st = Heartbeat(*stub, tokens); !st.ok()) return st;
  absl::SleepFor(kMetricsRefresh);  // so the start holds the set-up's round trips already
  auto trips_before = ServiceRedisRoundTrips(metrics_port);
  if (!trips_before.ok()) return trips_before.status();
  // Driven as the echo baseline is: `concurrency` calls in flight from the callback API.
  f.unary = AsyncClosedLoop(concurrency, duration, [&](int64_t n, std::function<void(bool)> done) {
    struct Call {
      grpc::ClientContext context;
      v1::SubmitLeadRequest request;
      v1::SubmitLeadResponse response;
    };
    auto call = std::make_shared<Call>();
    call->context.AddMetadata("authorization", call_centre);
    call->request = Lead(run, n);
    stub->async()->SubmitLead(&call->context, &call->request, &call->response,
                              [call, done = std::move(done)](grpc::Status s) { done(s.ok()); });
  });
  if (f.unary.errors > 0) return absl::InternalError(absl::StrCat(f.unary.errors, " leads failed"));
  absl::SleepFor(kMetricsRefresh);
  auto trips_after = ServiceRedisRoundTrips(metrics_port);
  if (!trips_after.ok()) return trips_after.status();
  if (f.unary.count > 0) {
    f.round_trips_per_lead = (*trips_after - *trips_before) / static_cast<double>(f.unary.count);
  }

  // Call-to-bus latency at half the maximum rate (paced callers), or at the rate asked for.
  if (auto st = Heartbeat(*stub, tokens); !st.ok()) return st;
  f.paced_rate = paced_rate > 0 ? paced_rate : f.unary.per_second / 2;
  std::map<std::string, absl::Time> started;
  std::map<std::string, absl::Time> answered_at;
  // Calls start evenly spaced (one every 1/rate), not in bursts of one per caller thread: a
  // burst of 16 queues behind itself and measures the burst, not the rate.
  const absl::Duration gap = absl::Seconds(1 / std::max(1.0, f.paced_rate));
  const absl::Time begin = absl::Now();
  LatencyFigures paced = ClosedLoop(threads, duration, [&](int64_t n) {
    absl::Time slot = begin + gap * n;
    if (absl::Time now = absl::Now(); slot > now) absl::SleepFor(slot - now);
    grpc::ClientContext c;
    c.AddMetadata("authorization", call_centre);
    v1::SubmitLeadResponse r;
    absl::Time t0 = absl::Now();
    if (!stub->SubmitLead(&c, Lead(run, 20'000'000 + n), &r).ok()) return false;
    const absl::Time t1 = absl::Now();
    std::lock_guard lock(mu);
    started[r.lead().lead_id()] = t0;
    answered_at[r.lead().lead_id()] = t1;
    return true;
  });
  if (paced.errors > 0) return absl::InternalError("paced leads failed");
  // Wait for the bus to catch up (at most 30 s), then join.
  std::vector<absl::Duration> to_bus, calls, answer_to_bus;
  for (int i = 0; i < 300; ++i) {
    {
      std::lock_guard lock(mu);
      size_t seen = 0;
      for (const auto& [id, t0] : started) seen += arrived.contains(id) ? 1 : 0;
      if (seen == started.size()) break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  {
    std::lock_guard lock(mu);
    for (const auto& [id, t0] : started) {
      auto it = arrived.find(id);
      const absl::Time t1 = answered_at[id];
      calls.push_back(t1 - t0);
      if (it != arrived.end()) {
        to_bus.push_back(it->second - t0);
        answer_to_bus.push_back(it->second - t1);
      }
    }
    f.events_missing = static_cast<int64_t>(started.size() - to_bus.size());
  }
  (*consumer)->Stop();
  f.to_bus_p50_ms = PercentileMs(to_bus, 0.5);
  f.to_bus_p99_ms = PercentileMs(to_bus, 0.99);
  f.paced_call_p50_ms = PercentileMs(calls, 0.5);
  f.paced_call_p99_ms = PercentileMs(calls, 0.99);
  f.answer_to_bus_p50_ms = PercentileMs(answer_to_bus, 0.5);
  f.answer_to_bus_p99_ms = PercentileMs(answer_to_bus, 0.99);

  // Bulk intake: `threads` streams, each one lead in flight (the stream's flow control).
  if (auto st = Heartbeat(*stub, tokens); !st.ok()) return st;
  std::atomic<int64_t> answered{0}, failed{0};
  std::vector<std::thread> streams;
  const absl::Time until = absl::Now() + duration;
  for (int t = 0; t < threads; ++t) {
    streams.emplace_back([&, t] {
      grpc::ClientContext c;
      c.AddMetadata("authorization", call_centre);
      auto stream = stub->SubmitLeads(&c);
      for (int64_t n = 0; absl::Now() < until; ++n) {
        v1::SubmitLeadsRequest req;
        *req.mutable_lead() = Lead(run, 40'000'000 + t * 1'000'000 + n);
        v1::SubmitLeadsResponse resp;
        if (!stream->Write(req) || !stream->Read(&resp)) break;
        (resp.code() == 0 ? answered : failed)++;
      }
      stream->WritesDone();
      (void)stream->Finish();
    });
  }
  for (auto& s : streams) s.join();
  if (failed > 0) return absl::InternalError(absl::StrCat(failed.load(), " streamed leads failed"));
  f.stream_per_second = static_cast<double>(answered) / absl::ToDoubleSeconds(duration);
  return f;
}

}  // namespace firstline::bench
