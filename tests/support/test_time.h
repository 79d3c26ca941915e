#pragma once

#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"

namespace firstline::testing {

// A time written as RFC 3339 ("2026-09-01T10:00:00Z"); a typo fails the test that wrote it.
inline absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, nullptr)) << rfc3339;
  return t;
}

}  // namespace firstline::testing
