#include "echo/echo_service.h"

#include <mutex>

#include "platform/grpc/call_guard.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::echo {
namespace {

using firstline::testing::v1::StreamResponse;

class StreamWriter : public grpc::ServerWriteReactor<StreamResponse> {
 public:
  StreamWriter(std::string payload, int64_t count, bool hold_open)
      : remaining_(count), hold_open_(hold_open) {
    message_.set_payload(std::move(payload));
    StartSendInitialMetadata();  // the client learns the stream is up before any message
    Next();
  }
  void OnCancel() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled"));
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      std::lock_guard lock(mu_);
      FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    std::lock_guard lock(mu_);
    if (finished_) return;
    if (remaining_-- <= 0) {
      if (!hold_open_) FinishOnce(grpc::Status::OK);
      return;
    }
    message_.set_sequence(sequence_++);
    StartWrite(&message_);
  }
  void FinishOnce(grpc::Status status) {  // mu_ held
    if (finished_) return;
    finished_ = true;
    Finish(std::move(status));
  }
  StreamResponse message_;
  int64_t remaining_;
  bool hold_open_;
  std::mutex mu_;  // OnCancel races the write chain
  bool finished_ = false;
  int64_t sequence_ = 0;
};

class FailedWriter : public grpc::ServerWriteReactor<StreamResponse> {
 public:
  explicit FailedWriter(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

EchoService::EchoService(platform::RpcAuthorizer& authorizer) : authorizer_(authorizer) {
  using K = platform::PrincipalKind;
  std::set<K> everyone = {K::kCallCentre, K::kPartner,  K::kRep,
                          K::kEngineer,   K::kOperator, K::kService};
  authorizer_.Allow(std::string(kPing), everyone);
  authorizer_.Allow(std::string(kStream), everyone);
}

grpc::ServerUnaryReactor* EchoService::Ping(grpc::CallbackServerContext* context,
                                            const firstline::testing::v1::PingRequest* request,
                                            firstline::testing::v1::PingResponse* response) {
  auto* reactor = context->DefaultReactor();
  auto principal = platform::GuardCall(authorizer_, *context, kPing);
  if (!principal.ok()) {
    reactor->Finish(platform::ToGrpcStatus(principal.status()));
    return reactor;
  }
  response->set_payload(request->payload());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<StreamResponse>* EchoService::Stream(
    grpc::CallbackServerContext* context, const firstline::testing::v1::StreamRequest* request) {
  auto principal = platform::GuardCall(authorizer_, *context, kStream);
  if (!principal.ok()) return new FailedWriter(platform::ToGrpcStatus(principal.status()));
  if (request->count() < 0 || request->count() > kMaxStreamCount) {
    return new FailedWriter(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "count: must be 0..1000000"));
  }
  return new StreamWriter(request->payload(), request->count(), request->hold_open());
}

}  // namespace firstline::echo
