#pragma once
// A server stream that sends what it is given in order: the callback API allows one
// outstanding write, so messages wait in a queue and each write starts the next.
//
// An app that stops reading (a phone that lost its network with the connection still up)
// stalls the writes. Rather than queue without end, the stream ends with RESOURCE_EXHAUSTED
// when more than `max_queued` messages wait and no write has completed for `stall`. A large
// replay to an app that keeps reading is never cut. The streams built on this replay what is
// still pending on reconnect (the truth is in Redis), so ending one loses nothing.
//
// Given the server's LiveStreams, the stream is ended with UNAVAILABLE when the server shuts
// down. Streams are created with `new`; OnDone deletes them after their Closed().

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "platform/grpc/live_streams.h"

namespace firstline::platform {

template <typename Response>
class QueuedServerStream : public grpc::ServerWriteReactor<Response> {
 public:
  struct Limits {
    size_t max_queued = 1000;
    absl::Duration stall = absl::Seconds(30);
  };

  explicit QueuedServerStream(LiveStreams* live) : QueuedServerStream(live, Limits{}) {}
  QueuedServerStream(LiveStreams* live, Limits limits) : live_(live), limits_(limits) {}

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    queue_.pop_front();
    last_progress_ = absl::Now();
    if (!ok) {
      EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the app went away"));
      return;
    }
    if (!queue_.empty() && !finished_) {
      this->StartWrite(&queue_.front());
      return;
    }
    writing_ = false;
    if (draining_ && !finished_) {
      finished_ = true;
      this->Finish(std::move(drained_status_));
    }
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
  }

  void OnDone() final {
    if (tracked_) live_->Remove(live_id_);  // after this, shutdown no longer ends it
    Closed();
    delete this;
  }

 protected:
  // What the stream does when it is over (unsubscribe, presence off), before it is deleted.
  virtual void Closed() {}

  // Sends the initial metadata (the client learns the stream is live) only once `subscribe`
  // has run, and holds back any Send that `subscribe` triggers until then: whatever happens
  // after the client saw the stream open is reported live, never lost in between. A stream
  // opened while the server shuts down ends at once, unsubscribed.
  template <typename Subscribe>
  void Open(Subscribe&& subscribe) {
    if (live_ != nullptr) {
      // Tracked before taking mu_: LiveStreams::Close ends streams holding its own lock, then
      // takes each stream's (one lock order).
      auto id = live_->Add([this](const grpc::Status& status) { End(status); });
      if (!id.has_value()) {
        End(ServerShuttingDown());
        return;
      }
      live_id_ = *id;
      tracked_ = true;
    }
    std::lock_guard lock(mu_);
    if (finished_) return;  // ended by a shutdown since it was tracked
    subscribe();
    this->StartSendInitialMetadata();
  }

  // Queues `messages` behind what is being sent; dropped once the stream has ended.
  void Send(std::vector<Response> messages) {
    std::lock_guard lock(mu_);
    if (finished_ || draining_) return;
    for (auto& m : messages) queue_.push_back(std::move(m));
    if (!writing_ && !queue_.empty()) {
      writing_ = true;
      last_progress_ = absl::Now();
      this->StartWrite(&queue_.front());
    } else if (queue_.size() > limits_.max_queued && absl::Now() - last_progress_ > limits_.stall) {
      // The message being written stays queued until its OnWriteDone.
      EndLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "the app stopped reading with " + std::to_string(queue_.size()) +
                                 " messages waiting; reconnect to have what is pending replayed"));
    }
  }

  // Finishes the stream once, whoever asks first. An OK end is a goodbye: it takes no more
  // messages but finishes only once those already queued are written. An error ends it at
  // once, even one that is draining (the app is gone or the server is going).
  void End(grpc::Status status) {
    std::lock_guard lock(mu_);
    EndLocked(std::move(status));
  }

 private:
  void EndLocked(grpc::Status status) {
    if (finished_) return;
    if (status.ok() && writing_) {
      draining_ = true;
      drained_status_ = std::move(status);
      return;
    }
    finished_ = true;
    this->Finish(std::move(status));
  }

  LiveStreams* const live_;
  uint64_t live_id_ = 0;
  bool tracked_ = false;
  const Limits limits_;
  std::mutex mu_;
  std::deque<Response> queue_;
  absl::Time last_progress_;  // the last write started on an idle stream or completed
  bool writing_ = false;      // a write is outstanding; false only with the queue empty or finished
  bool draining_ = false;     // ended OK with messages still queued
  grpc::Status drained_status_;  // what Finish gets once they are written
  bool finished_ = false;        // Finish has been called
};

}  // namespace firstline::platform
