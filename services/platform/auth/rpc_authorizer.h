#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/auth/principal.h"
#include "platform/auth/tokens.h"

namespace firstline::platform {

// Each RPC declares which principal kinds may call it; an RPC not declared is refused
// (fail closed), so a new RPC cannot ship unguarded by accident.
class RpcAuthorizer {
 public:
  explicit RpcAuthorizer(const TokenVerifier& verifier) : verifier_(verifier) {}

  // `method` is the full gRPC path, e.g. "/firstline.v1.LeadIntake/SubmitLead".
  void Allow(std::string method, std::set<PrincipalKind> kinds);

  // From the `authorization` metadata value ("Bearer <jwt>"): UNAUTHENTICATED when the token is
  // missing or invalid, PERMISSION_DENIED when its kind may not call `method`.
  absl::StatusOr<Principal> Authorize(absl::string_view authorization,
                                      absl::string_view method) const;

 private:
  const TokenVerifier& verifier_;
  std::map<std::string, std::set<PrincipalKind>, std::less<>> allowed_;
};

}  // namespace firstline::platform
