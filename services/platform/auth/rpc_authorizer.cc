#include "platform/auth/rpc_authorizer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {

void RpcAuthorizer::Allow(std::string method, std::set<PrincipalKind> kinds) {
  allowed_[std::move(method)] = std::move(kinds);
}

absl::StatusOr<Principal> RpcAuthorizer::Authorize(absl::string_view authorization,
                                                   absl::string_view method) const {
  constexpr absl::string_view kBearer = "bearer ";
  if (authorization.empty()) return absl::UnauthenticatedError("missing authorization metadata");
  if (authorization.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kBearer.size()), kBearer)) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <token>'");
  }
  auto principal =
      verifier_.Verify(absl::StripAsciiWhitespace(authorization.substr(kBearer.size())));
  if (!principal.ok()) return principal.status();
  auto it = allowed_.find(method);
  if (it == allowed_.end() || !it->second.contains(principal->kind)) {
    return absl::PermissionDeniedError(
        absl::StrCat("a ", KindName(principal->kind), " may not call ", method));
  }
  return principal;
}

}  // namespace firstline::platform
