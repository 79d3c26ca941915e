#include "platform/grpc/call_guard.h"

#include <chrono>

#include "absl/strings/string_view.h"

namespace firstline::platform {

absl::StatusOr<Principal> GuardCall(const RpcAuthorizer& authorizer,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view method) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed before the call was handled");
  }
  absl::string_view authorization;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization = absl::string_view(it->second.data(), it->second.size());
  }
  return authorizer.Authorize(authorization, method);
}

}  // namespace firstline::platform
