#include "platform/auth/tokens.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {
namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

std::string Grant(jwt_t* jwt, const char* name) {
  const char* v = jwt_get_grant(jwt, name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

absl::Status ValidateSecret(absl::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat("auth secret must be at least ", kMinSecretBytes,
                                                   " bytes, got ", secret.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TokenIssuer::Mint(const Principal& principal,
                                              absl::Duration ttl) const {
  if (absl::Status st = ValidateSecret(secret_); !st.ok()) return st;
  if (principal.subject.empty()) return absl::InvalidArgumentError("token subject is empty");
  if (principal.organisation.empty()) {
    return absl::InvalidArgumentError("token organisation is empty");
  }
  if (ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("token ttl must be positive");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  int64_t now = absl::ToUnixSeconds(clock_.Now());
  int rc = jwt_add_grant(jwt.get(), "sub", principal.subject.c_str());
  rc |= jwt_add_grant(jwt.get(), "kind", std::string(KindName(principal.kind)).c_str());
  rc |= jwt_add_grant(jwt.get(), "org", principal.organisation.c_str());
  rc |= jwt_add_grant(jwt.get(), "iss", std::string(kTokenIssuer).c_str());
  rc |= jwt_add_grant_int(jwt.get(), "iat", now);
  rc |= jwt_add_grant_int(jwt.get(), "exp", now + absl::ToInt64Seconds(ttl));
  rc |=
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size()));
  if (rc != 0) return absl::InternalError("building the token failed");
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("encoding the token failed");
  std::string token(encoded);
  free(encoded);  // libjwt 1.10 allocates with malloc
  return token;
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) const {
  if (token.empty()) return absl::UnauthenticatedError("missing bearer token");
  const absl::Time now = clock_.Now();
  bool expired = false;
  {
    // Every call of every thread looks here: lookups share the lock.
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = cache_.find(token); it != cache_.end()) {
      if (it->second.expires > now) return it->second.principal;
      expired = true;
    }
  }
  if (expired) {
    absl::MutexLock lock(&mu_);
    cache_.erase(token);
    return absl::UnauthenticatedError("token has expired");
  }
  auto verified = Decode(token, now);
  if (!verified.ok()) return verified.status();
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= cache_capacity_) {
    absl::erase_if(cache_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (cache_.size() >= cache_capacity_) cache_.clear();  // all live: start over
  }
  cache_.emplace(token, *verified);
  return verified->principal;
}

size_t TokenVerifier::cached() const {
  absl::MutexLock lock(&mu_);
  return cache_.size();
}

absl::StatusOr<TokenVerifier::Verified> TokenVerifier::Decode(absl::string_view token,
                                                              absl::Time now) const {
  // A JWT header naming "none" must never pass: libjwt 1.x verifies nothing for it.
  jwt_t* raw = nullptr;
  std::string copy(token);
  int rc = jwt_decode(&raw, copy.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                      static_cast<int>(secret_.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || jwt == nullptr) {
    return absl::UnauthenticatedError("token signature or format is invalid");
  }
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    return absl::UnauthenticatedError("token algorithm must be HS256");
  }
  if (Grant(jwt.get(), "iss") != kTokenIssuer) {
    return absl::UnauthenticatedError("token issuer is not firstline");
  }
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || exp == 0) return absl::UnauthenticatedError("token has no expiry");
  const absl::Time expires = absl::FromUnixSeconds(exp);
  if (expires <= now) return absl::UnauthenticatedError("token has expired");
  Principal p;
  p.subject = Grant(jwt.get(), "sub");
  p.organisation = Grant(jwt.get(), "org");
  auto kind = ParseKind(Grant(jwt.get(), "kind"));
  if (p.subject.empty() || p.organisation.empty() || !kind.has_value()) {
    return absl::UnauthenticatedError("token lacks sub, org or a known kind");
  }
  p.kind = *kind;
  return Verified{std::move(p), expires};
}

}  // namespace firstline::platform
