#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "platform/core/work_pool.h"
#include "platform/grpc/call_guard.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::platform {

// The trace id a client sent in the "x-trace-id" metadata (at most 64 bytes), or "".
std::string TraceIdOf(const grpc::ServerContextBase& context);

// The shape of every unary handler: guard the call (deadline, token, method permission) on
// the gRPC thread, then run `body(principal)` (returning absl::Status; it may block on Redis)
// on `pool` and finish with the mapped gRPC status from there. `body` must capture by value:
// the call's request, response and context pointers stay valid until Finish.
template <typename Body>
grpc::ServerUnaryReactor* UnaryCall(const RpcAuthorizer& authorizer, WorkPool& pool,
                                    grpc::CallbackServerContext* context, absl::string_view method,
                                    Body body) {
  auto* reactor = context->DefaultReactor();
  auto principal = GuardCall(authorizer, *context, method);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  absl::Status queued =
      pool.Submit([reactor, body = std::move(body), p = std::move(*principal)]() mutable {
        reactor->Finish(ToGrpcStatus(body(p)));
      });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

}  // namespace firstline::platform
