#pragma once

#include <grpcpp/server_context.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/auth/rpc_authorizer.h"

namespace firstline::platform {

// First step of every handler: refuses a call whose deadline has already passed
// (DEADLINE_EXCEEDED) and authorizes its bearer token for `method`.
absl::StatusOr<Principal> GuardCall(const RpcAuthorizer& authorizer,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view method);

}  // namespace firstline::platform
