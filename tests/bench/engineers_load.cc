// The `engineers` scenario: thousands of engineers' offer streams on one ticket-dispatch
// instance. Memory per idle stream is measured beside the same number of idle streams on the
// null echo service; then tickets are created at a fixed rate and every engineer's app accepts
// what it is offered: create call -> offer on the stream, and the accept round trip. Every
// engineer has a connection of its own, as real apps do.
#include <grpcpp/create_channel.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/load.h"
#include "bench/tokens.h"
#include "firstline/testing/v1/echo.grpc.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"

namespace firstline::bench {
namespace {

namespace v1 = firstline::v1;
namespace fp = firstline::platform;
using firstline::testing::v1::StreamResponse;

constexpr int kRegions = 200;

absl::StatusOr<int64_t> RssKib(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    int64_t kib = 0;
    if (line.rfind("VmRSS:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(line.substr(6)), " kB"),
                         &kib)) {
      return kib;
    }
  }
  return absl::NotFoundError(absl::StrCat("no VmRSS for process ", pid));
}

// User + system CPU the process has used so far (/proc/<pid>/stat, fields 14 and 15).
absl::StatusOr<double> CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  std::getline(in, stat);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return absl::NotFoundError(absl::StrCat("no stat for ", pid));
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  int64_t utime = 0, stime = 0;
  // After the name, field 3 (state) is index 0: utime (14) is index 11, stime (15) index 12.
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError(absl::StrCat("unreadable /proc/", pid, "/stat"));
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Waits out the process's growth after a burst (allocations settle within a second or two).
absl::StatusOr<int64_t> SettledRssKib(int pid) {
  absl::StatusOr<int64_t> last = RssKib(pid);
  for (int i = 0; i < 20 && last.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(250));
    auto now = RssKib(pid);
    if (!now.ok()) return now;
    if (*now == *last) break;
    last = now;
  }
  return last;
}

std::shared_ptr<grpc::Channel> OwnConnection(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // never shared with another channel
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

// Counts streams that came up (initial metadata) or failed, and streams that ended.
class StreamTally {
 public:
  void Opened(bool ok) {
    std::lock_guard lock(mu_);
    (ok ? opened_ : failed_)++;
    cv_.notify_all();
  }
  void Ended() {
    std::lock_guard lock(mu_);
    ++ended_;
    cv_.notify_all();
  }
  // True when `n` streams are settled (opened or failed) within `timeout`.
  bool AwaitSettled(int64_t n, absl::Duration timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return opened_ + failed_ >= n; });
  }
  bool AwaitEnded(int64_t n, absl::Duration timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return ended_ >= n; });
  }
  int64_t failed() {
    std::lock_guard lock(mu_);
    return failed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t opened_ = 0;
  int64_t failed_ = 0;
  int64_t ended_ = 0;
};

// A server stream held open by the client; every message goes to `on_message`.
template <typename Response>
class HeldStream final : public grpc::ClientReadReactor<Response> {
 public:
  HeldStream(StreamTally& tally, std::function<void(const Response&)> on_message)
      : tally_(tally), on_message_(std::move(on_message)) {}
  grpc::ClientContext& context() { return context_; }
  void Begin() {
    this->StartRead(&response_);
    this->StartCall();
  }
  void OnReadInitialMetadataDone(bool ok) override {
    seen_metadata_ = true;
    tally_.Opened(ok);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    on_message_(response_);
    this->StartRead(&response_);
  }
  void OnDone(const grpc::Status&) override {
    if (!seen_metadata_) tally_.Opened(false);
    tally_.Ended();
  }

 private:
  StreamTally& tally_;
  std::function<void(const Response&)> on_message_;
  grpc::ClientContext context_;
  Response response_;
  std::atomic<bool> seen_metadata_{false};
};

std::string EngineerId(int64_t i) { return absl::StrCat("bench-eng-", i); }

class EngineerRun {
 public:
  explicit EngineerRun(const EngineerLoadConfig& config)
      : config_(config),
        tokens_(config.secret),
        run_(absl::StrCat(absl::ToUnixMillis(absl::Now()))),
        per_round_(static_cast<int64_t>(config.tickets_per_second *
                                        absl::ToDoubleSeconds(config.duration))),
        created_at_(per_round_ * config.stream_counts.size()) {}

  ~EngineerRun() { Close(); }

  // Echo server memory per idle stream at each round's count (streams grow as the rounds do),
  // measured first and closed again, so both sides never hold twice the connections.
  absl::StatusOr<std::vector<double>> EchoBaseline() {
    std::vector<double> kib;
    for (int streams : config_.stream_counts) {
      const int64_t from = static_cast<int64_t>(echo_streams_.size());
      auto before = SettledRssKib(config_.echo_pid);
      if (!before.ok()) return before.status();
      if (auto st = OpenEchoStreams(streams - from); !st.ok()) return st;
      auto after = SettledRssKib(config_.echo_pid);
      if (!after.ok()) return after.status();
      kib.push_back(static_cast<double>(*after - *before) / (streams - from));
    }
    if (!CloseStreams(echo_streams_, echo_tally_)) {
      return absl::DeadlineExceededError("echo streams did not end within 30 s");
    }
    echo_stubs_.clear();
    return kib;
  }

  absl::StatusOr<EngineerFigures> Round(int streams) {
    EngineerFigures f;
    f.streams = streams;
    const int64_t from = static_cast<int64_t>(engineers_.size());
    if (auto st = AddEngineers(from, streams); !st.ok()) return st;

    auto server_before = SettledRssKib(config_.server_pid);
    if (!server_before.ok()) return server_before.status();
    if (auto st = OpenEngineerStreams(from, streams); !st.ok()) return st;
    auto server_after = SettledRssKib(config_.server_pid);
    if (!server_after.ok()) return server_after.status();
    f.stream_kib = static_cast<double>(*server_after - *server_before) / (streams - from);

    if (auto st = Dispatch(streams, f); !st.ok()) return st;
    return f;
  }

 private:
  struct Engineer {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::FieldEngineer::Stub> stub;
    std::string token;
  };

  absl::Status AddEngineers(int64_t from, int64_t to) {
    engineers_.resize(to);
    auto desk = v1::FieldEngineer::NewStub(OwnConnection(config_.target));
    const std::string op = tokens_.For({"bench-op", fp::PrincipalKind::kOperator, "vendor"});
    return ParallelFor(from, to, 8, [&](int64_t i) -> absl::Status {
      Engineer& e = engineers_[i];
      e.channel = OwnConnection(config_.target);
      e.stub = v1::FieldEngineer::NewStub(e.channel);
      e.token = tokens_.For({EngineerId(i), fp::PrincipalKind::kEngineer, "vendor"});
      v1::UpsertEngineerRequest up;
      auto* eng = up.mutable_engineer();
      eng->set_engineer_id(EngineerId(i));
      eng->set_organisation_id("vendor");
      eng->add_pools("field-engineers");
      for (const char* s : {"erp", "erp:v9", "erp:finance"}) eng->add_skills(s);
      eng->add_regions(absl::StrCat("R", i % kRegions));
      eng->set_capacity(1000);
      eng->set_daily_cap(100000);
      grpc::ClientContext c1;
      c1.AddMetadata("authorization", op);
      v1::UpsertEngineerResponse r1;
      if (auto st = desk->UpsertEngineer(&c1, up, &r1); !st.ok()) {
        return absl::UnavailableError(absl::StrCat("UpsertEngineer: ", st.error_message()));
      }
      v1::FieldEngineerSetAvailabilityRequest on;
      on.set_availability(v1::AVAILABILITY_AVAILABLE);
      grpc::ClientContext c2;
      c2.AddMetadata("authorization", e.token);
      v1::FieldEngineerSetAvailabilityResponse r2;
      if (auto st = desk->SetAvailability(&c2, on, &r2); !st.ok()) {
        return absl::UnavailableError(absl::StrCat("SetAvailability: ", st.error_message()));
      }
      return absl::OkStatus();
    });
  }

  absl::Status OpenEngineerStreams(int64_t from, int64_t to) {
    for (int64_t i = from; i < to; ++i) {
      auto* s = new HeldStream<v1::FieldEngineerWatchOffersResponse>(
          engineer_tally_, [this, i](const auto& r) { OnOffer(i, r); });
      s->context().AddMetadata("authorization", engineers_[i].token);
      engineers_[i].stub->async()->WatchOffers(&s->context(), &watch_request_, s);
      s->Begin();
      engineer_streams_.emplace_back(s);
    }
    if (!engineer_tally_.AwaitSettled(to, absl::Seconds(60))) {
      return absl::DeadlineExceededError("engineer streams did not open within 60 s");
    }
    if (engineer_tally_.failed() > 0) {
      return absl::UnavailableError(absl::StrCat(engineer_tally_.failed(), " streams failed"));
    }
    return absl::OkStatus();
  }

  absl::Status OpenEchoStreams(int64_t n) {
    firstline::testing::v1::StreamRequest idle;
    idle.set_count(0);
    idle.set_hold_open(true);
    echo_request_ = idle;
    for (int64_t i = 0; i < n; ++i) {
      auto stub = firstline::testing::v1::Echo::NewStub(OwnConnection(config_.echo_target));
      auto* s = new HeldStream<StreamResponse>(echo_tally_, [](const StreamResponse&) {});
      s->context().AddMetadata("authorization", "Bearer " + config_.echo_token);
      stub->async()->Stream(&s->context(), &echo_request_, s);
      s->Begin();
      echo_streams_.emplace_back(s);
      echo_stubs_.push_back(std::move(stub));
    }
    if (!echo_tally_.AwaitSettled(echo_started_ += n, absl::Seconds(60)) ||
        echo_tally_.failed() > 0) {
      return absl::UnavailableError("echo baseline streams did not all open");
    }
    return absl::OkStatus();
  }

  void OnOffer(int64_t engineer, const v1::FieldEngineerWatchOffersResponse& r) {
    const absl::Time now = absl::Now();
    if (r.change() == v1::OFFER_CHANGE_ASSIGNED) {
      ++assigned_;
      return;
    }
    if (r.change() != v1::OFFER_CHANGE_OFFERED || r.replayed()) return;
    int64_t n = -1;
    const std::string& d = r.ticket().description();
    auto space = d.rfind(' ');
    if (space == std::string::npos || !absl::SimpleAtoi(d.substr(space + 1), &n) || n < 0 ||
        n >= static_cast<int64_t>(created_at_.size()) || created_at_[n].load() == 0) {
      return;  // not one of this run's tickets
    }
    {
      std::lock_guard lock(mu_);
      delivery_.push_back(now - absl::FromUnixNanos(created_at_[n].load()));
    }
    ++delivered_;
    struct Call {
      grpc::ClientContext context;
      v1::AcceptOfferRequest request;
      v1::AcceptOfferResponse response;
      absl::Time start;
    };
    auto* call = new Call;
    call->context.AddMetadata("authorization", engineers_[engineer].token);
    call->request.set_offer_id(r.offer_id());
    call->request.set_idempotency_key(r.offer_id());
    call->start = absl::Now();
    engineers_[engineer].stub->async()->AcceptOffer(
        &call->context, &call->request, &call->response, [this, call](grpc::Status st) {
          const absl::Duration took = absl::Now() - call->start;
          if (st.ok()) {
            std::lock_guard lock(mu_);
            accept_.push_back(took);
          } else {
            ++errors_;
          }
          delete call;
        });
  }

  absl::Status Dispatch(int streams, EngineerFigures& f) {
    const int64_t total = per_round_;
    const int64_t first = per_round_ * round_++;  // ticket numbers of this round
    {
      std::lock_guard lock(mu_);
      delivery_.clear();
      accept_.clear();
      create_.clear();
    }
    delivered_ = 0;
    assigned_ = 0;
    errors_ = 0;
    auto desk = v1::TicketDesk::NewStub(OwnConnection(config_.target));
    const std::string hotline =
        tokens_.For({"bench-hotline", fp::PrincipalKind::kCallCentre, "bench-call-centre"});
    std::mt19937 rng(static_cast<uint32_t>(streams));
    std::atomic<int64_t> in_flight{0};
    absl::SleepFor(kMetricsRefresh);  // so the start holds the streams' opening already
    auto trips_before = ServiceRedisRoundTrips(config_.server_metrics_port);
    if (!trips_before.ok()) return trips_before.status();
    auto cpu_before = CpuSeconds(config_.server_pid);
    if (!cpu_before.ok()) return cpu_before.status();
    auto own_before = CpuSeconds(getpid());
    if (!own_before.ok()) return own_before.status();
    const absl::Time t0 = absl::Now();
    for (int64_t n = first; n < first + total; ++n) {
      absl::Time due =
          t0 + absl::Seconds(static_cast<double>(n - first) / config_.tickets_per_second);
      if (due > absl::Now()) absl::SleepFor(due - absl::Now());
      struct Call {
        grpc::ClientContext context;
        v1::CreateTicketRequest request;
        v1::CreateTicketResponse response;
        absl::Time start;
      };
      auto* call = new Call;
      call->context.AddMetadata("authorization", hotline);
      auto& r = call->request;
      r.set_idempotency_key(absl::StrCat(run_, "-", streams, "-", n));
      r.set_account_id(absl::StrCat("bench-acct-", run_, "-", streams, "-", n));
      r.mutable_contact()->set_name("Bench Contact");
      r.mutable_product()->set_product_line("erp");
      r.mutable_product()->set_version("v9");
      r.mutable_product()->set_module("finance");
      r.set_category(v1::TICKET_CATEGORY_DEBUGGING);
      r.set_severity(v1::SEVERITY_P3);
      r.set_channel(v1::TICKET_CHANNEL_HOTLINE);
      r.mutable_location()->set_region(absl::StrCat("R", rng() % kRegions));
      r.set_description(absl::StrCat("bench ticket ", n));
      call->start = absl::Now();
      created_at_[n] = absl::ToUnixNanos(call->start);
      ++in_flight;
      desk->async()->CreateTicket(&call->context, &call->request, &call->response,
                                  [this, call, &in_flight](grpc::Status st) {
                                    const absl::Time now = absl::Now();
                                    if (st.ok()) {
                                      std::lock_guard lock(mu_);
                                      create_.push_back(now - call->start);
                                      last_answer_ = std::max(last_answer_, now);
                                    } else {
                                      ++errors_;
                                    }
                                    delete call;
                                    --in_flight;
                                  });
    }
    f.ticket_rate = static_cast<double>(total) / absl::ToDoubleSeconds(absl::Now() - t0);
    // Let the last offers arrive and be accepted.
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline &&
           (in_flight > 0 || delivered_ + errors_ < total || assigned_ < delivered_)) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    while (in_flight > 0) absl::SleepFor(absl::Milliseconds(20));  // calls hold `desk`
    auto cpu_after = CpuSeconds(config_.server_pid);
    if (!cpu_after.ok()) return cpu_after.status();
    f.service_cpu_ms_per_ticket = (*cpu_after - *cpu_before) * 1000 / static_cast<double>(total);
    auto own_after = CpuSeconds(getpid());
    if (!own_after.ok()) return own_after.status();
    f.client_cpu_ms_per_ticket = (*own_after - *own_before) * 1000 / static_cast<double>(total);
    absl::SleepFor(kMetricsRefresh);
    auto trips_after = ServiceRedisRoundTrips(config_.server_metrics_port);
    if (!trips_after.ok()) return trips_after.status();
    f.redis_round_trips_per_ticket = (*trips_after - *trips_before) / static_cast<double>(total);
    std::lock_guard lock(mu_);
    f.answered_rate = last_answer_ > t0 ? static_cast<double>(create_.size()) /
                                              absl::ToDoubleSeconds(last_answer_ - t0)
                                        : 0;
    f.create_p50_ms = PercentileMs(create_, 0.50);
    f.create_p99_ms = PercentileMs(create_, 0.99);
    f.delivery_p50_ms = PercentileMs(delivery_, 0.50);
    f.delivery_p99_ms = PercentileMs(delivery_, 0.99);
    f.accept_p50_ms = PercentileMs(accept_, 0.50);
    f.accept_p99_ms = PercentileMs(accept_, 0.99);
    f.undelivered = total - delivered_;
    f.errors = errors_;
    return absl::OkStatus();
  }

  template <typename Stream>
  static bool CloseStreams(std::vector<Stream*>& streams, StreamTally& tally) {
    for (auto* s : streams) s->context().TryCancel();
    // A reactor may be deleted only after its OnDone; on a timeout it is leaked instead.
    if (!tally.AwaitEnded(static_cast<int64_t>(streams.size()), absl::Seconds(30))) return false;
    for (auto* s : streams) delete s;
    streams.clear();
    return true;
  }

  void Close() {
    CloseStreams(engineer_streams_, engineer_tally_);
    CloseStreams(echo_streams_, echo_tally_);
  }

  const EngineerLoadConfig& config_;
  Tokens tokens_;
  std::string run_;
  int64_t per_round_;
  int64_t round_ = 0;
  std::vector<Engineer> engineers_;
  v1::FieldEngineerWatchOffersRequest watch_request_;
  firstline::testing::v1::StreamRequest echo_request_;
  StreamTally engineer_tally_;
  StreamTally echo_tally_;
  int64_t echo_started_ = 0;
  std::vector<HeldStream<v1::FieldEngineerWatchOffersResponse>*> engineer_streams_;
  std::vector<HeldStream<StreamResponse>*> echo_streams_;
  std::vector<std::unique_ptr<firstline::testing::v1::Echo::Stub>> echo_stubs_;

  std::vector<std::atomic<int64_t>> created_at_;  // unix ns of each ticket's CreateTicket call
  std::mutex mu_;
  std::vector<absl::Duration> delivery_;
  std::vector<absl::Duration> accept_;
  std::vector<absl::Duration> create_;
  absl::Time last_answer_ = absl::InfinitePast();
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> assigned_{0};
  std::atomic<int64_t> errors_{0};
};

}  // namespace

absl::StatusOr<std::vector<EngineerFigures>> EngineerLoad(const EngineerLoadConfig& config) {
  for (size_t i = 0; i < config.stream_counts.size(); ++i) {
    if (config.stream_counts[i] <= (i == 0 ? 0 : config.stream_counts[i - 1])) {
      return absl::InvalidArgumentError("--streams: counts must be positive and growing");
    }
  }
  EngineerRun run(config);
  auto baseline = run.EchoBaseline();
  if (!baseline.ok()) return baseline.status();
  std::vector<EngineerFigures> out;
  for (size_t i = 0; i < config.stream_counts.size(); ++i) {
    auto f = run.Round(config.stream_counts[i]);
    if (!f.ok()) return f.status();
    f->baseline_stream_kib = (*baseline)[i];
    out.push_back(*f);
  }
  return out;
}

}  // namespace firstline::bench
