#include "platform/core/field_errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_join.h"
#include "firstline/v1/common.pb.h"

namespace firstline::platform {

absl::Status FieldErrors::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  firstline::v1::BadRequest details;
  std::vector<std::string> parts;
  for (const auto& [field, description] : violations_) {
    auto* v = details.add_field_violations();
    v->set_field(field);
    v->set_description(description);
    parts.push_back(field + ": " + description);
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

}  // namespace firstline::platform
