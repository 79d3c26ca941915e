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

// One closed-loop caller: issues the next Ping as soon as the previous one finishes.
class Caller {
 public:
  Caller(Echo::Stub* stub, const std::string& token, absl::Time until)
      : stub_(stub), token_(token), until_(until) {
    request_.set_payload(std::string(64, 'x'));
  }
  void Start() { Issue(); }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_; });
  }
  std::vector<absl::Duration>& samples() { return samples_; }
  int64_t errors() const { return errors_; }

 private:
  void Issue() {
    if (absl::Now() >= until_) {
      std::lock_guard lock(mu_);
      done_ = true;
      cv_.notify_all();
      return;
    }
    context_ = std::make_unique<grpc::ClientContext>();
    context_->AddMetadata("authorization", "Bearer " + token_);
    started_ = absl::Now();
    stub_->async()->Ping(context_.get(), &request_, &response_, [this](grpc::Status status) {
      if (status.ok()) {
        samples_.push_back(absl::Now() - started_);
      } else {
        ++errors_;
      }
      Issue();
    });
  }

  Echo::Stub* stub_;
  std::string token_;
  absl::Time until_;
  firstline::testing::v1::PingRequest request_;
  firstline::testing::v1::PingResponse response_;
  std::unique_ptr<grpc::ClientContext> context_;
  absl::Time started_;
  std::vector<absl::Duration> samples_;
  int64_t errors_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

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

absl::StatusOr<LatencyFigures> EchoUnary(const std::string& target, const std::string& token,
                                         int concurrency, absl::Duration duration) {
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError("echo server at " + target + " is not reachable");
  }
  auto stub = Echo::NewStub(channel);
  absl::Time start = absl::Now();
  std::vector<std::unique_ptr<Caller>> callers;
  for (int i = 0; i < concurrency; ++i) {
    callers.push_back(std::make_unique<Caller>(stub.get(), token, start + duration));
  }
  for (auto& c : callers) c->Start();
  std::vector<absl::Duration> all;
  LatencyFigures figures;
  for (auto& c : callers) {
    c->Wait();
    all.insert(all.end(), c->samples().begin(), c->samples().end());
    figures.errors += c->errors();
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  figures.count = static_cast<int64_t>(all.size());
  figures.per_second = static_cast<double>(all.size()) / seconds;
  figures.p50_ms = PercentileMs(all, 0.50);
  figures.p99_ms = PercentileMs(all, 0.99);
  return figures;
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
