#include <grpcpp/create_channel.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bench/load.h"
#include "firstline/testing/v1/echo.grpc.pb.h"

namespace firstline::bench {
namespace {

using firstline::testing::v1::Echo;

}  // namespace

double PercentileMs(std::vector<absl::Duration>& samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t index = std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()));
  return absl::ToDoubleMilliseconds(samples[index]);
}

LatencyFigures ClosedLoop(int threads, absl::Duration duration,
                          const std::function<bool(int64_t)>& op) {
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<absl::Duration>> samples(threads);
  absl::Time start = absl::Now();
  absl::Time until = start + duration;
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&, t] {
      while (absl::Now() < until) {
        absl::Time begin = absl::Now();
        if (op(next.fetch_add(1))) {
          samples[t].push_back(absl::Now() - begin);
        } else {
          errors.fetch_add(1);
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  std::vector<absl::Duration> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  LatencyFigures f;
  f.count = static_cast<int64_t>(all.size());
  f.errors = errors.load();
  f.per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(absl::Now() - start);
  f.p50_ms = PercentileMs(all, 0.5);
  f.p99_ms = PercentileMs(all, 0.99);
  return f;
}

LatencyFigures AsyncClosedLoop(int concurrency, absl::Duration duration, const AsyncCall& start) {
  // Each slot has one call in flight at a time, so its samples need no lock.
  struct Slot {
    std::vector<absl::Duration> samples;
    int64_t errors = 0;
    absl::Time started;
  };
  std::vector<Slot> slots(concurrency);
  std::atomic<int64_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  int running = concurrency;
  const absl::Time begin = absl::Now();
  const absl::Time until = begin + duration;
  std::function<void(Slot&)> issue = [&](Slot& slot) {
    if (absl::Now() >= until) {
      std::lock_guard lock(mu);
      if (--running == 0) cv.notify_all();
      return;
    }
    slot.started = absl::Now();
    start(next.fetch_add(1), [&issue, &slot](bool ok) {
      if (ok) {
        slot.samples.push_back(absl::Now() - slot.started);
      } else {
        ++slot.errors;
      }
      issue(slot);
    });
  };
  for (auto& slot : slots) issue(slot);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return running == 0; });
  }
  std::vector<absl::Duration> all;
  LatencyFigures f;
  for (auto& slot : slots) {
    all.insert(all.end(), slot.samples.begin(), slot.samples.end());
    f.errors += slot.errors;
  }
  f.count = static_cast<int64_t>(all.size());
  f.per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(absl::Now() - begin);
  f.p50_ms = PercentileMs(all, 0.50);
  f.p99_ms = PercentileMs(all, 0.99);
  return f;
}

absl::StatusOr<LatencyFigures> EchoUnary(const std::string& target, const std::string& token,
                                         int concurrency, absl::Duration duration) {
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError("echo server at " + target + " is not reachable");
  }
  auto stub = Echo::NewStub(channel);
  firstline::testing::v1::PingRequest request;
  request.set_payload(std::string(64, 'x'));
  const std::string authorization = "Bearer " + token;
  return AsyncClosedLoop(concurrency, duration, [&](int64_t, std::function<void(bool)> done) {
    struct Call {
      grpc::ClientContext context;
      firstline::testing::v1::PingResponse response;
    };
    auto call = std::make_shared<Call>();
    call->context.AddMetadata("authorization", authorization);
    stub->async()->Ping(&call->context, &request, &call->response,
                        [call, done = std::move(done)](grpc::Status s) { done(s.ok()); });
  });
}

absl::StatusOr<double> EchoStream(const std::string& target, const std::string& token,
                                  int64_t messages) {
  auto stub = Echo::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  firstline::testing::v1::StreamRequest request;
  request.set_payload(std::string(64, 'x'));
  request.set_count(messages);
  absl::Time start = absl::Now();
  auto reader = stub->Stream(&context, request);
  firstline::testing::v1::StreamResponse response;
  int64_t received = 0;
  while (reader->Read(&response)) ++received;
  grpc::Status status = reader->Finish();
  if (!status.ok()) return absl::UnavailableError("stream failed: " + status.error_message());
  if (received != messages) return absl::DataLossError("stream ended early");
  return static_cast<double>(received) / absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace firstline::bench
