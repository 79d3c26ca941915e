#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace firstline::lead_intake {

// Normalises what call centres and partners type, so duplicates and accounts match.
// Pure functions; every failure is INVALID_ARGUMENT saying what is wrong with the value.

// Phone numbers to E.164 ("+8613812345678"). Accepts full-width digits, spaces, dashes, dots
// and brackets; "+CC", "00CC" and (for the default country) "CC" prefixes; a national trunk
// "0" before an area code. `default_country_code` is the calling code without "+", "86" for
// China. Chinese numbers are checked: mobiles are 11 digits starting 13-19, landlines an area
// code plus 7-8 digits.
absl::StatusOr<std::string> NormalizePhone(absl::string_view raw,
                                           absl::string_view default_country_code = "86");

// E-mail trimmed and lower-cased; must be local@domain.tld, at most 254 characters.
absl::StatusOr<std::string> NormalizeEmail(absl::string_view raw);

// The domain of a normalised e-mail when it identifies a company: empty for free-mail
// providers (qq.com, 163.com, gmail.com, ...).
std::string CompanyDomainOf(absl::string_view normalized_email);
bool IsFreeMailDomain(absl::string_view domain);

// A matching key for a company name: full-width to half-width, case folded, punctuation and
// legal suffixes (Co., Ltd., Inc., GmbH, 有限公司, 股份有限公司, 集团, ...) removed, spaces
// collapsed. "杭州某某软件有限公司" and "杭州某某软件（集团）有限公司" give the same key.
std::string CompanyMatchKey(absl::string_view name);

}  // namespace firstline::lead_intake
