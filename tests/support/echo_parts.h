#pragma once

#include "echo/echo_service.h"
#include "platform/auth/rpc_authorizer.h"
#include "platform/auth/tokens.h"
#include "platform/core/clock.h"
#include "platform/http/metrics.h"

namespace firstline::testing {

// What an in-process echo server needs around it: a fake clock, metrics, token issuer and
// verifier on one secret, the authorizer and the echo service itself.
struct EchoParts {
  explicit EchoParts(std::string secret)
      : issuer(secret, clock), verifier(secret, clock), authorizer(verifier), echo(authorizer) {}

  // "Bearer <token>" for a principal of `kind`.
  std::string Bearer(platform::PrincipalKind kind, absl::Duration ttl = absl::Hours(1)) {
    return "Bearer " + issuer.Mint({"user-1", kind, "vendor"}, ttl).value_or("");
  }

  platform::FakeClock clock;
  prometheus::Registry registry;
  platform::PlatformMetrics metrics{registry};
  platform::TokenIssuer issuer;
  platform::TokenVerifier verifier;
  platform::RpcAuthorizer authorizer;
  echo::EchoService echo;
};

}  // namespace firstline::testing
