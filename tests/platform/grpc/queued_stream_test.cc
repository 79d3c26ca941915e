#include "platform/grpc/queued_stream.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "firstline/testing/v1/echo.grpc.pb.h"

namespace firstline::platform {
namespace {

using firstline::testing::v1::Echo;
using firstline::testing::v1::StreamRequest;
using firstline::testing::v1::StreamResponse;

// Sends `count` messages of the request's payload from a thread of its own (as the offer and
// reminder feeds do), one Send every `pace`, or all in one Send when `pace` is zero, then ends
// the stream OK.
class PacedStream final : public QueuedServerStream<StreamResponse> {
 public:
  PacedStream(const StreamRequest& request, LiveStreams* live, Limits limits, absl::Duration pace)
      : QueuedServerStream(live, limits) {
    Open([] {});
    sender_ = std::thread([this, request, pace] {
      std::vector<StreamResponse> burst;
      for (int64_t i = 0; i < request.count() && !stop_; ++i) {
        StreamResponse r;
        r.set_payload(request.payload());
        r.set_sequence(i);
        if (pace == absl::ZeroDuration()) {
          burst.push_back(std::move(r));
          continue;
        }
        Send({std::move(r)});
        absl::SleepFor(pace);
      }
      if (!burst.empty()) Send(std::move(burst));
      End(grpc::Status::OK);
    });
  }
  void Closed() override {
    stop_ = true;
    if (sender_.joinable()) sender_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread sender_;
};

class PacedEcho final : public Echo::CallbackService {
 public:
  PacedEcho(QueuedServerStream<StreamResponse>::Limits limits, absl::Duration pace)
      : limits_(limits), pace_(pace) {}
  grpc::ServerWriteReactor<StreamResponse>* Stream(grpc::CallbackServerContext*,
                                                   const StreamRequest* request) override {
    return new PacedStream(*request, &live_, limits_, pace_);
  }

  LiveStreams& live() { return live_; }

 private:
  LiveStreams live_;
  QueuedServerStream<StreamResponse>::Limits limits_;
  absl::Duration pace_;
};

class QueuedStreamTest : public ::testing::Test {
 protected:
  void Serve(QueuedServerStream<StreamResponse>::Limits limits,
             absl::Duration pace = absl::Milliseconds(1)) {
    service_ = std::make_unique<PacedEcho>(limits, pace);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Echo::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                              grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  // Opens a stream of `count` messages of `payload_bytes`, waits `read_after` before reading,
  // then reads everything: the number of messages received and the final status.
  std::pair<int64_t, grpc::Status> Receive(int64_t count, size_t payload_bytes,
                                           absl::Duration read_after) {
    grpc::ClientContext ctx;
    StreamRequest request;
    request.set_count(count);
    request.set_payload(std::string(payload_bytes, 'x'));
    auto reader = stub_->Stream(&ctx, request);
    absl::SleepFor(read_after);
    StreamResponse r;
    int64_t received = 0;
    while (reader->Read(&r)) {
      EXPECT_EQ(r.sequence(), received);  // in order, none skipped
      ++received;
    }
    return {received, reader->Finish()};
  }

  std::unique_ptr<PacedEcho> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Echo::Stub> stub_;
};

TEST_F(QueuedStreamTest, AnAppThatReadsGetsEveryMessageInOrder) {
  Serve({.max_queued = 10, .stall = absl::Seconds(5)});
  auto [received, status] = Receive(300, 64 * 1024, absl::ZeroDuration());
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(received, 300);
}

TEST_F(QueuedStreamTest, AnAppThatStopsReadingIsCutOffInsteadOfQueuedForWithoutEnd) {
  // 64 KiB messages fill the connection's windows after a few; the app reads only after
  // 1.5 s, long past the 200 ms stall with far more than 10 messages waiting.
  Serve({.max_queued = 10, .stall = absl::Milliseconds(200)});
  auto [received, status] = Receive(1000, 64 * 1024, absl::Milliseconds(1500));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("stopped reading"), std::string::npos)
      << status.error_message();
  EXPECT_GT(received, 0);
  EXPECT_LT(received, 1000);
}

TEST_F(QueuedStreamTest, ASlowReaderUnderTheStallLimitIsNotCutOff) {
  // Far more than 10 messages wait while the app pauses 300 ms, but writes resume within the
  // 5 s stall limit.
  Serve({.max_queued = 10, .stall = absl::Seconds(5)});
  auto [received, status] = Receive(600, 64 * 1024, absl::Milliseconds(300));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(received, 600);
}

TEST_F(QueuedStreamTest, AStreamEndedOkStillWritesEverythingItHadQueued) {
  // 400 messages of 64 KiB are queued at once and the stream is ended OK straight after: the
  // connection's windows hold a few, the rest must still be written before the stream finishes.
  Serve({.max_queued = 1000, .stall = absl::Seconds(5)}, absl::ZeroDuration());
  auto [received, status] = Receive(400, 64 * 1024, absl::Milliseconds(100));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(received, 400);
}

TEST_F(QueuedStreamTest, AServerShuttingDownEndsItsStreamsAtOnceAndRefusesNewOnes) {
  Serve({});
  grpc::ClientContext ctx;
  StreamRequest request;
  request.set_count(1'000'000);  // far longer than the test: it never ends by itself
  request.set_payload("x");
  auto reader = stub_->Stream(&ctx, request);
  StreamResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(service_->live().size(), 1u);  // tracked before its first message

  service_->live().Close(ServerShuttingDown());
  while (reader->Read(&r)) {
  }
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("shutting down"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(service_->live().size(), 0u);

  grpc::ClientContext late;
  auto refused = stub_->Stream(&late, request);
  int64_t received = 0;
  while (refused->Read(&r)) ++received;
  EXPECT_EQ(received, 0);
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace firstline::platform
