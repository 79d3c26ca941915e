#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "platform/core/field_errors.h"

namespace firstline::platform {

// Ids and codes travel into Redis keys and events: letters, digits and - _ . : only.
bool IsCode(absl::string_view s);

// Adds "is required" / "is longer than N bytes" for `field` when it applies.
void CheckLength(FieldErrors& errors, const std::string& field, absl::string_view value, size_t max,
                 bool required = false);
// CheckLength plus the code alphabet.
void CheckCode(FieldErrors& errors, const std::string& field, absl::string_view value, size_t max,
               bool required = false);
// A company domain such as "example.com" (lower-cased by the caller).
bool IsDomainName(absl::string_view domain);

}  // namespace firstline::platform
