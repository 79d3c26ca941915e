#pragma once

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
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
//
// An app sends the same token on every call, and decoding and checking it again cost about as
// much as a call's own work: a verified token is remembered, keyed by all its bytes, until it
// expires (at most `cache_capacity` tokens; refused ones are never remembered).
class TokenVerifier {
 public:
  TokenVerifier(std::string secret, const Clock& clock, size_t cache_capacity = 65'536)
      : secret_(std::move(secret)), clock_(clock), cache_capacity_(cache_capacity) {}
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  size_t cached() const;

 private:
  struct Verified {
    Principal principal;
    absl::Time expires;
  };
  absl::StatusOr<Verified> Decode(absl::string_view token, absl::Time now) const;

  std::string secret_;
  const Clock& clock_;
  const size_t cache_capacity_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Verified> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace firstline::platform
