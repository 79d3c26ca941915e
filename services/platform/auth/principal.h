#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace firstline::platform {

enum class PrincipalKind { kCallCentre, kPartner, kRep, kEngineer, kOperator, kService };

absl::string_view KindName(PrincipalKind kind);
std::optional<PrincipalKind> ParseKind(absl::string_view name);

// Who is calling: the subject (user or service id), its kind and its organisation (the vendor
// or a partner). Tenancy checks compare organisations.
struct Principal {
  std::string subject;
  PrincipalKind kind = PrincipalKind::kOperator;
  std::string organisation;
};

}  // namespace firstline::platform
