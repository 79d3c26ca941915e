#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {

// Type URL under which a BadRequest (google.rpc.BadRequest wire format) rides in a Status.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

// Collects every bad field of a request, so one INVALID_ARGUMENT names them all.
class FieldErrors {
 public:
  void Add(std::string field, std::string description) {
    violations_.emplace_back(std::move(field), std::move(description));
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& violations() const { return violations_; }

  // OK when empty; otherwise INVALID_ARGUMENT whose message lists "field: description" pairs
  // and whose payload is the serialized BadRequest.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

}  // namespace firstline::platform
