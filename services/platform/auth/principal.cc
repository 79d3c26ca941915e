#include "platform/auth/principal.h"

#include <array>
#include <utility>

#include "absl/strings/string_view.h"

namespace firstline::platform {
namespace {

constexpr std::array<std::pair<PrincipalKind, absl::string_view>, 6> kNames = {{
    {PrincipalKind::kCallCentre, "call_centre"},
    {PrincipalKind::kPartner, "partner"},
    {PrincipalKind::kRep, "rep"},
    {PrincipalKind::kEngineer, "engineer"},
    {PrincipalKind::kOperator, "operator"},
    {PrincipalKind::kService, "service"},
}};

}  // namespace

absl::string_view KindName(PrincipalKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<PrincipalKind> ParseKind(absl::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace firstline::platform
