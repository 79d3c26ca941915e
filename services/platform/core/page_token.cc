#include "platform/core/page_token.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace firstline::platform {

absl::StatusOr<int64_t> PageOffset(absl::string_view page_token) {
  if (page_token.empty()) return 0;
  int64_t offset = 0;
  if (!absl::SimpleAtoi(page_token, &offset) || offset < 0 || offset > kMaxPageOffset) {
    return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  return offset;
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

}  // namespace firstline::platform
