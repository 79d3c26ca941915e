#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early-return helpers for absl::Status code paths (absl keeps its own private).
#define FL_CONCAT_INNER(a, b) a##b
#define FL_CONCAT(a, b) FL_CONCAT_INNER(a, b)

#define FL_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status fl_status_ = (expr);      \
    if (!fl_status_.ok()) return fl_status_; \
  } while (false)

#define FL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

#define FL_ASSIGN_OR_RETURN(lhs, expr) \
  FL_ASSIGN_OR_RETURN_IMPL(FL_CONCAT(fl_statusor_, __LINE__), lhs, expr)

#include <string>

namespace firstline::platform {

// "CODE: message" without payloads, for people (logs keep ToString()).
inline std::string StatusText(const absl::Status& status) {
  return absl::StatusCodeToString(status.code()) + ": " + std::string(status.message());
}

}  // namespace firstline::platform
