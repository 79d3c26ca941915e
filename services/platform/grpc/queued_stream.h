#pragma once
// A server stream that sends what it is given in order: the callback API allows one
// outstanding write, so messages wait in a queue and each write starts the next.

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <mutex>
#include <vector>

namespace firstline::platform {

template <typename Response>
class QueuedServerStream : public grpc::ServerWriteReactor<Response> {
 public:
  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    queue_.pop_front();
    if (!ok) {
      EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the app went away"));
      return;
    }
    if (!queue_.empty() && !finished_) {
      this->StartWrite(&queue_.front());
    } else {
      writing_ = false;
    }
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
  }

 protected:
  // Sends the initial metadata (the client learns the stream is live) only once `subscribe`
  // has run, and holds back any Send that `subscribe` triggers until then: whatever happens
  // after the client saw the stream open is reported live, never lost in between.
  template <typename Subscribe>
  void Open(Subscribe&& subscribe) {
    std::lock_guard lock(mu_);
    subscribe();
    this->StartSendInitialMetadata();
  }

  // Queues `messages` behind what is being sent; dropped once the stream has ended.
  void Send(std::vector<Response> messages) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    for (auto& m : messages) queue_.push_back(std::move(m));
    if (!writing_ && !queue_.empty()) {
      writing_ = true;
      this->StartWrite(&queue_.front());
    }
  }

  // Finishes the stream once, whoever asks first.
  void End(grpc::Status status) {
    std::lock_guard lock(mu_);
    EndLocked(std::move(status));
  }

 private:
  void EndLocked(grpc::Status status) {
    if (finished_) return;
    finished_ = true;
    this->Finish(std::move(status));
  }

  std::mutex mu_;
  std::deque<Response> queue_;
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace firstline::platform
