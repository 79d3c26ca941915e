#include "echo/echo_service.h"

#include "platform/grpc/call_guard.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::echo {
namespace {

using firstline::testing::v1::StreamResponse;

class StreamWriter : public grpc::ServerWriteReactor<StreamResponse> {
 public:
  StreamWriter(std::string payload, int64_t count) : remaining_(count) {
    message_.set_payload(std::move(payload));
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (remaining_-- <= 0) {
      Finish(grpc::Status::OK);
      return;
    }
    message_.set_sequence(sequence_++);
    StartWrite(&message_);
  }
  StreamResponse message_;
  int64_t remaining_;
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
  return new StreamWriter(request->payload(), request->count());
}

}  // namespace firstline::echo
