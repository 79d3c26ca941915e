#include "platform/core/field_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace firstline::platform {

bool IsCode(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

void CheckLength(FieldErrors& errors, const std::string& field, absl::string_view value, size_t max,
                 bool required) {
  if (required && value.empty()) {
    errors.Add(field, "is required");
  } else if (value.size() > max) {
    errors.Add(field, absl::StrCat("is longer than ", max, " bytes"));
  }
}

void CheckCode(FieldErrors& errors, const std::string& field, absl::string_view value, size_t max,
               bool required) {
  CheckLength(errors, field, value, max, required);
  if (!value.empty() && value.size() <= max && !IsCode(value)) {
    errors.Add(field, "may hold only letters, digits and - _ . :");
  }
}

bool IsDomainName(absl::string_view domain) {
  return !domain.empty() && domain.size() <= 253 && domain.find('.') != absl::string_view::npos &&
         IsCode(domain) && domain.front() != '.' && domain.back() != '.';
}

}  // namespace firstline::platform
