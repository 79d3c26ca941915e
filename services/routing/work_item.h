#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace firstline::routing {

// A lead or a ticket to be routed. Policy conditions read `attributes` by name (region,
// size_tier, value_tier, industry, product_line, channel, priority, customer_status,
// partner_registration, or any custom one).
struct WorkItem {
  std::string id;
  std::string kind;  // "lead" or "ticket"
  std::string account_id;
  std::map<std::string, std::string> attributes;
  std::vector<std::string> skills;  // every one is required of a worker
  // Workers never offered this item, whatever the target (say, the engineer who handed a
  // ticket back as unable to resolve).
  std::set<std::string> excluded;

  std::string Attribute(absl::string_view name) const {
    auto it = attributes.find(std::string(name));
    return it == attributes.end() ? std::string() : it->second;
  }
};

inline constexpr size_t kMaxExcludedWorkers = 64;

// Checks an item: id, kind and account present and short, attribute names and values sane;
// INVALID_ARGUMENT naming every bad field.
absl::Status ValidateWorkItem(const WorkItem& item);

// Reads an item from JSON: {"id", "kind", "account_id", "attributes": {..}, "skills": [..],
// "excluded": [..]}.
absl::StatusOr<WorkItem> WorkItemFromJson(absl::string_view json);
// The item as the engine stores it with its state (for routing it again later).
std::string WorkItemToJson(const WorkItem& item);

}  // namespace firstline::routing
