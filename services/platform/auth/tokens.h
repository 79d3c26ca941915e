#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"

namespace firstline::platform {

inline constexpr absl::string_view kTokenIssuer = "firstline";
inline constexpr size_t kMinSecretBytes = 32;

// Checks a signing secret is long enough for HS256; the error never echoes the secret.
absl::Status ValidateSecret(absl::string_view secret);

// Mints HS256 JWTs: sub, kind, org, iss, iat, exp.
class TokenIssuer {
 public:
  TokenIssuer(std::string secret, const Clock& clock) : secret_(std::move(secret)), clock_(clock) {}
  absl::StatusOr<std::string> Mint(const Principal& principal, absl::Duration ttl) const;

 private:
  std::string secret_;
  const Clock& clock_;
};

// Verifies signature (HS256 only: "none" and other algorithms are refused), issuer, expiry and
// claims. Every failure is UNAUTHENTICATED with a reason that never contains the token.
class TokenVerifier {
 public:
  TokenVerifier(std::string secret, const Clock& clock)
      : secret_(std::move(secret)), clock_(clock) {}
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

 private:
  std::string secret_;
  const Clock& clock_;
};

}  // namespace firstline::platform
