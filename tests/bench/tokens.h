#pragma once

#include <string>

#include "platform/auth/tokens.h"

namespace firstline::bench {

// Bearer tokens minted with the service's secret for the principals a scenario plays.
class Tokens {
 public:
  explicit Tokens(const std::string& secret) : issuer_(secret, platform::SystemClock::Instance()) {}
  std::string For(const platform::Principal& p) const {
    auto t = issuer_.Mint(p, absl::Hours(2));
    return t.ok() ? "Bearer " + *t : "";
  }

 private:
  platform::TokenIssuer issuer_;
};

}  // namespace firstline::bench
