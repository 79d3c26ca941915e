#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {

// List RPCs page through sorted sets by position: a page token is the offset of the next
// page, as this service issued it. Past kMaxPageOffset no list can reach, and offset + page
// size stays far inside Redis's (and int64's) range.
inline constexpr int64_t kMaxPageOffset = int64_t{1} << 40;

// The offset a page token stands for: 0 for an empty token; INVALID_ARGUMENT naming
// page_token for anything this service would not have issued.
absl::StatusOr<int64_t> PageOffset(absl::string_view page_token);

// A requested page size, 0..kMaxPageSize (0: kDefaultPageSize); INVALID_ARGUMENT naming
// page_size otherwise.
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;
absl::StatusOr<int> PageSize(int requested);

}  // namespace firstline::platform
